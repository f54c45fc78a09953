import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PauseDetails, Resource, Scope } from '../../protocol/resource';

/** What the core asks of a pause; durations are already parsed, defaults already applied. */
export interface PauseCommand {
  reason: string | null;
  pausedBy: string;
  resumeAfterMs: number | null;
  resumeAt: Date | null;
  force: boolean;
  scope: Scope | null;
}

export interface ResumeCommand {
  force: boolean;
  scope: Scope | null;
  /** Set by scheduled resumes: remove the pause only if it is still this version. */
  onlyIfVersion: string | null;
}

export interface ResumeOutcome {
  /** False when `onlyIfVersion` no longer matched: a newer pause replaced the scheduled one. */
  resumed: boolean;
  previous: PauseDetails | null;
}

/** One adapter per connection; it maps the backend's objects onto the shared resource model. */
export interface BackendAdapter {
  /** Every pausable resource of this connection, as the backend reports it now. */
  list(): Promise<Resource[]>;
  /** One resource, fresh from the backend; throws PauseError NotFound for unknown names. */
  get(name: string): Promise<Resource>;
  pause(name: string, command: PauseCommand): Promise<PauseDetails>;
  resume(name: string, command: ResumeCommand): Promise<ResumeOutcome>;
  close(): Promise<void>;
}

export interface AdapterContext {
  log: Logger;
  metrics: Registry;
}

/** A backend is one folder that exports one of these; nothing else needs to change to add one. */
export interface BackendDefinition<Config extends { name: string; kind: string }> {
  kind: Config['kind'];
  /** Zod schema of this backend's entry in the connections file (published as JSON schema). */
  configSchema: z.ZodObject & z.ZodType<Config>;
  create(config: Config, context: AdapterContext): BackendAdapter;
}
