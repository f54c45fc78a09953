import type { ResourceState } from '../../../protocol/resource';
import type { JobOverview } from './cluster';
import type { JobRecord } from './jobStore';

export interface JobView {
  state: ResourceState;
  stateDetail: string | null;
  lastError: string | null;
}

/**
 * How a Flink job shows in the shared model. Paused is only what Pipeline Pause stopped with a
 * savepoint it holds: a job Flink finished or cancelled otherwise is `stopped`, with Flink's word.
 */
export function jobView(job: JobOverview | undefined, record: JobRecord | undefined): JobView {
  // A job of the same name started since (outside Pipeline Pause) is not held by our savepoint.
  if (record?.savepoint && (!job || job.jid === record.jobId)) {
    return { state: 'paused', stateDetail: `stopped with savepoint ${record.savepoint}`, lastError: null };
  }
  if (!job) {
    return {
      state: 'unknown',
      stateDetail: 'no job on the cluster',
      lastError: record ? `Flink no longer lists job ${record.jobId ?? '(never submitted)'}; deploy its script again to start it` : null,
    };
  }
  if (record?.stopping?.jobId === job.jid && job.state === 'RUNNING') return { state: 'pausing', stateDetail: 'taking a savepoint to stop', lastError: null };
  switch (job.state) {
    case 'RUNNING':
      return { state: 'running', stateDetail: null, lastError: null };
    case 'INITIALIZING':
    case 'CREATED':
    case 'RECONCILING':
      return { state: record?.jobId === job.jid ? 'resuming' : 'running', stateDetail: `starting (${job.state})`, lastError: null };
    case 'RESTARTING':
    case 'FAILING':
    case 'FAILED':
      return { state: 'failed', stateDetail: job.state.toLowerCase(), lastError: `Flink reports job ${job.jid} ${job.state}` };
    case 'CANCELLING':
    case 'CANCELED':
      return { state: 'stopped', stateDetail: 'cancelled in Flink (no savepoint to resume from)', lastError: null };
    case 'FINISHED':
      return { state: 'stopped', stateDetail: 'finished in Flink', lastError: null };
    default:
      return { state: 'stopped', stateDetail: job.state.toLowerCase(), lastError: null };
  }
}

/** Per job name, the latest job of that name: a resubmitted job keeps its name, not its id. */
export function latestByName(jobs: JobOverview[]): Map<string, JobOverview> {
  const latest = new Map<string, JobOverview>();
  for (const job of jobs) {
    const seen = latest.get(job.name);
    if (!seen || job['start-time'] > seen['start-time']) latest.set(job.name, job);
  }
  return latest;
}
