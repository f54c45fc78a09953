import { PauseError } from '../../../protocol/errors';
import type { PauseDetails, Resource, WorkerInfo } from '../../../protocol/resource';
import { blankResource } from '../../../protocol/resource';
import type { AdapterContext, BackendAdapter } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import { createStore, toPauseError, toWriteError, type QueueStore } from '../../../buquet/client';
import type { S3QueueConfig } from './config';
import { PauseControl } from '../../../buquet/pauseControl';
import { DEFAULT_SHARDS, describeScope, LEASES_PREFIX, READY_PREFIX, WORKERS_PREFIX } from '../../../buquet/layout';
import { pauseMetrics } from './metrics';
import { listObjects, ObjectCache } from '../../../buquet/objects';
import { readGlobalPause, ScopedPauseReader } from '../../../buquet/pauseReads';
import { decodeHeartbeat, toWorkerInfo, type DecodedHeartbeat } from '../../../buquet/heartbeat';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true, stop: false };

/** buquet task queues: one bucket is one queue (seed 003). */
export class S3QueueAdapter implements BackendAdapter {
  private readonly store: QueueStore;
  private readonly control: PauseControl;
  private readonly metrics: ReturnType<typeof pauseMetrics>;
  private readonly heartbeats = new ObjectCache<DecodedHeartbeat | null>(decodeHeartbeat);
  private readonly scopedPauses = new ScopedPauseReader();

  constructor(
    private readonly config: S3QueueConfig,
    context: AdapterContext,
  ) {
    this.store = createStore(config);
    this.control = new PauseControl(this.store);
    this.metrics = pauseMetrics(context.metrics);
  }

  async list(): Promise<Resource[]> {
    const resources: Resource[] = [];
    for (const bucket of this.config.buckets) resources.push(await this.observeOrReport(bucket));
    return resources;
  }

  async get(name: string): Promise<Resource> {
    return this.observe(this.requireBucket(name));
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    const bucket = this.requireBucket(name);
    if (command.scope?.type === 'shard' && !DEFAULT_SHARDS.includes(command.scope.value)) {
      throw new PauseError('BadRequest', `shard "${command.scope.value}" is not a shard of queue "${bucket}": buquet's 16 shards are 0-f, the first hex digit of a task id`);
    }
    try {
      const details = await this.control.pause(bucket, command);
      if (!command.scope) this.metrics.observe(this.labels(bucket), details);
      return details;
    } catch (error) {
      throw toWriteError(error, this.store, bucket, 'the pause');
    }
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    const bucket = this.requireBucket(name);
    try {
      const outcome = await this.control.resume(bucket, command);
      if (outcome.resumed && !command.scope) this.metrics.observe(this.labels(bucket), null);
      return outcome;
    } catch (error) {
      throw toWriteError(error, this.store, bucket, 'the resume');
    }
  }

  async close(): Promise<void> {
    this.store.s3.destroy();
  }

  private labels(bucket: string): { connection: string; bucket: string } {
    return { connection: this.config.name, bucket };
  }

  private requireBucket(name: string): string {
    if (!this.config.buckets.includes(name)) {
      throw new PauseError('NotFound', `no queue "${name}" in connection "${this.config.name}" (it has: ${this.config.buckets.join(', ')})`);
    }
    return name;
  }

  /** A bucket that fails to answer is reported as unknown with its error, never as its last state. */
  private async observeOrReport(bucket: string): Promise<Resource> {
    try {
      return await this.observe(bucket);
    } catch (error) {
      const failure = toPauseError(error, this.store, bucket);
      if (failure.code === 'BackendUnavailable' || failure.code === 'BackendTimeout' || failure.code === 'BackendError') throw failure;
      return { ...this.emptyResource(bucket), state: 'unknown', lastError: failure.message };
    }
  }

  private async observe(bucket: string): Promise<Resource> {
    try {
      const [global, scoped, workers, pending, inFlight] = await Promise.all([
        readGlobalPause(this.store, bucket),
        this.scopedPauses.read(this.store, bucket),
        listObjects(this.store, bucket, WORKERS_PREFIX).then((listed) => this.heartbeats.readAll(this.store, bucket, listed)),
        listObjects(this.store, bucket, READY_PREFIX).then((listed) => listed.length),
        listObjects(this.store, bucket, LEASES_PREFIX).then((listed) => listed.length),
      ]);
      const globalPause = global?.pause ?? null;
      const scopedPauses = scoped.flatMap(({ scope, pause }) => (pause ? [{ scope, pause }] : []));
      this.metrics.observe(this.labels(bucket), globalPause);
      const now = this.store.serverNow() ?? new Date();
      const errors = [global?.error ?? null, ...scoped.map((s) => s.error)].filter((e): e is string => e !== null);
      const resource = this.emptyResource(bucket);
      resource.pause = globalPause;
      resource.scopedPauses = scopedPauses;
      const ages = { staleAfterMs: this.config.workerStaleSeconds * 1000, forgetAfterMs: this.config.workerForgetSeconds * 1000 };
      resource.workers = [...workers.values()]
        .filter((w): w is DecodedHeartbeat => w !== null)
        .map((w) => toWorkerInfo(w, now, ages))
        .filter((w): w is WorkerInfo => w !== null)
        .sort((a, b) => a.id.localeCompare(b.id));
      resource.backlog = { pending, inFlight, oldestPendingAt: null, dataLossAt: null };
      resource.lastError = errors.length ? errors.join('; ') : null;
      // An object whose body cannot be read still pauses (see readControlObject).
      if (global) {
        resource.state = 'paused';
      } else if (scoped.length > 0) {
        resource.state = 'partially-paused';
        resource.stateDetail = `${scoped.map((p) => describeScope(p.scope)).join(', ')} paused`;
      } else {
        resource.state = 'running';
      }
      return resource;
    } catch (error) {
      throw toPauseError(error, this.store, bucket);
    }
  }

  private emptyResource(bucket: string): Resource {
    return blankResource(this.config.name, bucket, 's3-queue', CAPABILITIES);
  }

}
