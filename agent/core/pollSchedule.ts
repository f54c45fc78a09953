import type { Interest } from '../backends/types';

/** How often a connection is listed at each level of interest, and for how long an action keeps it fast. */
export interface Cadence {
  /** Used when no connection sets `pollIntervalSeconds`. */
  watchedMs: number;
  backgroundMs: number;
  idleMs: number;
  /** After a pause, resume or deploy through this agent, and around a due auto-resume, list at the watched pace this long. */
  fastForMs: number;
  /** Each wait is the base ± this fraction, so many connections drift apart instead of firing in step. */
  jitter: number;
}

export const DEFAULT_CADENCE: Cadence = { watchedMs: 1000, backgroundMs: 10_000, idleMs: 60_000, fastForMs: 30_000, jitter: 0.2 };

/** What the next wait of one connection depends on; times are epoch milliseconds. */
export interface ScheduleInput {
  interest: Interest;
  /** The connection's own `pollIntervalSeconds` in ms, or null for the cadence's default. */
  intervalMs: number | null;
  now: number;
  /** Until when a recent action keeps this connection fast. */
  fastUntil: number;
  /** The auto-resumes the scheduler holds for this connection. */
  resumeTimes: readonly number[];
}

const RANK: Record<Interest, number> = { idle: 0, background: 1, watched: 2 };

/** watched if any client watches, background if any is connected, idle if none. */
export function interestOf(clients: { connected: number; watching: number }): Interest {
  if (clients.watching > 0) return 'watched';
  return clients.connected > 0 ? 'background' : 'idle';
}

/** True when `next` asks for fresher listings than `previous` (a window got focus back, say). */
export function interestRose(previous: Interest, next: Interest): boolean {
  return RANK[next] > RANK[previous];
}

/** The interest a listing is made for: a recent action or a due auto-resume counts as someone watching. */
export function effectiveInterest(input: ScheduleInput, cadence: Cadence = DEFAULT_CADENCE): Interest {
  if (input.now < input.fastUntil) return 'watched';
  if (input.resumeTimes.some((at) => Math.abs(at - input.now) <= cadence.fastForMs)) return 'watched';
  return input.interest;
}

/**
 * How long one connection waits before its next listing. A connection's own interval is the
 * fastest it is ever listed; slower levels never list it faster than that. An auto-resume due
 * before the wait ends shortens it so the listing comes right after the resume.
 */
export function nextListingDelay(input: ScheduleInput, random: () => number, cadence: Cadence = DEFAULT_CADENCE): number {
  const fastest = input.intervalMs ?? cadence.watchedMs;
  const level = effectiveInterest(input, cadence);
  const base = level === 'watched' ? fastest : Math.max(fastest, level === 'background' ? cadence.backgroundMs : cadence.idleMs);
  const delay = base * (1 + (random() * 2 - 1) * cadence.jitter);
  const nextResume = Math.min(...input.resumeTimes.filter((at) => at > input.now));
  return Math.max(0, Math.min(delay, nextResume - input.now + fastest));
}

/**
 * When a connection is first listed. As many as may list at once go now (the user waits for
 * them); beyond that each lands at a random point of its first interval, so many connections
 * start out of step instead of queueing in one burst.
 */
export function firstListingDelay(intervalMs: number, random: () => number, connections: number, concurrency: number): number {
  return connections <= concurrency ? 0 : random() * intervalMs;
}
