import type { Logger } from 'pino';
import { PauseError } from '../../../protocol/errors';
import { blankResource, type PauseDetails, type Resource } from '../../../protocol/resource';
import { createKafka } from '../../kafka/access';
import { ConsumerGroupLag, type GroupLag } from '../../kafka/groupLag';
import { PauseEffectTracker } from '../../kafka/pauseEffect';
import type { AdapterContext, BackendAdapter, DeployOptions, DeployOutcome } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import { newPauseDetails } from '../../../protocol/pausePolicy';
import { FlinkCluster, type JobOverview } from './cluster';
import type { FlinkConfig } from './config';
import { FlinkGateway } from './gateway';
import { FlinkJobStore, type JobRecord } from './jobStore';
import { jobView, latestByName } from './jobView';
import { parseScript, type FlinkScript } from './script';
import { setTimeout as sleep } from 'node:timers/promises';

export const FLINK_KIND = 'flink';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false };
const WAIT_POLL_MS = 250;

/**
 * Flink jobs of one session cluster, deployed as Flink SQL scripts through its SQL Gateway.
 * A pause is a stop with savepoint; a resume submits the same script again, restored from that
 * savepoint, under the same job name. Flink forgets both the script and the savepoint of a
 * finished job, so the adapter keeps them (FlinkJobStore); who, why and until live in the
 * journal (`pauseDetails: 'agent'`). A job Pipeline Pause did not deploy is listed, but pausing
 * it is refused: nothing could submit it again.
 */
export class FlinkAdapter implements BackendAdapter {
  private readonly cluster: FlinkCluster;
  private readonly gateway: FlinkGateway;
  private readonly store: FlinkJobStore;
  private readonly log: Logger;
  private readonly lag: ConsumerGroupLag | null;
  private readonly effects = new PauseEffectTracker();
  private readonly scripts = new Map<string, FlinkScript>();

  constructor(
    private readonly config: FlinkConfig,
    context: AdapterContext,
  ) {
    const timeoutMs = config.requestTimeoutSeconds * 1000;
    this.cluster = new FlinkCluster(config.url, timeoutMs);
    this.gateway = new FlinkGateway(config.gatewayUrl, timeoutMs, config.savepointTimeoutSeconds * 1000);
    this.store = new FlinkJobStore(context.home, config.name);
    this.log = context.log;
    this.lag = config.kafka ? new ConsumerGroupLag(createKafka(config.kafka, `pipeline-pause-${config.name}`), context.log) : null;
  }

  async list(): Promise<Resource[]> {
    const [jobs, stored] = await Promise.all([this.cluster.jobs(), this.store.all()]);
    const records = await this.finishStops(stored.records);
    const latest = latestByName(jobs);
    const names = this.config.jobs ?? [...new Set([...latest.keys(), ...records.keys()])].sort();
    const scripts = new Map([...records].map(([name, record]) => [name, this.scriptOf(record)]));
    const lags = await this.readLag([...scripts.values()].filter((script): script is FlinkScript => script !== undefined));
    const resources = names.map((name) => this.toResource(name, latest.get(name), records.get(name), scripts.get(name), lags));
    for (const problem of stored.problems) this.log.warn({ problem }, 'a Flink job record cannot be read');
    this.effects.retain(resources.map((resource) => resource.id));
    return resources;
  }

  async get(name: string): Promise<Resource> {
    const found = (await this.list()).find((resource) => resource.name === name);
    if (!found) throw new PauseError('NotFound', `Flink at ${this.cluster.server.baseUrl} has no job named "${name}"`);
    return found;
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    if (command.scope) throw new PauseError('Unsupported', `a Flink job is paused as a whole; "${name}" has no task types or shards`);
    const recorded = newPauseDetails(command, new Date(), 'agent', null); // refused, if at all, before the stop
    const { record, job } = await this.pausable(name);
    const directory = this.config.savepointDirectory ?? (await this.cluster.savepointDirectory());
    if (!directory) {
      throw new PauseError('Unsupported', `Flink at ${this.cluster.server.baseUrl} has no savepoint directory, so a stopped "${name}" could not be restored: set execution.checkpointing.savepoint-dir on the cluster or savepointDirectory on connection "${this.config.name}"; nothing was changed`);
    }
    const trigger = await this.cluster.stopWithSavepoint(job.jid, directory);
    // Written before waiting: if the agent stops now, the next listing still finds the savepoint.
    await this.store.put({ ...record, jobId: job.jid, stopping: { jobId: job.jid, trigger }, savepoint: null });
    const location = await this.awaitSavepoint(job.jid, trigger);
    await this.store.put({ ...record, jobId: job.jid, stopping: null, savepoint: location });
    this.log.info({ job: name, jobId: job.jid, savepoint: location }, 'Flink job stopped with a savepoint');
    // The savepoint names this pause: the journal keeps it beside who, why and until.
    return { ...recorded, version: location };
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    if (command.scope) throw new PauseError('Unsupported', `a Flink job is resumed as a whole; "${name}" has no task types or shards`);
    const record = await this.store.get(name);
    if (!record?.savepoint) throw new PauseError('NotPaused', `Flink job "${name}" holds no savepoint of a pause by Pipeline Pause; nothing to resume from`);
    const jobId = await this.submit(record, record.script, record.savepoint);
    await this.store.put({ ...record, jobId, stopping: null, savepoint: null });
    return { resumed: true, previous: null };
  }

  /**
   * Deploys a script: a new job, or an upgrade of the running one of the same name, planned
   * first (a refused script stops nothing), then stopped with a savepoint and restored into the
   * new script. Flink SQL keeps state only across
   * compatible plans; when it cannot restore, the old script is restored again and the answer
   * is RecreateRequired (with `recreate`, the new script starts without the old state instead).
   */
  async deploy(statement: string, options: DeployOptions): Promise<DeployOutcome> {
    const script = parseScript(statement);
    const name = script.target;
    const [record, job] = await Promise.all([this.store.get(name), this.runningJob(name)]);
    if (record?.savepoint && (!job || job.jid === record.jobId)) {
      throw new PauseError('Conflict', `Flink job "${name}" is paused; resume it first, then deploy its new script; nothing was changed`);
    }
    const fresh = { job: name, script: statement, jobId: null, stopping: null, savepoint: null };
    if (!job) {
      const jobId = await this.submit(fresh, statement, null);
      await this.store.put({ ...fresh, jobId });
      return { action: 'created', queryId: name, replacedQueryId: null, message: `Submitted Flink job ${jobId} as "${name}"` };
    }
    if (!record) {
      throw new PauseError('Conflict', `"${name}" is written by Flink job ${job.jid}, which Pipeline Pause did not deploy, so it could not put it back if the new script failed: stop it in Flink first, or write another table; nothing was changed`);
    }
    if (record.script.trim() === statement.trim()) {
      return { action: 'upgraded', queryId: name, replacedQueryId: null, message: `Flink job ${job.jid} already runs this script; nothing was changed` };
    }
    await this.gateway.checkScript(script.statements);
    const location = await this.stopForDeploy(record, job);
    try {
      const jobId = await this.submit(record, statement, location);
      await this.store.put({ ...fresh, jobId });
      return { action: 'upgraded', queryId: name, replacedQueryId: null, message: `Restored "${name}" into the new script from savepoint ${location} (job ${jobId}): its state and offsets are kept` };
    } catch (error) {
      if (!(error instanceof PauseError) || error.code !== 'BackendError') throw await this.putBack(record, location, error);
      if (!options.recreate) {
        await this.putBack(record, location, error);
        throw new PauseError('RecreateRequired', `Flink cannot restore "${name}" into the new script: ${error.message}. The old script runs again from its savepoint`, { queryId: name, reason: error.message, consequence: `Its state is dropped: the new script starts without it (savepoint ${location} of the old one is kept) and its Kafka sources start where their startup mode says.` });
      }
      const jobId = await this.submit(record, statement, null);
      await this.store.put({ ...fresh, jobId });
      return { action: 'recreated', queryId: name, replacedQueryId: name, message: `Started "${name}" from the new script without the old state (job ${jobId}); savepoint ${location} of the old one is kept` };
    }
  }

  async close(): Promise<void> {
    await this.lag?.close();
  }

  private async pausable(name: string): Promise<{ record: JobRecord; job: JobOverview }> {
    const [record, job] = await Promise.all([this.store.get(name), this.runningJob(name)]);
    if (!job) throw new PauseError('Conflict', `Flink job "${name}" is not running, so there is nothing to stop with a savepoint`);
    if (!record) {
      throw new PauseError('Unsupported', `Flink job "${name}" (${job.jid}) was not deployed through Pipeline Pause, so its statement is unknown and it could not be submitted again after a stop; deploy its script with "pipeline-pause deploy ${this.config.name} <file.sql>" first; nothing was changed`);
    }
    return { record, job };
  }

  private async runningJob(name: string): Promise<JobOverview | undefined> {
    const job = latestByName(await this.cluster.jobs()).get(name);
    return job && ['RUNNING', 'CREATED', 'INITIALIZING', 'RECONCILING', 'RESTARTING'].includes(job.state) ? job : undefined;
  }

  private async stopForDeploy(record: JobRecord, job: JobOverview): Promise<string> {
    const directory = this.config.savepointDirectory ?? (await this.cluster.savepointDirectory());
    if (!directory) throw new PauseError('Unsupported', `Flink at ${this.cluster.server.baseUrl} has no savepoint directory, so "${record.job}" cannot be upgraded with its state; set one, or stop the job in Flink; nothing was changed`);
    const trigger = await this.cluster.stopWithSavepoint(job.jid, directory);
    await this.store.put({ ...record, jobId: job.jid, stopping: { jobId: job.jid, trigger }, savepoint: null });
    const location = await this.awaitSavepoint(job.jid, trigger);
    // Until the new job runs, this record is a pause: nothing is lost if what follows fails.
    await this.store.put({ ...record, jobId: job.jid, stopping: null, savepoint: location });
    return location;
  }

  /** After a failed upgrade: the old script from the savepoint, or, failing that, a pause at it. */
  private async putBack(record: JobRecord, location: string, cause: unknown): Promise<unknown> {
    try {
      const jobId = await this.submit(record, record.script, location);
      await this.store.put({ ...record, jobId, stopping: null, savepoint: null });
      return cause;
    } catch (error) {
      return new PauseError('BackendError', `the new script of "${record.job}" failed (${(cause as Error).message}) and the old one could not be restored either (${(error as Error).message}); it is paused at savepoint ${location}`);
    }
  }

  /**
   * Submits the script (restored from `savepoint` when given) and waits until its job runs.
   * A job that fails to come up is cancelled and reported as BackendError with Flink's reason.
   */
  private async submit(record: Pick<JobRecord, 'job'>, script: string, savepoint: string | null): Promise<string> {
    const executionConfig: Record<string, string> = { 'pipeline.name': record.job, ...(savepoint ? { 'execution.savepoint.path': savepoint } : {}) };
    const jobId = await this.gateway.runScript(parseScript(script).statements, executionConfig);
    if (!jobId) throw new PauseError('BackendError', `the Flink SQL Gateway ran the script of "${record.job}" but named no job`);
    const deadline = Date.now() + this.config.savepointTimeoutSeconds * 1000;
    for (;;) {
      const { state } = await this.cluster.job(jobId);
      if (state === 'RUNNING') return jobId;
      if (['FAILED', 'FAILING', 'CANCELED', 'RESTARTING'].includes(state)) {
        const reason = (await this.cluster.failureOf(jobId).catch(() => null)) ?? `it went ${state}`;
        await this.cluster.cancel(jobId).catch(() => undefined);
        throw new PauseError('BackendError', `Flink job ${jobId} for "${record.job}" did not start${savepoint ? ` from savepoint ${savepoint}` : ''}: ${reason}`);
      }
      if (Date.now() > deadline) return jobId; // still starting: the listing shows it as such
      await sleep(WAIT_POLL_MS);
    }
  }

  private async awaitSavepoint(jobId: string, trigger: string): Promise<string> {
    const deadline = Date.now() + this.config.savepointTimeoutSeconds * 1000;
    for (;;) {
      const progress = await this.cluster.savepointProgress(jobId, trigger);
      if (progress.done && 'location' in progress) {
        await this.awaitFinished(jobId);
        return progress.location;
      }
      if (progress.done) throw new PauseError('BackendError', `Flink could not take the savepoint of job ${jobId}: ${progress.failure}; the job keeps running`);
      if (Date.now() > deadline) {
        throw new PauseError('BackendTimeout', `Flink has not finished the savepoint of job ${jobId} after ${this.config.savepointTimeoutSeconds} s; the pause completes when it does (run status to see)`);
      }
      await sleep(WAIT_POLL_MS);
    }
  }

  /** A stop's savepoint completes a moment before its job reports FINISHED: the pause is done at the latter. */
  private async awaitFinished(jobId: string): Promise<void> {
    const deadline = Date.now() + this.config.savepointTimeoutSeconds * 1000;
    while ((await this.cluster.job(jobId)).state !== 'FINISHED') {
      if (Date.now() > deadline) return; // the listing shows it pausing until Flink says FINISHED
      await sleep(WAIT_POLL_MS);
    }
  }

  /** Stops asked for and not seen to end (the agent stopped meanwhile, or the wait timed out). */
  private async finishStops(records: Map<string, JobRecord>): Promise<Map<string, JobRecord>> {
    const stopping = [...records.values()].filter((record) => record.stopping);
    await Promise.all(
      stopping.map(async (record) => {
        const { jobId, trigger } = record.stopping!;
        // A look that fails says nothing of the savepoint: the next listing asks again.
        const progress = await this.cluster.savepointProgress(jobId, trigger).catch(() => ({ done: false as const }));
        if (!progress.done) return;
        const savepoint = 'location' in progress ? progress.location : null;
        if (!savepoint) this.log.warn({ job: record.job, jobId, failure: 'failure' in progress ? progress.failure : null }, 'a stop with savepoint of a Flink job failed; the job keeps running');
        records.set(record.job, await this.store.put({ ...record, stopping: null, savepoint }));
      }),
    );
    return records;
  }

  private toResource(name: string, job: JobOverview | undefined, record: JobRecord | undefined, script: FlinkScript | undefined, lags: Map<string, GroupLag>): Resource {
    const resource = blankResource(this.config.name, name, FLINK_KIND, CAPABILITIES);
    const view = jobView(job, record);
    resource.state = view.state;
    resource.stateDetail = view.stateDetail;
    resource.lastError = view.lastError;
    const paused = view.state === 'paused';
    resource.capabilities = {
      ...CAPABILITIES,
      pause: Boolean(record) && view.state === 'running',
      resume: paused,
      pauseUnavailable: record ? null : 'not deployed through Pipeline Pause: its statement is unknown, so it could not be submitted again after a stop',
    };
    if (script) {
      resource.lineage.inputs = script.inputs.map(topicId);
      resource.lineage.outputs = script.outputs.map(topicId);
      const groupLags = script.groupIds.map((groupId) => lags.get(groupId)).filter((lag): lag is GroupLag => lag !== undefined);
      if (groupLags.length) {
        resource.backlog = {
          pending: sumOrNull(groupLags.map((lag) => lag.lag)),
          inFlight: null,
          oldestPendingAt: earliest(groupLags.map((lag) => lag.oldestUnconsumedAt)),
          dataLossAt: earliest(groupLags.map((lag) => lag.dataLossAt)),
        };
        const positions = Object.assign({}, ...groupLags.map((lag) => lag.positions)) as Record<string, number>;
        resource.pauseEffect = this.effects.observe(resource.id, paused, { positions, pending: resource.backlog.pending });
      } else if (this.lag?.problem) {
        resource.lastError = [resource.lastError, this.lag.problem].filter(Boolean).join('; ');
      }
    }
    return resource;
  }

  private async readLag(scripts: FlinkScript[]): Promise<Map<string, GroupLag>> {
    if (!this.lag || !this.config.kafka) return new Map();
    const groups = scripts.flatMap((script) => script.groupIds.map((groupId) => ({ groupId, topics: script.inputs })));
    return groups.length ? this.lag.readOrReport(groups, this.config.kafka) : new Map();
  }

  /** Parsed once per script text. */
  private scriptOf(record: JobRecord): FlinkScript | undefined {
    const key = `${record.job}\u0000${record.script}`;
    let script = this.scripts.get(key);
    if (!script) {
      try {
        script = parseScript(record.script);
      } catch {
        return undefined;
      }
      this.scripts.set(key, script);
    }
    return script;
  }
}

function topicId(topic: string): string {
  return `kafka-topic:${topic}`;
}

function sumOrNull(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? known.reduce((sum, value) => sum + value, 0) : null;
}

function earliest(times: Array<number | null>): string | null {
  const known = times.filter((time): time is number => time !== null);
  return known.length ? new Date(Math.min(...known)).toISOString() : null;
}


