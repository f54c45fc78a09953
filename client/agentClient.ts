import type { z } from 'zod';
import { BulkResponse, PauseResponse, PauseUpstreamResponse, ResourceResponse, ResumeResponse, StopResponse, type BulkResult, type PauseApi } from '../protocol/api';
import { DeployResponse, type DeployRequestInput } from '../protocol/deploy';
import { ApiErrorBody, PauseError } from '../protocol/errors';
import { API_PREFIX, Snapshot } from '../protocol/messages';
import type { PauseRequestInput, PauseUpstreamRequestInput, ResumeRequestInput, StopRequestInput } from '../protocol/requests';
import { PeekResponse, type PeekRequestInput } from '../protocol/peek';
import type { Resource } from '../protocol/resource';

/** The agent's HTTP API, typed and checked with the same schemas the agent uses. */
export class AgentClient implements PauseApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async health(timeoutMs = 1500): Promise<{ version: string; pid: number }> {
    return (await this.request('GET', '/health', undefined, timeoutMs)) as { version: string; pid: number };
  }

  async snapshot(): Promise<Snapshot> {
    return this.checked(Snapshot, await this.request('GET', '/snapshot'));
  }

  async resource(id: string): Promise<Resource> {
    return this.checked(ResourceResponse, await this.request('GET', `/resources/${encodeId(id)}`)).resource;
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

  async pauseAll(connection: string, request: PauseRequestInput): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.request('POST', `/connections/${encodeURIComponent(connection)}/pause-all`, request)).results;
  }

  async resumeAll(connection: string | null, request: ResumeRequestInput): Promise<BulkResult[]> {
    const path = connection === null ? '/resume-all' : `/connections/${encodeURIComponent(connection)}/resume-all`;
    return this.checked(BulkResponse, await this.request('POST', path, request)).results;
  }

  async pauseUpstream(id: string, request: PauseUpstreamRequestInput): Promise<PauseUpstreamResponse> {
    return this.checked(PauseUpstreamResponse, await this.request('POST', `/resources/${encodeId(id)}/pause-upstream`, request));
  }

  async resumeUpstream(id: string): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.request('POST', `/resources/${encodeId(id)}/resume-upstream`, {})).results;
  }

  async resumeGroup(group: string): Promise<BulkResult[]> {
    return this.checked(BulkResponse, await this.request('POST', `/groups/${encodeURIComponent(group)}/resume`, {})).results;
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

  private async request(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${API_PREFIX}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
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
