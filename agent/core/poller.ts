import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { connectionTroubleOf } from '../../protocol/errors';
import type { Resource } from '../../protocol/resource';
import type { Interest, ListContext } from '../backends/types';
import { DEFAULT_CADENCE, effectiveInterest, firstListingDelay, interestRose, nextListingDelay, type Cadence } from './pollSchedule';
import { connectionIdentity, type Connection } from './service';
import type { StateStore } from './stateStore';

/** How many connections list at once; the rest wait their turn (1,000 connections must not mean 4,800 requests in flight). */
export const DEFAULT_CONCURRENCY = 16;

export interface PollerOptions {
  store: StateStore;
  log: Logger;
  /** Lists one connection's resources (the service's listing adds what the core knows, e.g. pause groups). */
  list: (connection: Connection, context: ListContext) => Promise<Resource[]>;
  onListed: (connection: string, resources: Resource[]) => void;
  /** Told of one resource read on its own after an action (refreshOne). */
  onRead?: (resource: Resource) => void;
  /** The auto-resumes due on a connection (epoch ms): the poller lists fast around them. */
  resumeTimes: (connection: string) => readonly number[];
  /** Told of every listing that starts, for the agent's metrics. */
  onListing?: (connection: string, context: ListContext) => void;
  cadence?: Cadence;
  concurrency?: number;
  random?: () => number;
  now?: () => number;
}

interface Loop {
  connection: Connection;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  /** A recent action through this agent keeps the connection fast until then. */
  fastUntil: number;
  /** Interest rose while it was listing: list again as soon as that listing ends. */
  relist: boolean;
}

/**
 * Keeps the state store current by listing each connection at a pace set by who is interested
 * (see pollSchedule.ts). Each connection has its own jittered timer, and at most `concurrency`
 * list at once, so one slow connection holds one slot and never another connection's turn. A
 * connection that fails is shown as unreachable; it never stops the others or the agent.
 */
export class Poller {
  private readonly loops = new Map<string, Loop>();
  private readonly limit: LimitFunction;
  /** Refreshes have their own slots: one waiting for a poll of its connection must not hold a poll's slot. */
  private readonly refreshLimit: LimitFunction;
  private readonly concurrency: number;
  private readonly cadence: Cadence;
  private readonly random: () => number;
  private readonly now: () => number;
  private interest: Interest = 'idle';
  private stopped = false;

  constructor(private readonly options: PollerOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.limit = pLimit(this.concurrency);
    this.refreshLimit = pLimit(this.concurrency);
    this.cadence = options.cadence ?? DEFAULT_CADENCE;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  start(connections: Connection[]): void {
    this.stopped = false;
    for (const connection of connections) {
      const name = connection.config.name;
      this.options.store.setConnection({ ...connectionIdentity(connection), status: 'connecting', error: null, checkedAt: null });
      const loop: Loop = { connection, timer: null, running: null, fastUntil: 0, relist: false };
      this.loops.set(name, loop);
      this.arm(loop, firstListingDelay(this.intervalOf(connection) ?? this.cadence.watchedMs, this.random, connections.length, this.concurrency));
    }
  }

  /** The agent's clients changed; when they ask for more than before, every connection is listed now. */
  setInterest(interest: Interest): void {
    const rose = interestRose(this.interest, interest);
    this.interest = interest;
    if (!rose) return;
    for (const loop of this.loops.values()) {
      if (loop.running) loop.relist = true; // that listing was made for less interest
      else this.arm(loop, 0);
    }
  }

  /**
   * Lists one connection now (after a pause or resume) instead of waiting for its next turn,
   * and keeps it fast for a while: someone just acted on it and will look for the outcome.
   */
  async refresh(connection: Connection): Promise<void> {
    const loop = await this.quicken(connection);
    if (!loop) return;
    await this.refreshLimit(() => this.listOnce(loop, 'refresh'));
    this.rearm(loop);
  }

  /**
   * Lists one connection now for a client that asked what is true (a CLI `list`): no action was
   * taken, so unlike refresh it leaves the connection's pace as it was.
   */
  async listNow(connection: Connection): Promise<void> {
    const loop = await this.settled(connection);
    if (!loop) return;
    await this.refreshLimit(() => this.listOnce(loop, 'refresh'));
  }

  /**
   * After an action on one resource of a backend whose resources each cost calls of their own:
   * reads that one resource (`read`) rather than the whole connection. A read that fails lists
   * the connection instead, which reports the trouble as a listing would.
   */
  async refreshOne(connection: Connection, read: () => Promise<Resource>): Promise<void> {
    const loop = await this.quicken(connection);
    if (!loop) return;
    const resource = await this.refreshLimit(() => read()).catch(() => null);
    if (!resource) await this.refreshLimit(() => this.listOnce(loop, 'refresh'));
    else if (this.current(loop)) {
      this.options.store.upsertResource(resource);
      this.options.onRead?.(resource);
    }
    this.rearm(loop);
  }

  /** Keeps a connection fast for a while after an action: someone just acted on it and looks for the outcome. */
  private async quicken(connection: Connection): Promise<Loop | null> {
    const loop = this.loops.get(connection.config.name);
    if (loop) loop.fastUntil = this.now() + this.cadence.fastForMs;
    return this.settled(connection);
  }

  /** The connection's loop once a listing in flight is over: it began earlier and would overwrite what is read next. */
  private async settled(connection: Connection): Promise<Loop | null> {
    const loop = this.loops.get(connection.config.name);
    if (loop?.running) await loop.running;
    return loop ?? null;
  }

  /** The turn armed before the action may be a slow one; the next comes at the fast pace. */
  private rearm(loop: Loop): void {
    if (this.current(loop) && !loop.running) this.arm(loop, nextListingDelay(this.scheduleInput(loop), this.random, this.cadence));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const pending: Promise<void>[] = [];
    for (const loop of this.loops.values()) {
      if (loop.timer) clearTimeout(loop.timer);
      if (loop.running) pending.push(loop.running);
    }
    this.loops.clear(); // queued turns find their loop gone and end without listing
    await Promise.allSettled(pending);
  }

  private arm(loop: Loop, delayMs: number): void {
    if (loop.timer) clearTimeout(loop.timer);
    loop.timer = setTimeout(() => void this.turn(loop), delayMs);
    loop.timer.unref();
  }

  private async turn(loop: Loop): Promise<void> {
    loop.timer = null;
    if (!this.current(loop)) return;
    loop.running = this.limit(() => (this.current(loop) ? this.listOnce(loop, 'poll') : Promise.resolve()));
    await loop.running;
    loop.running = null;
    if (!this.current(loop) || loop.timer) return; // stopped, or re-armed meanwhile
    const relist = loop.relist;
    loop.relist = false;
    this.arm(loop, relist ? 0 : nextListingDelay(this.scheduleInput(loop), this.random, this.cadence));
  }

  private async listOnce(loop: Loop, reason: ListContext['reason']): Promise<void> {
    const { name } = loop.connection.config;
    const identity = connectionIdentity(loop.connection);
    let finished = false;
    const context: ListContext = {
      reason,
      interest: effectiveInterest(this.scheduleInput(loop), this.cadence),
      onResource: (resource) => {
        if (!finished && this.current(loop)) this.applyStreamed(resource);
      },
    };
    this.options.onListing?.(name, context);
    try {
      const resources = await this.options.list(loop.connection, context);
      finished = true;
      if (!this.current(loop)) return;
      this.options.store.setConnection({ ...identity, status: 'ok', error: null, checkedAt: new Date().toISOString() });
      this.options.store.replaceResources(name, resources);
      this.options.onListed(name, resources);
    } catch (error) {
      finished = true;
      if (!this.current(loop)) return;
      const message = (error as Error).message;
      const status = connectionTroubleOf(error);
      const previous = this.options.store.snapshot().connections.find((c) => c.name === name);
      if (previous?.status !== status) this.options.log.warn({ connection: name, err: message }, `connection ${status}`);
      this.options.store.setConnection({ ...identity, status, error: message, checkedAt: new Date().toISOString() });
      this.options.store.markUnknown(name, message, status);
    }
  }

  /**
   * A resource an adapter streamed before its listing ended: shown at once, so one slow bucket
   * does not hold back the rest. The listing's end still replaces the connection's whole set.
   */
  private applyStreamed(resource: Resource): void {
    this.options.store.upsertResource(resource);
  }

  private scheduleInput(loop: Loop) {
    const name = loop.connection.config.name;
    return { interest: this.interest, intervalMs: this.intervalOf(loop.connection), now: this.now(), fastUntil: loop.fastUntil, resumeTimes: this.options.resumeTimes(name) };
  }

  private intervalOf(connection: Connection): number | null {
    const seconds = connection.config.pollIntervalSeconds;
    return typeof seconds === 'number' ? seconds * 1000 : null;
  }

  /** False once stopped or replaced by a reload: its listing must not touch the store. */
  private current(loop: Loop): boolean {
    return !this.stopped && this.loops.get(loop.connection.config.name) === loop;
  }
}
