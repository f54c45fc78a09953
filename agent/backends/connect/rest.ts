import { z } from 'zod';
import { callJson, parseBody, type JsonServer } from '../jsonHttp';
import type { SourceOffset } from './sourceOffsets';

/** Connector and task states as Kafka Connect reports them (STOPPED: connectors only, 3.5+). */
export const ConnectState = z.enum(['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED']);
export type ConnectState = z.infer<typeof ConnectState>;

/** `GET /connectors/{name}/status`. Connect 4.x adds `version`; `trace` is there only on FAILED. */
export const ConnectorStatus = z.object({
  name: z.string(),
  connector: z.object({ state: z.string(), worker_id: z.string().optional(), version: z.string().optional(), trace: z.string().optional() }),
  tasks: z.array(z.object({ id: z.number().int(), state: z.string(), worker_id: z.string().optional(), version: z.string().optional(), trace: z.string().optional() })),
  type: z.string().optional(),
});
export type ConnectorStatus = z.infer<typeof ConnectorStatus>;

export const ConnectorInfo = z.object({
  name: z.string(),
  config: z.record(z.string(), z.string()),
  tasks: z.array(z.object({ connector: z.string(), task: z.number().int() })),
  type: z.string().optional(),
});
export type ConnectorInfo = z.infer<typeof ConnectorInfo>;

/** `GET /connectors?expand=status&expand=info`: keyed by connector name. */
export const ExpandedConnectors = z.record(z.string(), z.object({ status: ConnectorStatus.optional(), info: ConnectorInfo.optional() }));
export type ExpandedConnectors = z.infer<typeof ExpandedConnectors>;

/** Every Connect error body: `{"error_code": 404, "message": "Unknown connector foo"}`. */
const ErrorBody = z.object({ error_code: z.number().int(), message: z.string() });

/**
 * Kafka Connect's REST API, as far as pausing needs it. Failures become PauseErrors that carry
 * the worker's own message (`Unknown connector foo`, `No status found for connector foo`, ...):
 * the user sees what the server said, with who said it.
 */
export class ConnectRest {
  readonly baseUrl: string;
  private readonly server: JsonServer;

  constructor(url: string, timeoutMs: number) {
    this.baseUrl = url.replace(/\/+$/, '');
    this.server = { server: `Kafka Connect at ${this.baseUrl}`, baseUrl: this.baseUrl, timeoutMs, errorMessage };
  }

  async expanded(): Promise<ExpandedConnectors> {
    return this.parse(ExpandedConnectors, await this.call('GET', '/connectors?expand=status&expand=info'), 'GET /connectors?expand=status&expand=info');
  }

  async status(name: string): Promise<ConnectorStatus> {
    return this.parse(ConnectorStatus, await this.call('GET', `/connectors/${encodeURIComponent(name)}/status`), `GET /connectors/${name}/status`);
  }

  async info(name: string): Promise<ConnectorInfo> {
    return this.parse(ConnectorInfo, await this.call('GET', `/connectors/${encodeURIComponent(name)}`), `GET /connectors/${name}`);
  }

  /** Topics the connector has used since it (re)started (KIP-558); null when the worker does not track them. */
  async activeTopics(name: string): Promise<string[] | null> {
    try {
      const body = (await this.call('GET', `/connectors/${encodeURIComponent(name)}/topics`)) as Record<string, { topics?: unknown }>;
      const topics = body?.[name]?.topics;
      return Array.isArray(topics) ? topics.filter((t): t is string => typeof t === 'string') : null;
    } catch {
      return null;
    }
  }

  /**
   * Source offsets (GET /connectors/{name}/offsets, Connect 3.6+), as partition -> offset objects;
   * null when the worker cannot say (older Connect, or the connector is being reconfigured).
   */
  async sourceOffsets(name: string): Promise<SourceOffset[] | null> {
    try {
      const body = (await this.call('GET', `/connectors/${encodeURIComponent(name)}/offsets`)) as { offsets?: unknown };
      return Array.isArray(body?.offsets) ? (body.offsets as SourceOffset[]) : null;
    } catch {
      return null;
    }
  }

  /** PUT /connectors/{name}/pause | resume | stop (202, 202, 204; empty bodies). */
  async transition(name: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/${action}`);
  }

  private parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
    return parseBody(this.server, schema, body, what);
  }

  private call(method: string, path: string): Promise<unknown> {
    return callJson(this.server, method, path);
  }
}

/** The worker's own words: `{"error_code": 404, "message": "Unknown connector foo"}`. */
function errorMessage(body: unknown): string | null {
  const parsed = ErrorBody.safeParse(body);
  return parsed.success ? parsed.data.message : null;
}
