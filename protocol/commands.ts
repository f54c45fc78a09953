import type { PauseDetails, Resource, Scope } from './resource';

/*
 * What the core asks of a backend's pause, resume and stop, and what a resume answers: shared by
 * the agent's adapters and buquet's pause control, which the worker library uses too.
 */

/** What the core asks of a pause; durations are already parsed, defaults already applied. */
export interface PauseCommand {
  reason: string | null;
  pausedBy: string;
  resumeAfterMs: number | null;
  resumeAt: Date | null;
  force: boolean;
  scope: Scope | null;
  listed?: ListedResource;
}

/**
 * Set by bulk operations: the resource as their one listing showed it (null: that listing did
 * not show it), so the check before each change reads nothing again. Left out, it is read fresh.
 */
export type ListedResource = Resource | null;

export interface ResumeCommand {
  force: boolean;
  scope: Scope | null;
  /** Set by scheduled resumes: remove the pause only if it is still this version. */
  onlyIfVersion: string | null;
  listed?: ListedResource;
}

/** What the core asks of a stop (a pause that also shuts the workers down, e.g. Kafka Connect's PUT /stop). */
export interface StopCommand {
  reason: string | null;
  pausedBy: string;
}

export interface ResumeOutcome {
  /** False when `onlyIfVersion` no longer matched: a newer pause replaced the scheduled one. */
  resumed: boolean;
  previous: PauseDetails | null;
  /**
   * Set when a scheduled resume came early by the backend's own clock (ours may differ): how
   * long until resume_at there. Nothing was changed; ask again then.
   */
  notYetMs?: number;
}
