import { z } from 'zod';
import type { ErrorCode } from '../../../protocol/errors';
import { callJson, parseBody, type JsonServer } from '../jsonHttp';

const optionalNumber = z.number().nullish();
const optionalText = z.string().nullish();

/**
 * A sync job as Relational Migrator's REST API (1.7.0+) returns it. Only the fields the adapter
 * reads are checked; the rest pass through untouched, so a newer Migrator's additions do no harm.
 */
export const MigratorJob = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  projectId: z.union([z.string(), z.number()]).transform(String).nullish(),
  status: z.string(),
  cdcStatus: optionalText,
  options: z.looseObject({ mode: optionalText }).nullish(),
  submittedAt: optionalText,
  /** Where an Atlas destination is (REST API reference, 1.6.0+): its cluster names the job's destination. */
  atlasMetadata: z.looseObject({ mongoDbClusterName: optionalText }).nullish(),
  cdcStatistics: z
    .looseObject({ startedAt: optionalText, lastEventTime: optionalText, eventsInLastHour: optionalNumber, eventsInLastMinute: optionalNumber, totalEventsSeen: optionalNumber })
    .nullish(),
  failureError: z.unknown().optional(),
});
export type MigratorJob = z.output<typeof MigratorJob>;

/** `GET /jobs`: a list, or a page of one (tolerated, since the shape is not documented). */
const JobList = z.union([z.array(MigratorJob), z.looseObject({ content: z.array(MigratorJob) }).transform((page) => page.content), z.looseObject({ jobs: z.array(MigratorJob) }).transform((page) => page.jobs)]);

/** Error bodies (400 / 404 since mid-2026; older releases used 432, 434, 470, 471, 473, 480). */
const ErrorBody = z.looseObject({ jobId: z.unknown().optional(), message: z.string().optional(), description: z.string().optional(), timestamp: z.unknown().optional() });

export interface JobQuery {
  limit: number;
  projectId?: string;
}

/** Relational Migrator's REST API: no authentication, localhost only unless run unattended. */
export class MigratorApi {
  readonly baseUrl: string;
  private readonly server: JsonServer;

  constructor(url: string, timeoutMs: number) {
    this.baseUrl = url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    this.server = { server: `Relational Migrator at ${this.baseUrl}`, baseUrl: `${this.baseUrl}/api/v1`, timeoutMs, errorMessage, errorCode };
  }

  async jobs(query: JobQuery): Promise<MigratorJob[]> {
    const params = new URLSearchParams({ sort: 'submittedAt,DESC', limit: String(query.limit) });
    if (query.projectId) params.set('projectId', query.projectId);
    return this.parse(JobList, await this.call('GET', `/jobs?${params}`), 'GET /jobs');
  }

  async job(id: string): Promise<MigratorJob> {
    return this.parse(MigratorJob, await this.call('GET', `/jobs/${encodeURIComponent(id)}`), `GET /jobs/${id}`);
  }

  /** POST /jobs/{id}/pause | resume; answers 200 with the job. */
  async action(id: string, action: 'pause' | 'resume'): Promise<MigratorJob> {
    return this.parse(MigratorJob, await this.call('POST', `/jobs/${encodeURIComponent(id)}/${action}`), `POST /jobs/${id}/${action}`);
  }

  private parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
    return parseBody(this.server, schema, body, what);
  }

  private call(method: string, path: string): Promise<unknown> {
    return callJson(this.server, method, path);
  }
}

/** "Job cannot be paused (The job is not in its CDC stage)": the message and its description. */
function errorMessage(json: unknown): string | null {
  const body = ErrorBody.safeParse(json);
  if (!body.success || !(body.data.message || body.data.description)) return null;
  const { message, description } = body.data;
  return message && description && description !== message ? `${message} (${description})` : (message ?? description ?? null);
}

function errorCode(status: number): ErrorCode {
  if (status === 404) return 'NotFound';
  if (status >= 500) return status === 503 ? 'BackendUnavailable' : 'BackendError';
  // 400 and the older custom 4xx codes: the Migrator refused in the job's current state.
  return 'Conflict';
}
