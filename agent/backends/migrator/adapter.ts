import type { Logger } from 'pino';
import { parseDuration } from '../../../protocol/duration';
import { PauseError } from '../../../protocol/errors';
import type { PauseDetails, Resource } from '../../../protocol/resource';
import { resourceId } from '../../../protocol/resource';
import type { AdapterContext, BackendAdapter } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import { newPauseDetails } from '../../../protocol/pausePolicy';
import { MigratorApi, type MigratorJob } from './api';
import type { RelationalMigratorConfig } from './config';
import { isPausedJob, jobLabel, jobView, timeOf, whyNotPausable, type PauseStart } from './jobs';

export const RELATIONAL_MIGRATOR_KIND = 'relational-migrator';

const SETTLE_POLL_MS = 250;

/**
 * MongoDB Relational Migrator sync jobs, paused and resumed through the Migrator's own REST API
 * (which, in Kafka mode, pauses its Debezium and sink connectors). The Migrator keeps no pause
 * details, so this backend declares `pauseDetails: 'agent'` and the core journals them.
 *
 * The Migrator does not say when a job was paused either, yet the retention deadline counts from
 * then; the adapter tracks it (see PauseStart) and always takes the earliest possible moment.
 */
export class RelationalMigratorAdapter implements BackendAdapter {
  private readonly api: MigratorApi;
  private readonly log: Logger;
  private readonly retentionMs: number | null;
  /** Per job id: the last listing that began while its CDC stage was RUNNING. */
  private readonly lastSeenRunning = new Map<string, Date>();
  /** Per job id, while it stays paused: when the paused stretch began. */
  private readonly pauseStarts = new Map<string, PauseStart>();

  constructor(
    private readonly config: RelationalMigratorConfig,
    context: AdapterContext,
  ) {
    this.api = new MigratorApi(config.url, config.requestTimeoutSeconds * 1000);
    this.log = context.log;
    this.retentionMs = config.cdcRetention ? parseDuration(config.cdcRetention) : null;
  }

  async list(): Promise<Resource[]> {
    const askedAt = new Date();
    const jobs = await this.api.jobs({ limit: this.config.maxJobs, projectId: this.config.projectId });
    return jobs.filter((job) => this.config.includeFinished || !['COMPLETED', 'CANCELLED'].includes(job.status)).map((job) => this.toResource(job, askedAt));
  }

  async get(name: string): Promise<Resource> {
    const askedAt = new Date();
    return this.toResource(await this.api.job(name), askedAt);
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    if (command.scope) throw new PauseError('Unsupported', `a Relational Migrator sync job is paused as a whole; job ${name} has no task types or shards`);
    const askedAt = new Date();
    // Checked before anything changes: a refusal must come before the pause, never after it.
    const recorded = newPauseDetails(command, askedAt, 'agent', null);
    const job = await this.api.job(name);
    if (isPausedJob(job)) {
      // Only reached with --force (the core refuses a second pause otherwise): the pause stays
      // as it is in the Migrator, and the journal takes the new who / why.
      return recorded;
    }
    const why = whyNotPausable(job, { kafka: this.config.kafkaSupport });
    if (why) throw new PauseError('Unsupported', `cannot pause Relational Migrator job ${name}: ${why}`);
    this.lastSeenRunning.set(name, askedAt);
    let answer = await this.api.action(name, 'pause');
    this.pauseStarts.set(name, { at: askedAt, basis: 'paused-here' });
    answer = await this.settle(name, answer, (j) => j.cdcStatus === 'PAUSED' && j.status === 'PAUSED');
    this.log.info({ job: name, status: answer.status, cdcStatus: answer.cdcStatus }, 'Relational Migrator job paused');
    return recorded;
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    if (command.scope) throw new PauseError('Unsupported', `a Relational Migrator sync job is resumed as a whole; job ${name} has no task types or shards`);
    let answer = await this.api.action(name, 'resume');
    answer = await this.settle(name, answer, (j) => !isPausedJob(j));
    this.log.info({ job: name, status: answer.status, cdcStatus: answer.cdcStatus }, 'Relational Migrator job resumed');
    return { resumed: true, previous: null };
  }

  async close(): Promise<void> {}

  /** Polls the job (up to settleSeconds) until `done`; returns the last job seen. */
  private async settle(name: string, job: MigratorJob, done: (job: MigratorJob) => boolean): Promise<MigratorJob> {
    const deadline = Date.now() + this.config.settleSeconds * 1000;
    let current = job;
    while (!done(current) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      current = await this.api.job(name).catch(() => current);
    }
    return current;
  }

  private toResource(job: MigratorJob, askedAt: Date): Resource {
    const view = jobView(job, { kafka: this.config.kafkaSupport, retentionMs: this.retentionMs, pauseStart: this.trackPause(job, askedAt), now: askedAt });
    const project = job.projectId ? `project ${job.projectId}` : null;
    return {
      id: resourceId(this.config.name, job.id),
      kind: RELATIONAL_MIGRATOR_KIND,
      connection: this.config.name,
      name: job.id,
      label: jobLabel(job),
      state: view.state,
      stateDetail: [view.stateDetail, project].filter(Boolean).join('; ') || null,
      pause: null,
      pauseGroup: null,
      scopedPauses: [],
      backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: view.dataLossAt },
      workers: null,
      lineage: { upstream: [], downstream: [], inputs: [], outputs: [] },
      capabilities: {
        pause: view.pauseUnavailable === null && view.state === 'running',
        pauseUnavailable: view.pauseUnavailable,
        resume: true,
        pauseAll: true,
        scheduledResume: true,
        scopedPause: false,
      },
      pauseEffect: null,
      lastError: view.lastError,
      observedAt: new Date().toISOString(),
    };
  }

  /** Keeps lastSeenRunning and pauseStarts current for one job; returns the pause start, if paused. */
  private trackPause(job: MigratorJob, askedAt: Date): PauseStart | null {
    if (!isPausedJob(job)) {
      this.pauseStarts.delete(job.id);
      if (job.status === 'RUNNING' && job.cdcStatus === 'RUNNING') this.lastSeenRunning.set(job.id, askedAt);
      return null;
    }
    let start = this.pauseStarts.get(job.id) ?? null;
    if (!start) {
      const seen = this.lastSeenRunning.get(job.id);
      const lastEvent = timeOf(job.cdcStatistics?.lastEventTime);
      if (seen) start = { at: seen, basis: 'last-seen-running' };
      else if (lastEvent) start = { at: lastEvent, basis: 'last-event' };
      if (start) this.pauseStarts.set(job.id, start);
    }
    return start;
  }
}

