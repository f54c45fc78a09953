import { PauseError } from '../../../protocol/errors';
import type { PauseDetails, Resource, ScopedPause } from '../../../protocol/resource';
import { resourceId } from '../../../protocol/resource';
import type { AdapterContext, BackendAdapter, PauseCommand, ResumeCommand, ResumeOutcome } from '../types';
import { createStore, toPauseError, type QueueStore } from './client';
import type { S3QueueConfig } from './config';
import { PauseControl } from './control';
import { decodePauseState } from './controlObject';
import { describeScope, LEASES_PREFIX, READY_PREFIX, SCOPED_PAUSE_PREFIX, scopeFromKey, WORKERS_PREFIX } from './layout';
import { pauseMetrics } from './metrics';
import { listObjects, ObjectCache } from './objects';
import { decodeHeartbeat, toWorkerInfo, type DecodedHeartbeat } from './workers';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true, stop: false };

/** buquet task queues: one bucket is one queue (seed 003). */
export class S3QueueAdapter implements BackendAdapter {
  private readonly store: QueueStore;
  private readonly control: PauseControl;
  private readonly metrics: ReturnType<typeof pauseMetrics>;
  private readonly heartbeats = new ObjectCache<DecodedHeartbeat | null>(decodeHeartbeat);
  private readonly scopedPauses = new ObjectCache<PauseDetails | Error>((object) => {
    try {
      return decodePauseState(object.body, object.etag);
    } catch (error) {
      return error as Error;
    }
  });

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
    try {
      const details = await this.control.pause(bucket, command);
      if (!command.scope) this.metrics.observe(this.labels(bucket), details);
      return details;
    } catch (error) {
      throw toPauseError(error, this.store, bucket);
    }
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    const bucket = this.requireBucket(name);
    try {
      const outcome = await this.control.resume(bucket, command);
      if (outcome.resumed && !command.scope) this.metrics.observe(this.labels(bucket), null);
      return outcome;
    } catch (error) {
      throw toPauseError(error, this.store, bucket);
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
      if (failure.code === 'BackendUnavailable' || failure.code === 'BackendError') throw failure;
      return { ...this.emptyResource(bucket), state: 'unknown', lastError: failure.message };
    }
  }

  private async observe(bucket: string): Promise<Resource> {
    try {
      const [global, scoped, workers, pending, inFlight] = await Promise.all([
        this.readGlobalPause(bucket),
        this.readScopedPauses(bucket),
        listObjects(this.store, bucket, WORKERS_PREFIX).then((listed) => this.heartbeats.readAll(this.store, bucket, listed)),
        listObjects(this.store, bucket, READY_PREFIX).then((listed) => listed.length),
        listObjects(this.store, bucket, LEASES_PREFIX).then((listed) => listed.length),
      ]);
      this.metrics.observe(this.labels(bucket), global.pause);
      const now = this.store.serverNow() ?? new Date();
      const errors = [global.error, ...scoped.errors].filter((e): e is string => e !== null);
      const resource = this.emptyResource(bucket);
      resource.pause = global.pause;
      resource.scopedPauses = scoped.pauses;
      resource.workers = [...workers.values()]
        .filter((w): w is DecodedHeartbeat => w !== null)
        .map((w) => toWorkerInfo(w, now, this.config.workerStaleSeconds * 1000))
        .sort((a, b) => a.id.localeCompare(b.id));
      resource.backlog = { pending, inFlight, oldestPendingAt: null, dataLossAt: null };
      resource.lastError = errors.length ? errors.join('; ') : null;
      if (global.paused) {
        resource.state = 'paused';
      } else if (scoped.pauses.length > 0) {
        resource.state = 'partially-paused';
        resource.stateDetail = `${scoped.pauses.map((p) => describeScope(p.scope)).join(', ')} paused`;
      } else {
        resource.state = 'running';
      }
      return resource;
    } catch (error) {
      throw toPauseError(error, this.store, bucket);
    }
  }

  /** The queue is paused whenever the object exists, even if its body cannot be read. */
  private async readGlobalPause(bucket: string): Promise<{ paused: boolean; pause: PauseDetails | null; error: string | null }> {
    try {
      const pause = await this.control.read(bucket, null);
      return { paused: pause !== null, pause, error: null };
    } catch (error) {
      if (error instanceof Error && /control object/.test(error.message)) {
        return { paused: true, pause: null, error: `control/paused.json: ${error.message}` };
      }
      throw error;
    }
  }

  private async readScopedPauses(bucket: string): Promise<{ pauses: ScopedPause[]; errors: string[] }> {
    const listed = await listObjects(this.store, bucket, SCOPED_PAUSE_PREFIX);
    const decoded = await this.scopedPauses.readAll(this.store, bucket, listed);
    const pauses: ScopedPause[] = [];
    const errors: string[] = [];
    for (const [key, value] of decoded) {
      const scope = scopeFromKey(key);
      if (!scope) continue;
      if (value instanceof Error) errors.push(`${key}: ${value.message}`);
      else pauses.push({ scope, pause: value });
    }
    return { pauses, errors };
  }

  private emptyResource(bucket: string): Resource {
    return {
      id: resourceId(this.config.name, bucket),
      kind: 's3-queue',
      connection: this.config.name,
      name: bucket,
      state: 'unknown',
      stateDetail: null,
      pause: null,
      scopedPauses: [],
      backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null },
      workers: null,
      lineage: { upstream: [], downstream: [] },
      capabilities: CAPABILITIES,
      lastError: null,
      observedAt: new Date().toISOString(),
    };
  }
}
