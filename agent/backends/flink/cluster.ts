import { z } from 'zod';
import { callJson, parseBody, type JsonServer } from '../jsonHttp';
import { flinkErrorMessage } from './flinkErrors';

/** Job states as Flink's JobStatus names them. */
export const JobState = z.enum(['INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'FAILED', 'CANCELLING', 'CANCELED', 'FINISHED', 'RESTARTING', 'SUSPENDED', 'RECONCILING']);
export type JobState = z.infer<typeof JobState>;

/** One job of `GET /jobs/overview` (running ones and those still in the cluster's job history). */
export const JobOverview = z.object({
  jid: z.string(),
  name: z.string(),
  state: z.string(),
  'start-time': z.number(),
  'end-time': z.number(),
});
export type JobOverview = z.infer<typeof JobOverview>;

const JobsOverview = z.object({ jobs: z.array(JobOverview) });
const Trigger = z.object({ 'request-id': z.string() });
const SavepointStatus = z.object({
  status: z.object({ id: z.enum(['IN_PROGRESS', 'COMPLETED']) }),
  operation: z.object({ location: z.string().nullish(), 'failure-cause': z.object({ 'stack-trace': z.string().nullish() }).passthrough().nullish() }).nullish(),
});
const Exceptions = z.object({ exceptionHistory: z.object({ entries: z.array(z.object({ stacktrace: z.string().optional(), exceptionName: z.string().optional() }).passthrough()) }).optional() }).passthrough();
const ConfigEntries = z.array(z.object({ key: z.string(), value: z.string() }));

/** Keys of the cluster's default savepoint directory, newest name first (Flink 1.x used the second). */
const SAVEPOINT_DIR_KEYS = ['execution.checkpointing.savepoint-dir', 'state.savepoints.dir'];

export type SavepointProgress = { done: false } | { done: true; location: string } | { done: true; failure: string };

/** The JobManager's REST API, as far as pausing needs it. */
export class FlinkCluster {
  readonly server: JsonServer;

  constructor(url: string, timeoutMs: number) {
    const baseUrl = url.replace(/\/+$/, '');
    this.server = { server: `Flink at ${baseUrl}`, baseUrl, timeoutMs, errorMessage: flinkErrorMessage };
  }

  async jobs(): Promise<JobOverview[]> {
    return parseBody(this.server, JobsOverview, await callJson(this.server, 'GET', '/jobs/overview'), 'GET /jobs/overview').jobs;
  }

  async job(jobId: string): Promise<JobOverview> {
    return parseBody(this.server, JobOverview, await callJson(this.server, 'GET', `/jobs/${encodeURIComponent(jobId)}`), `GET /jobs/${jobId}`);
  }

  /** The cluster's default savepoint directory, or null when it has none. */
  async savepointDirectory(): Promise<string | null> {
    const entries = parseBody(this.server, ConfigEntries, await callJson(this.server, 'GET', '/jobmanager/config'), 'GET /jobmanager/config');
    for (const key of SAVEPOINT_DIR_KEYS) {
      const value = entries.find((entry) => entry.key === key)?.value;
      if (value) return value;
    }
    return null;
  }

  /** Stop with savepoint, not draining: the job keeps its windows and timers for the resume. */
  async stopWithSavepoint(jobId: string, targetDirectory: string): Promise<string> {
    const body = await callJson(this.server, 'POST', `/jobs/${encodeURIComponent(jobId)}/stop`, { targetDirectory, drain: false });
    return parseBody(this.server, Trigger, body, `POST /jobs/${jobId}/stop`)['request-id'];
  }

  async savepointProgress(jobId: string, trigger: string): Promise<SavepointProgress> {
    const path = `/jobs/${encodeURIComponent(jobId)}/savepoints/${encodeURIComponent(trigger)}`;
    const answer = parseBody(this.server, SavepointStatus, await callJson(this.server, 'GET', path), `GET ${path}`);
    if (answer.status.id === 'IN_PROGRESS') return { done: false };
    if (answer.operation?.location) return { done: true, location: answer.operation.location };
    const trace = answer.operation?.['failure-cause']?.['stack-trace'] ?? '';
    return { done: true, failure: flinkErrorMessage({ errors: [trace] }) ?? 'Flink did not say why' };
  }

  /** Why a job failed, in one line, from its exception history; null when it has none. */
  async failureOf(jobId: string): Promise<string | null> {
    const path = `/jobs/${encodeURIComponent(jobId)}/exceptions`;
    const latest = parseBody(this.server, Exceptions, await callJson(this.server, 'GET', path), `GET ${path}`).exceptionHistory?.entries[0];
    return latest ? (flinkErrorMessage({ errors: [latest.stacktrace ?? ''] }) ?? latest.exceptionName ?? null) : null;
  }

  /** Cancels a job (no savepoint): used only to undo a submission that did not come up. */
  async cancel(jobId: string): Promise<void> {
    await callJson(this.server, 'PATCH', `/jobs/${encodeURIComponent(jobId)}?mode=cancel`);
  }
}
