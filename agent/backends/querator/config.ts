import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';
import { PauseMode } from './pauseState';

export const QueratorConfig = z
  .object({
    name: connectionName,
    kind: z.literal('querator'),
    description: z.string().optional(),
    endpoint:
      endpointUrl({ protocol: /^http$/, message: 'the Querator endpoint is an http:// URL, e.g. http://127.0.0.1:2319' })
      .refine((url) => new URL(url).pathname === '/', 'the Querator endpoint is scheme, host and port only (Querator serves /v1/... at the root)')
      .describe('The Querator server (DUH-RPC over HTTP), e.g. http://127.0.0.1:2319.'),
    gatewayPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .describe('Loopback port of the pausing gateway the agent runs for this connection: producers and consumers call http://127.0.0.1:<gatewayPort> instead of the server.'),
    pauseMode: PauseMode.default('hold').describe('hold: produce, lease, complete and retry are held while paused (ADR 13). drain: complete and retry pass so leased items can finish; produce and lease are held (ADR 0023).'),
    queuePauseModes: z.record(z.string(), PauseMode).default({}).describe('pauseMode for single queues, by queue name.'),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(1),
    stateDir: z.string().optional().describe('Where the gateway keeps its pause state (one JSON file per connection); default <agent home>/querator.'),
  })
  .strict();
export type QueratorConfig = z.output<typeof QueratorConfig>;
