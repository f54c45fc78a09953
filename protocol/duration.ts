import ms from 'ms';

/**
 * How far ahead an auto-resume may be set. Beyond it a "pause" is a stop in disguise, and
 * unbounded values overflow a Date (year +029405) into control objects nothing can read.
 */
export const MAX_AHEAD_DAYS = 365;
export const MAX_AHEAD_MS = MAX_AHEAD_DAYS * 86_400_000;

/** Accepts the seed's forms ("30m", "2h", "90s", "1d"); anything else is refused, never guessed. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  // One number with a unit ("90s", "2 h"), or Go-style parts run together ("1h30m", "1d12h").
  const parts = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/i.test(trimmed) ? [trimmed] : /^(\d+(\.\d+)?(ms|s|m|h|d))+$/i.test(trimmed) ? trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/gi)! : null;
  if (!parts) {
    throw new Error(`cannot read duration "${text}": use a number with a unit, e.g. 30m, 2h, 1h30m, 90s or 1d`);
  }
  const value = parts.reduce((sum, part) => sum + ms(part as ms.StringValue), 0);
  if (value <= 0) {
    throw new Error(`duration "${text}" must be longer than zero`);
  }
  if (!(value <= MAX_AHEAD_MS)) {
    // also catches Infinity, which ms() returns for digits beyond a double
    throw new Error(`duration "${text}" is longer than ${MAX_AHEAD_DAYS} days, the most an auto-resume may be set ahead; use a shorter one, or pause with no end`);
  }
  return value;
}

/** When a pause ends by itself: "in 25 minutes", "due now", or that the backend refused it. */
export function describeAutoResume(pause: { resumeAt: string | null; autoResumeRefused?: string | null }, now: Date): string {
  if (!pause.resumeAt) return 'none (manual resume)';
  if (pause.autoResumeRefused) return `refused by the backend (${pause.autoResumeRefused}); resume it by hand`;
  return describeFromNow(new Date(pause.resumeAt), now);
}

/** Refuses a resume time further ahead than MAX_AHEAD_DAYS; whether it is past is the backend's call (its clock). */
export function checkResumeAtHorizon(at: Date, now: Date): string | null {
  if (at.getTime() - now.getTime() <= MAX_AHEAD_MS) return null;
  return `resumeAt ${at.toISOString()} is more than ${MAX_AHEAD_DAYS} days ahead, the most an auto-resume may be set; use an earlier time, or pause with no end`;
}

/** "in 25 minutes", "in 2 hours" for auto-resume lines; rounds to whole minutes like the seed. */
export function describeFromNow(target: Date, now: Date): string {
  const deltaMs = target.getTime() - now.getTime();
  if (deltaMs <= 0) return 'due now';
  return `in ${humanDuration(deltaMs)}`;
}

export function humanDuration(deltaMs: number): string {
  const minutes = Math.round(deltaMs / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(deltaMs / 1000))} seconds`;
  if (minutes < 120) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} hours` : `${hours}h ${rest}m`;
}

/** Compact form for tree descriptions: "25m", "2h 5m", "40s". */
export function shortDuration(deltaMs: number): string {
  const seconds = Math.max(0, Math.round(deltaMs / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest}m`;
}
