import { PauseError } from '../../../protocol/errors';
import pLimit from 'p-limit';
import type { PauseDetails, Resource, WorkerInfo } from '../../../protocol/resource';
import { blankResource } from '../../../protocol/resource';
import { FRESH_LISTING, type AdapterContext, type BackendAdapter, type GetOptions, type ListContext } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import { createStore, toPauseError, toWriteError, type QueueStore } from '../../../buquet/client';
import type { S3QueueConfig } from './config';
import { PauseControl } from '../../../buquet/pauseControl';
import { DEFAULT_SHARDS, describeScope } from '../../../buquet/layout';
import { pauseMetrics } from './metrics';
import { toWorkerInfo } from '../../../buquet/heartbeat';
import { BucketReader } from './bucketReader';

/** Buckets of one connection read at once: 1,000 buckets must not mean 5,000 requests in flight. */
const BUCKET_CONCURRENCY = 8;

/** Failures of the endpoint, not of one bucket: when every bucket fails so, the connection is unreachable or slow. */
const ENDPOINT_FAILURES = new Set(['BackendUnavailable', 'BackendTimeout', 'BackendError']);

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true };

/** buquet task queues: one bucket is one queue (seed 003). */
export class S3QueueAdapter implements BackendAdapter {
  private readonly store: QueueStore;
  private readonly control: PauseControl;
  private readonly metrics: ReturnType<typeof pauseMetrics>;
  /** Per bucket: each keeps its own ETags and kept facts. */
  private readonly readers = new Map<string, BucketReader>();
  private readonly limit = pLimit(BUCKET_CONCURRENCY);

  constructor(
    private readonly config: S3QueueConfig,
    context: AdapterContext,
  ) {
    this.store = createStore(config);
    this.control = new PauseControl(this.store);
    this.metrics = pauseMetrics(context.metrics);
  }

  /**
   * Buckets are read a few at a time, each shown as soon as it is read; one that fails is one row
   * in state unknown with its error. The connection fails as a whole only when every bucket
   * failed for a reason of the endpoint (down, slow, credentials refused), not of one bucket.
   */
  async list(context: ListContext = FRESH_LISTING): Promise<Resource[]> {
    const failures: PauseError[] = [];
    const resources = await Promise.all(
      this.config.buckets.map((bucket) =>
        this.limit(async () => {
          const resource = await this.observe(bucket, context).catch((error: unknown) => {
            const failure = toPauseError(error, this.store, bucket);
            failures.push(failure);
            return { ...this.emptyResource(bucket), state: 'unknown' as const, lastError: failure.message };
          });
          context.onResource?.(resource);
          return resource;
        }),
      ),
    );
    if (failures.length === this.config.buckets.length && failures.every((f) => ENDPOINT_FAILURES.has(f.code))) throw failures[0];
    return resources;
  }

  /** Everything fresh; with `exactCounts` every page of `ready/` is counted, not just the first. */
  async get(name: string, options: GetOptions = {}): Promise<Resource> {
    const bucket = this.requireBucket(name);
    try {
      return await this.observe(bucket, FRESH_LISTING, options.exactCounts === true);
    } catch (error) {
      throw toPauseError(error, this.store, bucket);
    }
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

  private async observe(bucket: string, context: ListContext, exact = false): Promise<Resource> {
    const { global, scoped, slow } = await this.reader(bucket).read(context, { exact });
    const globalPause = global?.pause ?? null;
    const scopedPauses = scoped.flatMap(({ scope, pause }) => (pause ? [{ scope, pause }] : []));
    this.metrics.observe(this.labels(bucket), globalPause);
    const errors = [global?.error ?? null, ...scoped.map((s) => s.error)].filter((e): e is string => e !== null);
    const resource = this.emptyResource(bucket);
    resource.pause = globalPause;
    resource.scopedPauses = scopedPauses;
    const ages = { staleAfterMs: this.config.workerStaleSeconds * 1000, forgetAfterMs: this.config.workerForgetSeconds * 1000 };
    resource.workers = slow.heartbeats
      .map((w) => toWorkerInfo(w, slow.seenAt, ages))
      .filter((w): w is WorkerInfo => w !== null)
      .sort((a, b) => a.id.localeCompare(b.id));
    resource.backlog = { pending: slow.pending.count, pendingIsLowerBound: slow.pending.lowerBound, inFlight: slow.inFlight, oldestPendingAt: null, dataLossAt: null };
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
  }

  private reader(bucket: string): BucketReader {
    let reader = this.readers.get(bucket);
    if (!reader) {
      reader = new BucketReader(this.store, bucket);
      this.readers.set(bucket, reader);
    }
    return reader;
  }

  private emptyResource(bucket: string): Resource {
    return blankResource(this.config.name, bucket, 's3-queue', CAPABILITIES);
  }

}
