import { PauseError } from '../../../protocol/errors';
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

  /** POST /ksql with one or more statements; the entities, in statement order, and who answered. */
  async statements(ksql: string, streamsProperties: Record<string, string> = {}): Promise<{ server: string; entities: unknown[] }> {
    return this.anyServer(async (server) => {
      const body = await this.request(server, 'POST', '/ksql', { ksql, streamsProperties });
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
    const failures: string[] = [];
    for (let i = 0; i < servers.length; i++) {
      const index = (this.preferred + i) % servers.length;
      try {
        const result = await work(servers[index]);
        this.preferred = index;
        return result;
      } catch (error) {
        if (error instanceof PauseError || (error instanceof KsqlServerError && error.httpStatus < 500)) throw error;
        failures.push(`${servers[index]} (${(error as Error).message})`);
      }
    }
    throw new PauseError('BackendUnavailable', `no ksqlDB server answered: ${failures.join('; ')}`);
  }

  private async request(server: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: `${KSQL_MEDIA_TYPE}, application/json` };
    if (body !== undefined) headers['content-type'] = KSQL_MEDIA_TYPE;
    const auth = this.authorization();
    if (auth) headers.authorization = auth;
    let response: Response;
    try {
      response = await fetch(`${server}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.requestTimeoutSeconds * 1000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.config.requestTimeoutSeconds}s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(reason);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined) throw new KsqlServerError(server, response.status, null, `answered ${method} ${path} with a body that is not JSON`);
      return json;
    }
    const error = ErrorBody.safeParse(json);
    if (error.success) throw new KsqlServerError(server, response.status, error.data.error_code ?? null, error.data.message);
    throw new KsqlServerError(server, response.status, null, `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
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
