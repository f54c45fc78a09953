import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { PauseGroupRef, Scope } from '../../protocol/resource';

export const JournalEntry = z.object({
  at: z.string(),
  /**
   * `observed-pause` / `observed-resume`: the agent saw a backend that keeps no pause details
   * (ksqlDB) paused or resumed by someone else (its own CLI, say); recorded so the pause is
   * never credited to an older entry of ours. `auto-resume-refused`: the backend refused a
   * scheduled resume for good (the pause stays; the agent does not retry it).
   */
  action: z.enum(['pause', 'resume', 'auto-resume', 'auto-resume-skipped', 'auto-resume-refused', 'observed-pause', 'observed-resume', 'stop']),
  resource: z.string(),
  scope: Scope.nullable(),
  /** Who did this action (for a resume, not the same as who paused). */
  by: z.string(),
  pausedBy: z.string().nullable(),
  /** When the pause began, if not `at` (lines written before this field was added lack it). */
  pausedAt: z.string().nullable().optional(),
  reason: z.string().nullable(),
  resumeAt: z.string().nullable(),
  version: z.string().nullable(),
  /** Who wrote the entry: the agent, or the CLI working without one. */
  via: z.enum(['agent', 'cli']),
  note: z.string().nullable(),
  /** Set on each pause made as part of a group ("pause upstream of X"); absent on older lines. */
  group: PauseGroupRef.nullable().optional(),
  /** On `auto-resume-refused`: the backend's refusal, in one line. */
  error: z.string().nullable().optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/** Actions that start or end a whole-resource pause; the latest one decides whether a pause is active. */
const PAUSE_STARTS = new Set<JournalEntry['action']>(['pause', 'observed-pause', 'stop']);
const PAUSE_ENDS = new Set<JournalEntry['action']>(['resume', 'auto-resume', 'observed-resume']);

/**
 * An append-only JSON-lines log of every pause and resume. Appends of one short line are atomic
 * on local file systems, so the agent and a CLI without an agent can both write to it.
 *
 * For backends that cannot store who paused, why and until when (ksqlDB), the journal is where
 * those details live: `latestPauseEvent` answers from an in-memory index of the latest
 * whole-resource pause or resume per resource. The index reads only the bytes appended since it
 * last looked (one `stat` when nothing changed), so lines appended by another process (a CLI
 * without the agent) are picked up, and it starts over if the file was truncated or replaced.
 */
export class Journal {
  private readonly latest = new Map<string, JournalEntry>();
  /** The latest `auto-resume-refused` per resource (whole-resource pauses). */
  private readonly refusals = new Map<string, JournalEntry>();
  private indexedBytes = 0;
  private indexedInode: number | null = null;
  /** A torn last line (another writer mid-append) waits here for the rest of its bytes. */
  private partial: Buffer = Buffer.alloc(0);
  private indexing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async append(entry: Omit<JournalEntry, 'at'> & { at?: string }): Promise<JournalEntry> {
    const full = JournalEntry.parse({ ...entry, at: entry.at ?? new Date().toISOString() });
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendLine(this.path, JSON.stringify(full));
    // Index our own line now (and anything others appended before it), in file order.
    await this.refreshIndex();
    return full;
  }

  /** Entries oldest first; a damaged line is skipped rather than hiding the rest of the history. */
  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return parseLines(text);
  }

  /**
   * The latest entry that started or ended a whole-resource pause of `resource`, or null if the
   * journal has none. It is an active pause when its action is `pause` or `observed-pause`.
   */
  async latestPauseEvent(resource: string): Promise<JournalEntry | null> {
    await this.refreshIndex();
    return this.latest.get(resource) ?? null;
  }

  /** Brings the index up to date (one `stat` when nothing was appended); then `indexed` answers without IO. */
  refresh(): Promise<void> {
    return this.refreshIndex();
  }

  /** `latestPauseEvent` as of the last refresh: for a listing of many resources, one refresh first. */
  indexed(resource: string): JournalEntry | null {
    return this.latest.get(resource) ?? null;
  }

  /** As of the last refresh: the latest refused auto-resume of `resource`'s whole-resource pause, if any. */
  indexedRefusal(resource: string): JournalEntry | null {
    return this.refusals.get(resource) ?? null;
  }

  /** As of the last refresh: every resource whose latest whole-resource event is a pause. */
  activePauses(): JournalEntry[] {
    return [...this.latest.values()].filter((entry) => PAUSE_STARTS.has(entry.action));
  }

  /** The active whole-resource pause of `resource` according to the journal, if any. */
  async activePause(resource: string): Promise<JournalEntry | null> {
    const entry = await this.latestPauseEvent(resource);
    return entry && PAUSE_STARTS.has(entry.action) ? entry : null;
  }

  private refreshIndex(): Promise<void> {
    this.indexing = this.indexing.then(() => this.readNewBytes()).catch(() => undefined);
    return this.indexing;
  }

  private async readNewBytes(): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.reset(null);
      return;
    }
    try {
      const stat = await handle.stat();
      if (stat.ino !== this.indexedInode || stat.size < this.indexedBytes) this.reset(stat.ino);
      if (stat.size === this.indexedBytes) return;
      const length = stat.size - this.indexedBytes;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.indexedBytes);
      this.indexedBytes += bytesRead;
      const bytes = Buffer.concat([this.partial, buffer.subarray(0, bytesRead)]);
      const complete = bytes.lastIndexOf(0x0a) + 1;
      this.partial = Buffer.from(bytes.subarray(complete));
      for (const entry of parseLines(bytes.subarray(0, complete).toString('utf8'))) this.index(entry);
    } finally {
      await handle.close();
    }
  }

  private reset(inode: number | null): void {
    this.latest.clear();
    this.refusals.clear();
    this.indexedBytes = 0;
    this.indexedInode = inode;
    this.partial = Buffer.alloc(0);
  }

  private index(entry: JournalEntry): void {
    if (entry.scope !== null) return;
    if (entry.action === 'auto-resume-refused') this.refusals.set(entry.resource, entry);
    if (PAUSE_STARTS.has(entry.action) || PAUSE_ENDS.has(entry.action)) this.latest.set(entry.resource, entry);
  }
}

/**
 * One `write` in append mode (atomic for a short line). A last line torn by a crash has no
 * newline; without one first, the new line would be glued to it and lost with it.
 */
async function appendLine(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await handle.read(last, 0, 1, size - 1);
    await handle.write(`${size > 0 && last[0] !== 0x0a ? '\n' : ''}${line}\n`);
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JournalEntry.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // a torn last line from a crash: ignore it
    }
  }
  return entries;
}
