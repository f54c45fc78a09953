import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { withFileLock, writeJsonAtomically } from '../stateFile';

/**
 * `hold`: ADR 13, produce / lease / complete / retry are all held. `drain`: ADR 0023's paused
 * partition, complete and retry pass so leases already handed out can finish; produce and lease
 * are held.
 */
export const PauseMode = z.enum(['hold', 'drain']);
export type PauseMode = z.infer<typeof PauseMode>;

const isoTime = z.iso.datetime({ offset: true });

export const QueuePause = z.object({
  pausedAt: isoTime,
  pausedBy: z.string(),
  reason: z.string().nullable(),
  resumeAt: isoTime.nullable(),
  version: z.string(),
  mode: PauseMode,
});
export type QueuePause = z.infer<typeof QueuePause>;

const StateFile = z.object({
  format: z.literal(1),
  connection: z.string(),
  queues: z.record(z.string(), QueuePause),
});
type StateFile = z.infer<typeof StateFile>;

export interface PauseChange {
  queue: string;
  before: QueuePause | null;
  after: QueuePause | null;
}

export function newPauseVersion(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** True once a pause's own timeout (resume_at) has passed: from then on it holds nothing. */
export function pauseExpired(pause: QueuePause, now = Date.now()): boolean {
  return pause.resumeAt !== null && Date.parse(pause.resumeAt) <= now;
}

/**
 * The pauses of one Querator connection: a small JSON file in the agent home, the gateway's
 * source of truth, so a pause survives an agent restart. Every change takes the file's lock (a
 * CLI without the agent may be changing it too), re-reads it, then replaces it atomically
 * (temporary file, fsync, rename). An unreadable file is an error, never an empty state: nothing paused may be released
 * because its record could not be read. The agent watches the file for changes made by others.
 */
export class PauseStateStore extends EventEmitter<{ change: [PauseChange]; error: [Error] }> {
  private queues = new Map<string, QueuePause>();
  private serial: Promise<unknown> = Promise.resolve();
  private watching = false;

  constructor(
    readonly path: string,
    private readonly connection: string,
  ) {
    super();
  }

  /** Reads the file (again); a missing file means nothing is paused. */
  load(): Promise<void> {
    return this.exclusive(async () => this.apply(await this.readFile()));
  }

  get(queue: string): QueuePause | null {
    return this.queues.get(queue) ?? null;
  }

  all(): Map<string, QueuePause> {
    return new Map(this.queues);
  }

  /**
   * Read, change, write, as one step among this process's changes. `change` returns the new
   * record of the queue (null removes it) and a result; returning `unchanged` writes nothing.
   */
  update<T>(queue: string, change: (current: QueuePause | null) => { next: QueuePause | null; result: T } | { unchanged: T }): Promise<T> {
    return this.exclusive(() => withFileLock(this.path, async () => {
      const file = await this.readFile();
      this.apply(file);
      const outcome = change(this.queues.get(queue) ?? null);
      if ('unchanged' in outcome) return outcome.unchanged;
      const queues = { ...Object.fromEntries(this.queues) };
      if (outcome.next) queues[queue] = outcome.next;
      else delete queues[queue];
      await this.writeFile({ format: 1, connection: this.connection, queues });
      this.apply({ format: 1, connection: this.connection, queues });
      return outcome.result;
    }));
  }

  /** Follows changes others make to the file (a CLI working without the agent). */
  watch(intervalMs = 500): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.path, { interval: intervalMs }, () => {
      this.load().catch((error: Error) => this.emit('error', error));
    });
  }

  close(): void {
    if (this.watching) unwatchFile(this.path);
    this.watching = false;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async readFile(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: 1, connection: this.connection, queues: {} };
      throw new Error(`cannot read the Querator pause state ${this.path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`the Querator pause state ${this.path} is not valid JSON (${(error as Error).message}); fix it or remove it to resume every queue of "${this.connection}"`);
    }
    const parsed = StateFile.safeParse(json);
    if (!parsed.success) {
      throw new Error(`the Querator pause state ${this.path} is invalid (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); fix it or remove it to resume every queue of "${this.connection}"`);
    }
    return parsed.data;
  }

  private async writeFile(file: StateFile): Promise<void> {
    await writeJsonAtomically(this.path, file);
  }

  private apply(file: StateFile): void {
    const next = new Map(Object.entries(file.queues));
    const changes: PauseChange[] = [];
    for (const name of new Set([...this.queues.keys(), ...next.keys()])) {
      const before = this.queues.get(name) ?? null;
      const after = next.get(name) ?? null;
      if (!isDeepStrictEqual(before, after)) changes.push({ queue: name, before, after });
    }
    this.queues = next;
    // The first load is a restore: listeners see every pause as a change from nothing.
    for (const change of changes) this.emit('change', change);
  }
}
