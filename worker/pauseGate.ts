import type { Scope } from '../protocol/resource';
import { serverTime, type QueueStore } from '../buquet/client';
import { describeScope, GLOBAL_PAUSE_KEY, pauseKey } from '../buquet/layout';
import { PauseControl } from '../buquet/pauseControl';
import { GlobalPauseReader, ScopedPauseReader, type PauseReading, type ScopedPauseReading } from '../buquet/pauseReads';
import type { WorkerLogger } from './options';

export interface PauseView {
  /** control/paused.json: the whole queue is paused while it exists. */
  global: PauseReading | null;
  /** Scoped pauses; only read while the queue is not paused as a whole. */
  scoped: ScopedPauseReading[];
}

/** What a worker may claim right now; null when nothing (paused, or every type or shard it serves is). */
export interface Permit {
  shards: Set<string>;
  taskTypes: Set<string>;
}

export function permitFor(view: PauseView, shards: string[], taskTypes: string[]): Permit | null {
  if (view.global) return null;
  const paused = (type: Scope['type']) => new Set(view.scoped.filter((s) => s.scope.type === type).map((s) => s.scope.value));
  const pausedShards = paused('shard');
  const pausedTypes = paused('task-type');
  const open = { shards: shards.filter((s) => !pausedShards.has(s)), taskTypes: taskTypes.filter((t) => !pausedTypes.has(t)) };
  return open.shards.length && open.taskTypes.length ? { shards: new Set(open.shards), taskTypes: new Set(open.taskTypes) } : null;
}

/**
 * The seed's pause check with its PauseCache: S3 is asked at most once per TTL. The global
 * object is read conditionally (If-None-Match: a 304 while it stays the same); scoped ones by
 * one LIST plus a GET of what changed. A pause whose resume_at has passed on the server's clock
 * is removed by whoever sees it first, with If-Match, so a newer pause is never removed.
 */
export class PauseGate {
  private view: PauseView = { global: null, scoped: [] };
  private refreshedAt = -Infinity;
  /** Set when a due pause could not be removed: the next check must read again, not trust the cache. */
  private stale = false;
  private readonly globalReader: GlobalPauseReader;
  private readonly scopedReader = new ScopedPauseReader();
  private readonly control: PauseControl;
  private readonly announced = new Map<string, string>();
  private readonly monotonicNow: () => number;

  constructor(
    private readonly store: QueueStore,
    private readonly bucket: string,
    private readonly settings: {
      ttlMs: number;
      log: WorkerLogger;
      concerns: (scope: Scope) => boolean;
      /** Monotonic milliseconds for the TTL (a local duration, never a time of day); tests pass their own. */
      monotonicNow?: () => number;
    },
  ) {
    this.control = new PauseControl(store);
    this.globalReader = new GlobalPauseReader(store, bucket);
    this.monotonicNow = settings.monotonicNow ?? (() => performance.now());
  }

  async current(): Promise<PauseView> {
    if (!this.stale && this.monotonicNow() - this.refreshedAt < this.settings.ttlMs) return this.view;
    // The TTL counts from when the read starts: a pause written during it is seen one TTL later at most.
    const startedAt = this.monotonicNow();
    this.stale = false;
    this.view = await this.read();
    this.refreshedAt = startedAt;
    this.announce(this.view);
    return this.view;
  }

  private async read(): Promise<PauseView> {
    const global = await this.globalReader.read();
    if (global && !(await this.autoResumed(null, global))) return { global, scoped: [] };
    const scoped: ScopedPauseReading[] = [];
    for (const reading of await this.scopedReader.read(this.store, this.bucket)) {
      if (!(await this.autoResumed(reading.scope, reading))) scoped.push(reading);
    }
    return { global: null, scoped };
  }

  private async autoResumed(scope: Scope | null, reading: PauseReading): Promise<boolean> {
    const pause = reading.pause;
    if (!pause?.resumeAt || serverTime(this.store).getTime() < Date.parse(pause.resumeAt)) return false;
    const outcome = await this.control.resume(this.bucket, { force: true, scope, onlyIfVersion: pause.version });
    const what = scope ? describeScope(scope) : 'queue';
    this.settings.log.info({ resumeAt: pause.resumeAt, removed: outcome.resumed }, `Auto-resume time reached for ${what}`);
    // Not removed: someone else did, or a newer pause replaced it; the next read tells which.
    if (!outcome.resumed) this.stale = true;
    return outcome.resumed;
  }

  /** "Queue paused, waiting..." once per pause (keyed by its ETag), not once per poll. */
  private announce(view: PauseView): void {
    const active = new Map<string, { scope: Scope | null; reading: PauseReading }>();
    if (view.global) active.set(GLOBAL_PAUSE_KEY, { scope: null, reading: view.global });
    for (const { scope, ...reading } of view.scoped) if (this.settings.concerns(scope)) active.set(pauseKey(scope), { scope, reading });
    for (const [key, { scope, reading }] of active) {
      const version = reading.pause?.version ?? reading.error ?? '';
      if (this.announced.get(key) === version) continue;
      this.announced.set(key, version);
      const fields = { reason: reading.pause?.reason ?? null, pausedBy: reading.pause?.pausedBy ?? null, resumeAt: reading.pause?.resumeAt ?? null, error: reading.error };
      this.settings.log.info(fields, scope ? `Queue paused for ${describeScope(scope)}, waiting...` : 'Queue paused, waiting...');
    }
    for (const key of [...this.announced.keys()].filter((k) => !active.has(k))) {
      this.announced.delete(key);
      this.settings.log.info({ key }, 'Queue resumed');
    }
  }
}
