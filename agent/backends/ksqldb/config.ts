import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';
import { KafkaAccess } from '../../kafka/access';

export const KsqlDbConfig = z
  .object({
    name: connectionName,
    kind: z.literal('ksqldb'),
    description: z.string().optional(),
    servers: z
      .array(endpointUrl())
      .min(1)
      .describe('REST endpoints (http://host:8088) of the servers of one ksqlDB cluster. Each request goes to the first that answers; every server reports the query states of all of them.'),
    auth: z
      .object({
        usernameEnv: z.string().min(1).describe('Environment variable holding the user name (HTTP basic auth).'),
        passwordEnv: z.string().min(1).describe('Environment variable holding the password.'),
      })
      .strict()
      .optional()
      .describe('HTTP basic auth for the ksqlDB REST API; the credentials come from the environment, never from this file.'),
    kafka: KafkaAccess.optional().describe(
      'The Kafka cluster the queries read. With it the agent shows each query\'s lag, proof that a pause holds (committed offsets stop moving) and when paused data starts to age out (retention.ms).',
    ),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(1),
    requestTimeoutSeconds: z.number().min(1).max(300).default(10),
    commandTimeoutSeconds: z.number().min(1).max(3600).default(60).describe('How long a PAUSE or RESUME answered QUEUED is followed (GET /status/...) before giving up.'),
  })
  .strict();
export type KsqlDbConfig = z.output<typeof KsqlDbConfig>;
