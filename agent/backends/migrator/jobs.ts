import { humanDuration } from '../../../protocol/duration';
import { isoSeconds } from '../../../protocol/pausePolicy';
import type { ResourceState } from '../../../protocol/resource';
import type { MigratorJob } from './api';

/** The Migrator's own warning in the pause dialog (product docs, "Pause and Resume Kafka Sync Jobs"). */
export const CDC_RETENTION_WARNING = "You must resume the sync job within your source database's CDC retention period to ensure no events are lost.";

/** When the paused stretch began, and how that is known. */
export interface PauseStart {
  at: Date;
  /**
   * `paused-here`: this agent paused it. `last-seen-running`: paused by someone else after this
   * agent last saw CDC running. `last-event`: paused before this agent looked; the last event CDC
   * captured is the earliest the pause can have begun. Each is the earliest possible moment, so
   * the deadline computed from it is never later than the real one.
   */
  basis: 'paused-here' | 'last-seen-running' | 'last-event';
}

export interface JobContext {
  /** The connection says this Migrator runs with Kafka support. */
  kafka: boolean;
  retentionMs: number | null;
  pauseStart: PauseStart | null;
  now: Date;
}

export interface JobView {
  state: ResourceState;
  stateDetail: string | null;
  /** Why pause is not offered now (null when it is, or when the job is paused already). */
  pauseUnavailable: string | null;
  dataLossAt: string | null;
  lastError: string | null;
}

const ENDED = new Set(['COMPLETED', 'CANCELLED']);

/** The job's CDC stage is paused (the Migrator's "CDC Stage: Paused"), or the whole job is. */
export function isPausedJob(job: MigratorJob): boolean {
  return job.cdcStatus === 'PAUSED' || job.status === 'PAUSED';
}

/**
 * Maps a sync job onto the resource model, with the rules of the product docs: only Kafka-backed
 * continuous jobs pause, and only in their CDC stage (cdcStatus RUNNING); a paused job must resume
 * within the source database's CDC retention period.
 */
export function jobView(job: MigratorJob, context: JobContext): JobView {
  const lastError = failureText(job.failureError);
  const base = { pauseUnavailable: null, dataLossAt: null, lastError };
  const stage = stageWords(job);
  if (isPausedJob(job)) {
    const deadline = pauseDeadline(context);
    const confirmed = job.cdcStatus === 'PAUSED' && job.status === 'PAUSED';
    const detail = [confirmed ? 'CDC stage paused' : `status ${job.status}, cdcStatus ${job.cdcStatus ?? 'none'}`, deadline.note].filter(Boolean).join('; ');
    return { ...base, state: confirmed ? 'paused' : 'pausing', stateDetail: detail, dataLossAt: deadline.at };
  }
  if (job.status === 'FAILED' || job.cdcStatus === 'FAILED') {
    return { ...base, state: 'failed', stateDetail: job.status === 'FAILED' ? 'job FAILED' : 'CDC stage FAILED', pauseUnavailable: `it has failed (${stage})` };
  }
  if (ENDED.has(job.status)) return { ...base, state: 'stopped', stateDetail: job.status.toLowerCase(), pauseUnavailable: `it has ended (${job.status})` };
  if (job.status === 'NOT_STARTED') return { ...base, state: 'stopped', stateDetail: 'not started yet', pauseUnavailable: 'it has not started yet' };
  const pauseUnavailable = whyNotPausable(job, context);
  // A job that could pause now: the deadline a pause begun now would have (to the minute, earlier
  // rather than later), so the pause confirmation can name it before anything is paused.
  const minute = Math.floor(context.now.getTime() / 60_000) * 60_000;
  const ifPausedNow = pauseUnavailable === null && context.retentionMs !== null ? new Date(minute + context.retentionMs).toISOString() : null;
  return { ...base, state: 'running', stateDetail: runningDetail(job), pauseUnavailable, dataLossAt: ifPausedNow };
}

/** Null when the job can pause now: Kafka-backed, continuous, RUNNING, in its CDC stage. */
export function whyNotPausable(job: MigratorJob, context: Pick<JobContext, 'kafka'>): string | null {
  if (!context.kafka) return 'this Relational Migrator runs without Kafka support (connection setting "kafkaSupport": false); only Kafka-backed sync jobs can pause';
  const mode = job.options?.mode;
  if (mode === 'SNAPSHOT') return 'it is a snapshot-only job; only continuous sync jobs have a CDC stage that can pause';
  // The docs let only Kafka-backed continuous jobs pause and never say INCREMENTAL (or any other
  // mode but CDC) is one, so those are not offered pause. A job without a mode is left to its
  // stage and to the Migrator's own answer.
  if (mode && mode !== 'CDC') return `its mode is ${mode}; Relational Migrator documents pause only for Kafka-backed continuous (CDC mode) sync jobs`;
  if (job.status === 'CANCELLING' || job.status === 'CLEANING_UP') return `it is ${job.status === 'CANCELLING' ? 'being cancelled' : 'cleaning up'}`;
  if (job.status !== 'RUNNING') return `it is ${job.status}`;
  switch (job.cdcStatus ?? 'NOT_STARTED') {
    case 'RUNNING':
      return null;
    case 'NOT_STARTED':
      return 'it is still in its snapshot stage; pause is offered once its CDC stage runs';
    case 'COMPLETING':
      return 'its CDC stage is completing';
    default:
      return `its CDC stage is ${job.cdcStatus}`;
  }
}

function pauseDeadline(context: JobContext): { at: string | null; note: string | null } {
  if (context.retentionMs === null) return { at: null, note: 'no CDC retention set for this connection: resume within the source database\'s CDC retention period' };
  if (!context.pauseStart) return { at: null, note: 'pause time unknown, so the retention deadline cannot be computed' };
  const at = new Date(context.pauseStart.at.getTime() + context.retentionMs).toISOString();
  const retention = humanDuration(context.retentionMs);
  switch (context.pauseStart.basis) {
    case 'paused-here':
      return { at, note: `CDC retention ${retention}` };
    case 'last-seen-running':
      return { at, note: `CDC retention ${retention}, counted from when CDC was last seen running` };
    case 'last-event':
      return { at, note: `CDC retention ${retention}, counted from the last captured event (paused before the agent looked)` };
  }
}

function runningDetail(job: MigratorJob): string {
  const parts = [stageWords(job)];
  const perMinute = job.cdcStatistics?.eventsInLastMinute;
  if (job.cdcStatus === 'RUNNING' && typeof perMinute === 'number') parts.push(`${perMinute.toLocaleString('en-US')} events in the last minute`);
  if (job.status === 'CANCELLING' || job.status === 'CLEANING_UP') parts.push(job.status === 'CANCELLING' ? 'cancelling' : 'cleaning up');
  return parts.join(', ');
}

function stageWords(job: MigratorJob): string {
  const cdc = job.cdcStatus ?? 'NOT_STARTED';
  if (job.options?.mode === 'SNAPSHOT') return 'snapshot-only job';
  if (cdc === 'NOT_STARTED') return 'snapshot stage';
  if (cdc === 'RUNNING') return 'CDC stage';
  return `CDC stage ${cdc.toLowerCase()}`;
}

const MODE_WORDS: Record<string, string> = { CDC: 'continuous', SNAPSHOT: 'snapshot', INCREMENTAL: 'incremental' };

/**
 * What a job is called where people read it. The Migrator's API gives a job no name: only its id
 * (a UUID), its project's id, its mode, when it was submitted and (for Atlas) the destination
 * cluster. So: "continuous job to Cluster0, submitted 2026-01-29 10:00:00Z", the way its own UI
 * tells jobs apart (kind and start time). Null when the submission time is missing: the id is
 * the best name then.
 */
export function jobLabel(job: MigratorJob): string | null {
  const submitted = timeOf(job.submittedAt);
  if (!submitted) return null;
  const mode = job.options?.mode;
  const destination = job.atlasMetadata?.mongoDbClusterName ? ` to ${job.atlasMetadata.mongoDbClusterName}` : '';
  return `${(mode && MODE_WORDS[mode]) ?? 'sync'} job${destination}, submitted ${isoSeconds(submitted).replace('T', ' ')}`;
}

/** failureError is not documented beyond its name: a string, or an object with a message. */
export function failureText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const { message, description } = value as { message?: unknown; description?: unknown };
    if (typeof message === 'string') return typeof description === 'string' && description !== message ? `${message} (${description})` : message;
  }
  return JSON.stringify(value);
}

/** A time field of the Migrator, or null when absent or unreadable. */
export function timeOf(text: string | null | undefined): Date | null {
  if (!text) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : new Date(at);
}
