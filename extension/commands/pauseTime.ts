import { parseDuration } from '../../protocol/duration';
import type { PauseRequestInput } from '../../protocol/requests';

/** When a pause ends by itself: after a duration (the agent counts on the backend's clock) or at a time. */
export type AutoResume = Pick<PauseRequestInput, 'resumeAfter' | 'resumeAt'>;

export const PAUSE_FOR_CHOICES: Array<{ label: string; resumeAfter: string }> = [
  { label: '15 minutes', resumeAfter: '15m' },
  { label: '30 minutes', resumeAfter: '30m' },
  { label: '1 hour', resumeAfter: '1h' },
  { label: '2 hours', resumeAfter: '2h' },
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const CLOCK = /^(?:(today|tomorrow)\s+)?([01]?\d|2[0-3]):([0-5]\d)(?:\s+(today|tomorrow))?$/i;

/**
 * Reads "Until a time...": an RFC 3339 time, or HH:MM (local) optionally with "today" or
 * "tomorrow". Throws a message fit for the input box when the text is unreadable or not ahead.
 */
export function parseUntil(text: string, now: Date): Date {
  const trimmed = text.trim();
  if (RFC3339.test(trimmed)) {
    const at = new Date(trimmed);
    if (Number.isNaN(at.getTime())) throw new Error(`"${trimmed}" is not a real date`);
    if (at <= now) throw new Error('that time has already passed');
    return at;
  }
  const clock = CLOCK.exec(trimmed);
  if (!clock) throw new Error('write HH:MM (today), HH:MM tomorrow, or an RFC 3339 time such as 2026-01-29T06:00:00Z');
  if (clock[1] && clock[4]) throw new Error('say "today" or "tomorrow" once');
  const day = (clock[1] ?? clock[4] ?? 'today').toLowerCase();
  const at = new Date(now);
  at.setHours(Number(clock[2]), Number(clock[3]), 0, 0);
  if (day === 'tomorrow') at.setDate(at.getDate() + 1);
  if (at <= now) throw new Error(`${clock[2]}:${clock[3]} today has passed; write "${clock[2]}:${clock[3]} tomorrow"`);
  return at;
}

/** The moment an auto-resume request would end the pause, seen from `now`. */
export function autoResumeMoment(request: AutoResume, now: Date): Date | null {
  if (request.resumeAt) return new Date(request.resumeAt);
  if (request.resumeAfter) return new Date(now.getTime() + parseDuration(request.resumeAfter));
  return null;
}
