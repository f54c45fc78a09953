import { PauseError } from '../../../protocol/errors';
import { callJson, type JsonServer } from '../jsonHttp';
import type { KsqlDbConfig } from './config';
import { CommandStatus, ErrorBody, ServerInfo } from './wire';

/** A ksqlDB server answered with an error body; `message` is the server's own wording. */
export class KsqlServerError extends Error {
  constructor(
    readonly server: string,
    readonly httpStatus: number,
    readonly errorCode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'KsqlServerError';
  }
}

const KSQL_MEDIA_TYPE = 'application/vnd.ksql.v1+json';

/**
 * The REST calls the adapter makes. A request goes to the first server that answers, starting
 * with the one that answered last; a server that cannot be reached or answers 5xx is skipped.
 */
export class KsqlRest {
  private preferred = 0;

  constructor(private readonly config: KsqlDbConfig) {}

  get servers(): string[] {
    return this.config.servers.map((s) => s.replace(/\/+$/, ''));
  }

  /** The servers in the order a request tries them: the one that answered last first. */
  get ordered(): string[] {
    const servers = this.servers;
    return servers.map((_server, i) => servers[(this.preferred + i) % servers.length]);
  }

  /** POST /ksql with statements that only read (SHOW, LIST): safe to send again anywhere. */
  async show(ksql: string): Promise<{ server: string; entities: unknown[] }> {
    return this.post(ksql, {}, false);
  }

  /** POST /ksql with one or more statements that change something; the entities, in statement order, and who answered. */
  async statements(ksql: string, streamsProperties: Record<string, string> = {}): Promise<{ server: string; entities: unknown[] }> {
    return this.post(ksql, streamsProperties, true);
  }

  private async post(ksql: string, streamsProperties: Record<string, string>, changes: boolean): Promise<{ server: string; entities: unknown[] }> {
    return this.anyServer(async (server) => {
      const body = await this.request(server, 'POST', '/ksql', { ksql, streamsProperties }, changes);
      if (!Array.isArray(body)) throw new KsqlServerError(server, 200, null, 'answered /ksql with something other than a list of entities');
      return { server, entities: body };
    });
  }

  async info(server: string): Promise<ServerInfo> {
    const parsed = ServerInfo.safeParse(await this.request(server, 'GET', '/info'));
    if (!parsed.success) throw new KsqlServerError(server, 200, null, 'answered GET /info without KsqlServerInfo.version');
    return parsed.data.KsqlServerInfo;
  }

  async status(server: string, commandId: string): Promise<CommandStatus> {
    const path = `/status/${commandId.split('/').map(encodeURIComponent).join('/')}`;
    const parsed = CommandStatus.safeParse(await this.request(server, 'GET', path));
    if (!parsed.success) throw new KsqlServerError(server, 200, null, `answered GET ${path} without a status`);
    return parsed.data;
  }

  private async anyServer<T>(work: (server: string) => Promise<T>): Promise<T> {
    const servers = this.servers;
    const failures: PauseError[] = [];
    for (let i = 0; i < servers.length; i++) {
      const index = (this.preferred + i) % servers.length;
      try {
        const result = await work(servers[index]);
        this.preferred = index;
        return result;
      } catch (error) {
        // Refused, silent or cut off: the next server may answer.
        if (error instanceof PauseError && (error.code === 'BackendUnavailable' || error.code === 'BackendTimeout')) failures.push(error);
        else if (error instanceof KsqlServerError && error.httpStatus >= 500) failures.push(new PauseError('BackendUnavailable', `${error.server} answered ${error.httpStatus}: ${error.message}`));
        else throw error;
      }
    }
    throw noServerAnswered(failures);
  }

  private async request(server: string, method: string, path: string, body?: unknown, changes = false): Promise<unknown> {
    const json = await callJson(this.jsonServer(server), method, path, body, { changes });
    if (json === undefined) throw new KsqlServerError(server, 200, null, `answered ${method} ${path} with a body that is not JSON`);
    return json;
  }

  private jsonServer(server: string): JsonServer {
    return {
      server: `ksqlDB at ${server}`,
      baseUrl: server,
      timeoutMs: this.config.requestTimeoutSeconds * 1000,
      headers: () => {
        const auth = this.authorization();
        return { accept: `${KSQL_MEDIA_TYPE}, application/json`, ...(auth ? { authorization: auth } : {}) };
      },
      bodyType: KSQL_MEDIA_TYPE,
      // The adapter reads ksqlDB's error_code and the status (5xx: try the next server), so errors keep both.
      failure: (status, json, text) => {
        const error = ErrorBody.safeParse(json);
        if (error.success) return new KsqlServerError(server, status, error.data.error_code ?? null, error.data.message);
        return new KsqlServerError(server, status, null, `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
      },
    };
  }

  private authorization(): string | null {
    const auth = this.config.auth;
    if (!auth) return null;
    const user = process.env[auth.usernameEnv];
    const password = process.env[auth.passwordEnv];
    if (user === undefined || password === undefined) {
      throw new PauseError('BadRequest', `ksqlDB credentials: set ${[user === undefined ? auth.usernameEnv : null, password === undefined ? auth.passwordEnv : null].filter(Boolean).join(' and ')} in the agent's environment`);
    }
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
}

/**
 * Every server failed. Slow when any was silent; and when a change went to any of them before
 * its answer was lost, the user hears that it may have been applied, not that it failed.
 */
function noServerAnswered(failures: PauseError[]): PauseError {
  const code = failures.some((f) => f.code === 'BackendTimeout') ? 'BackendTimeout' : 'BackendUnavailable';
  return new PauseError(code, `no ksqlDB server answered: ${failures.map((f) => f.message).join('; ')}`);
}
