import type { QueueStore } from '../../../buquet/client';
import { decodeHeartbeat, type DecodedHeartbeat } from '../../../buquet/heartbeat';
import { LEASES_PREFIX, READY_PREFIX, WORKERS_PREFIX } from '../../../buquet/layout';
import { countKeys, listObjects, ObjectCache, type KeyCount } from '../../../buquet/objects';
import { GlobalPauseReader, ScopedPauseReader, type PauseReading, type ScopedPauseReading } from '../../../buquet/pauseReads';
import type { ListContext } from '../types';
import { isDue } from './cadence';

/** The facts that cost a LIST each and change slowly; kept between listings (see cadence.ts). */
export interface SlowFacts {
  heartbeats: DecodedHeartbeat[];
  /** Server time when the heartbeats were read: worker ages count from it, so a kept heartbeat never looks stale. */
  seenAt: Date;
  /** `ready/` keys: one capped LIST page on a listing, every page when asked for the exact count. */
  pending: KeyCount;
  inFlight: number;
}

export interface BucketFacts {
  global: PauseReading | null;
  scoped: ScopedPauseReading[];
  slow: SlowFacts;
}

/** One page of `ready/` (1000 keys): a poll's cost stays the same however long the backlog grows. */
const PENDING_PAGES_PER_LISTING = 1;

/** What one bucket's listing reads, and the caches that let it read less (conditional GETs, kept facts). */
export class BucketReader {
  private readonly globalPause: GlobalPauseReader;
  private readonly scopedPauses = new ScopedPauseReader();
  private readonly heartbeats = new ObjectCache<DecodedHeartbeat | null>(decodeHeartbeat);
  private scoped: { readAt: number; readings: ScopedPauseReading[] } | null = null;
  private slow: { readAt: number; facts: SlowFacts } | null = null;

  constructor(
    private readonly store: QueueStore,
    private readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {
    this.globalPause = new GlobalPauseReader(store, bucket);
  }

  async read(context: ListContext, options: { exact?: boolean } = {}): Promise<BucketFacts> {
    const startedAt = this.now();
    const [global, scoped, slow] = await Promise.all([this.globalPause.read(), this.scopedFor(context, startedAt), this.slowFor(context, startedAt, options.exact === true)]);
    return { global, scoped, slow };
  }

  private async scopedFor(context: ListContext, startedAt: number): Promise<ScopedPauseReading[]> {
    if (this.scoped && !isDue('scopedPauses', this.scoped.readAt, context, startedAt)) return this.scoped.readings;
    const readings = await this.scopedPauses.read(this.store, this.bucket);
    this.scoped = { readAt: startedAt, readings };
    return readings;
  }

  private async slowFor(context: ListContext, startedAt: number, exact: boolean): Promise<SlowFacts> {
    if (this.slow && !exact && !isDue('slowFacts', this.slow.readAt, context, startedAt)) return this.slow.facts;
    const [heartbeats, pending, inFlight] = await Promise.all([
      listObjects(this.store, this.bucket, WORKERS_PREFIX).then((listed) => this.heartbeats.readAll(this.store, this.bucket, listed)),
      countKeys(this.store, this.bucket, READY_PREFIX, exact ? undefined : PENDING_PAGES_PER_LISTING),
      countKeys(this.store, this.bucket, LEASES_PREFIX),
    ]);
    const facts: SlowFacts = {
      heartbeats: [...heartbeats.values()].filter((h): h is DecodedHeartbeat => h !== null),
      seenAt: this.store.serverNow() ?? new Date(),
      pending,
      inFlight: inFlight.count,
    };
    this.slow = { readAt: startedAt, facts };
    return facts;
  }
}
