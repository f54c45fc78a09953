import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';

export const S3QueueConfig = z
  .object({
    name: connectionName,
    kind: z.literal('s3-queue'),
    description: z.string().optional(),
    buckets: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name is 3-63 lowercase letters, digits, "." or "-"'))
      .min(1)
      .describe('Buckets that each hold one buquet queue.'),
    endpoint: endpointUrl().optional().describe('S3-compatible endpoint; omit for AWS. Path-style addressing is used whenever it is set, as buquet does.'),
    region: z.string().optional().describe('Defaults to the AWS SDK chain (AWS_REGION, profile), then us-east-1.'),
    profile: z.string().optional().describe('Named profile from ~/.aws/config and ~/.aws/credentials; credentials are never stored in this file.'),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(1),
    requestTimeoutSeconds: z.number().min(0.5).max(60).default(10).describe('An S3 request with no whole answer after this long fails; the connection then shows as slow.'),
    workerStaleSeconds: z.number().min(1).default(30).describe('A worker whose last heartbeat is older than this is shown as stale.'),
    workerForgetSeconds: z
      .number()
      .min(1)
      .default(3600)
      .describe('A worker whose last heartbeat is older than this is no longer listed (its heartbeat object is left in the bucket).'),
  })
  .strict();
export type S3QueueConfig = z.output<typeof S3QueueConfig>;
