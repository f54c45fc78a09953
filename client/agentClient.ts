import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { BulkResponse, PauseResponse, PauseUpstreamResponse, ResourceResponse, ResumeResponse, StopResponse, type BulkOptions, type BulkResult, type PauseApi, type ResourceOptions, type SnapshotOptions } from '../protocol/api';
import { DeployResponse, type DeployRequestInput } from '../protocol/deploy';
import { ApiErrorBody, PauseError } from '../protocol/errors';
import { API_PREFIX, OPERATION_HEADER, Snapshot } from '../protocol/messages';
import type { PauseRequestInput, PauseUpstreamRequestInput, ResumeRequestInput, StopRequestInput } from '../protocol/requests';
import { PeekResponse, type PeekRequestInput } from '../protocol/peek';
import type { Resource } from '../protocol/resource';
import { AgentEvents } from './agentEvents';

/** How long the events socket may take to open before a long operation is sent without it. */
const EVENTS_OPEN_MS = 2000;

interface RequestOptions {
  /** Replaces the plain timeout: the caller aborts (a long operation whose progress stopped). */
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/**
 * The agent's HTTP API, typed and checked with the same schemas the agent uses. A request fails
 * after `timeoutMs` without an answer; a long operation (pause-all, groups) only after
 * `timeoutMs` without a progress message from the agent, however long it works.
 */
export class AgentClient implements PauseApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async health(timeoutMs = 1500): Promise<{ version: string; pid: number }> {
    return (await this.request('GET', '/health', undefined, timeoutMs)) as { version: string; pid: number };
  }

  async snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    return this.checked(Snapshot, await this.request('GET', options.fresh ? '/snapshot?fresh=true' : '/snapshot'));
  }

  async resource(id: string, options: ResourceOptions = {}): Promise<Resource> {
    const path = `/resources/${encodeId(id)}${options.exact ? '?exact=true' : ''}`;
    return this.checked(ResourceResponse, await this.request('GET', path, undefined, options.exact ? EXACT_COUNT_TIMEOUT_MS : this.timeoutMs)).resource;
  }

  async pause(id: string, request: PauseRequestInput): Promise<PauseResponse> {
    return this.checked(PauseResponse, await this.request('POST', `/resources/${encodeId(id)}/pause`, request));
  }

  async resume(id: string, request: ResumeRequestInput): Promise<ResumeResponse> {
    return this.checked(ResumeResponse, await this.request('POST', `/resources/${encodeId(id)}/resume`, request));
  }

  async stop(id: string, request: StopRequestInput): Promise<StopResponse> {
    return this.checked(StopResponse, await this.request('POST', `/resources/${encodeId(id)}/stop`, request));
  }

  async pauseAll(connection: string, request: PauseRequestInput, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.longRequest(`/connections/${encodeURIComponent(connection)}/pause-all`, request, options)).results;
  }

  async resumeAll(connection: string | null, request: ResumeRequestInput, options: BulkOptions = {}): Promise<BulkResult[]> {
    const path = connection === null ? '/resume-all' : `/connections/${encodeURIComponent(connection)}/resume-all`;
    return this.checked(BulkResponse, await this.longRequest(path, request, options)).results;
  }

  async pauseUpstream(id: string, request: PauseUpstreamRequestInput, options: BulkOptions = {}): Promise<PauseUpstreamResponse> {
    return this.checked(PauseUpstreamResponse, await this.longRequest(`/resources/${encodeId(id)}/pause-upstream`, request, options));
  }

  async resumeUpstream(id: string, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.longRequest(`/resources/${encodeId(id)}/resume-upstream`, {}, options)).results;
  }

  async resumeGroup(group: string, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.longRequest(`/groups/${encodeURIComponent(group)}/resume`, {}, options)).results;
  }

  async peek(id: string, request: PeekRequestInput = {}): Promise<PeekResponse> {
    const query = request.limit === undefined ? '' : `?limit=${encodeURIComponent(String(request.limit))}`;
    return this.checked(PeekResponse, await this.request('GET', `/resources/${encodeId(id)}/peek${query}`));
  }

  async deploy(connection: string, request: DeployRequestInput): Promise<DeployResponse> {
    return this.checked(DeployResponse, await this.request('POST', `/connections/${encodeURIComponent(connection)}/deploy`, request));
  }

  async shutdown(): Promise<void> {
    await this.request('POST', '/shutdown', {});
  }

  async close(): Promise<void> {}

  private checked<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new PauseError('Internal', `the agent at ${this.baseUrl} sent an answer this client does not understand (version mismatch?)`);
    return parsed.data;
  }

  /**
   * A POST that may take long: it listens to the agent's events for progress of its own
   * operation id, and gives up only once `timeoutMs` passes with none.
   */
  private async longRequest(path: string, body: unknown, options: BulkOptions): Promise<unknown> {
    const operation = randomUUID();
    const silence = new AbortController();
    const arm = () => setTimeout(() => silence.abort(new SilenceError(this.timeoutMs)), this.timeoutMs);
    let timer = arm();
    const events = new AgentEvents(async () => ({ baseUrl: this.baseUrl, token: this.token }));
    events.on('progress', (message) => {
      if (message.operation !== operation) return;
      clearTimeout(timer);
      timer = arm();
      options.onProgress?.({ done: message.done, total: message.total, failed: message.failed });
    });
    try {
      // Without the socket the request still goes, waiting as long as a plain one.
      await opened(events, EVENTS_OPEN_MS);
      return await this.request('POST', path, body, undefined, { signal: silence.signal, headers: { [OPERATION_HEADER]: operation } });
    } finally {
      clearTimeout(timer);
      events.close();
    }
  }

  private async request(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs, options: RequestOptions = {}): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${API_PREFIX}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const silent = options.signal?.reason instanceof SilenceError ? options.signal.reason.message : null;
      const reason = silent ?? ((error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message));
      throw new PauseError('BackendUnavailable', `cannot reach the agent at ${this.baseUrl} (${reason})`);
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (response.ok) return json;
    const failure = ApiErrorBody.safeParse(json);
    if (failure.success) throw new PauseError(failure.data.error.code, failure.data.error.message, failure.data.error.details);
    throw new PauseError('Internal', `the agent answered HTTP ${response.status} without an error message`);
  }
}

/** An exact count is one S3 LIST per 1,000 tasks (about 0.4 s each on the sandbox: 50,000 took 21 s), so it gets minutes, not the usual 30 s. */
const EXACT_COUNT_TIMEOUT_MS = 10 * 60_000;

class SilenceError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer and no progress for ${timeoutMs / 1000}s`);
  }
}

/** Resolves once the events socket is open, or after `withinMs` if it does not open. */
function opened(events: AgentEvents, withinMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, withinMs);
    const unsubscribe = events.onStatus((status) => {
      if (status.state === 'open') done();
    });
    events.start();
  });
}

function encodeId(id: string): string {
  const slash = id.indexOf('/');
  if (slash <= 0) throw new PauseError('BadRequest', `"${id}" is not a resource address; use <connection>/<name>`);
  return `${encodeURIComponent(id.slice(0, slash))}/${encodeURIComponent(id.slice(slash + 1))}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
