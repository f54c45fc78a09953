import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';
import { KafkaAccess } from '../../kafka/access';

export const KafkaConnectConfig = z
  .object({
    name: connectionName,
    kind: z.literal('kafka-connect'),
    description: z.string().optional(),
    url: endpointUrl().describe('REST URL of any worker of the Kafka Connect cluster, e.g. http://127.0.0.1:8083.'),
    connectors: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Only these connectors (exact names); omit to list every connector of the cluster.'),
    kafka: KafkaAccess.optional().describe(
      "The Kafka cluster the connectors write to and read from. With it the agent shows each sink connector's lag (its consumer group, connect-<name> or consumer.override.group.id), proof that a pause holds (committed offsets stop moving), when paused data starts to age out (retention.ms), and the inputs of a topics.regex sink.",
    ),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(1),
    requestTimeoutSeconds: z.number().min(1).max(300).default(10).describe('How long one REST call may take.'),
    settleSeconds: z
      .number()
      .min(0)
      .max(120)
      .default(5)
      .describe('After pause, resume or stop, how long to wait for the connector and every task to report the new state before answering (it is shown as pausing / resuming after that).'),
  })
  .strict();
export type KafkaConnectConfig = z.output<typeof KafkaConnectConfig>;
