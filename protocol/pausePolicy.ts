import type { PauseCommand } from './commands';
import { describeFromNow } from './duration';
import { PauseError } from './errors';
import type { PauseDetails } from './resource';

/*
 * The rules every backend's pause and resume follow, and how they are worded, in one place:
 * when a pause ends by itself, what a new pause records, and the two refusals a user meets
 * (already paused; an auto-resume set, so a manual resume needs --force).
 */

/** RFC 3339 UTC to the second, as the seed's examples write times: how every message shows one. */
export function isoSeconds(time: Date | string): string {
  return (typeof time === 'string' ? time : time.toISOString()).replace(/\.\d{3}Z$/, 'Z');
}

/**
 * When a pause ends by itself: `resumeAfterMs` from `now`, or `resumeAt`, which must come after
 * `now` by the clock that reads it (`clock` names that clock in the refusal: "agent", "S3 server").
 */
export function pauseEnd(command: Pick<PauseCommand, 'resumeAfterMs' | 'resumeAt'>, now: Date, clock: string): Date | null {
  if (command.resumeAfterMs !== null) return new Date(now.getTime() + command.resumeAfterMs);
  if (command.resumeAt === null) return null;
  if (command.resumeAt.getTime() <= now.getTime()) {
    throw new PauseError('BadRequest', `resumeAt ${isoSeconds(command.resumeAt)} is not in the future (${clock} time is ${isoSeconds(now)}); give a later time`);
  }
  return command.resumeAt;
}

/** What a pause made at `now` records: who, why and until when, under `version`. */
export function newPauseDetails(command: PauseCommand, now: Date, clock: string, version: string | null): PauseDetails {
  const resumeAt = pauseEnd(command, now, clock);
  return { pausedAt: now.toISOString(), pausedBy: command.pausedBy, reason: command.reason, resumeAt: resumeAt?.toISOString() ?? null, version };
}

/** A pause refused because one holds already (`what`: "orders/emails", "task type send_email of ..."). */
export function alreadyPaused(what: string, pause: Pick<PauseDetails, 'pausedBy' | 'pausedAt' | 'reason'> | null): PauseError {
  if (!pause) return new PauseError('AlreadyPaused', `${what} is already paused; use --force to overwrite`);
  const reason = pause.reason ? ` (reason: ${pause.reason})` : '';
  return new PauseError('AlreadyPaused', `${what} is already paused by ${pause.pausedBy} since ${isoSeconds(pause.pausedAt)}${reason}; use --force to overwrite`);
}

/** A manual resume refused because the pause ends by itself at `resumeAt` (by the clock that reads `now`). */
export function autoResumeSet(what: string, resumeAt: Date | string, now: Date): PauseError {
  const at = new Date(resumeAt);
  return new PauseError('Conflict', `${what} is set to auto-resume at ${isoSeconds(at)} (${describeFromNow(at, now)}); use --force to resume it now`);
}
