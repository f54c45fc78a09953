import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';
import { KafkaAccess } from '../../kafka/access';

export const FlinkConfig = z
  .object({
    name: connectionName,
    kind: z.literal('flink'),
    description: z.string().optional(),
    url: endpointUrl().describe("REST URL of the Flink session cluster's JobManager, e.g. http://127.0.0.1:8081."),
    gatewayUrl: endpointUrl().describe('REST URL of the Flink SQL Gateway that submits to this cluster, e.g. http://127.0.0.1:8083: resume and deploy submit statements through it.'),
    jobs: z.array(z.string().min(1)).min(1).optional().describe('Only these jobs (exact names); omit to list every job of the cluster.'),
    savepointDirectory: z
      .string()
      .min(1)
      .optional()
      .describe("Where a pause writes its savepoint (a URI Flink can write, e.g. s3://bucket/savepoints or file:///shared/savepoints); default: the cluster's execution.checkpointing.savepoint-dir."),
    kafka: KafkaAccess.optional().describe(
      "The Kafka cluster the jobs read and write. With it the agent shows each job's lag (the consumer group in its Kafka source's properties.group.id, committed on checkpoints) and proof that a pause holds (committed offsets stop moving).",
    ),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(1),
    requestTimeoutSeconds: z.number().min(1).max(300).default(10).describe('How long one REST call may take.'),
    savepointTimeoutSeconds: z
      .number()
      .min(5)
      .max(3600)
      .default(120)
      .describe('How long a pause waits for its savepoint, and a resume or deploy for the job to run, before it reports the job as still pausing or starting.'),
  })
  .strict();
export type FlinkConfig = z.output<typeof FlinkConfig>;
