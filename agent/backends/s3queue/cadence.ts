import type { Interest, ListContext } from '../types';

/**
 * How old each group of facts may be before a poll reads it again. The global pause object is
 * read on every listing (a conditional GET: 304 while unchanged), so a pause made elsewhere shows
 * at the listing pace. Scoped pauses cost a LIST, heartbeats, leases and the backlog one LIST
 * each: read on every listing only while someone watches, about once a minute otherwise, so an
 * unwatched queue costs a handful of requests a minute. A refresh reads everything.
 */
export const MAX_AGE_MS: Record<'scopedPauses' | 'slowFacts', Record<Interest, number>> = {
  scopedPauses: { watched: 0, background: 60_000, idle: 60_000 },
  slowFacts: { watched: 5_000, background: 60_000, idle: 60_000 },
};

/** Whether a fact group read at `readAt` (epoch ms; -Infinity: never) is read again by this listing. */
export function isDue(group: keyof typeof MAX_AGE_MS, readAt: number, context: ListContext, now: number): boolean {
  return context.reason === 'refresh' || now - readAt >= MAX_AGE_MS[group][context.interest];
}
