import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Scope } from '../../protocol/resource';

export const JournalEntry = z.object({
  at: z.string(),
  action: z.enum(['pause', 'resume', 'auto-resume', 'auto-resume-skipped']),
  resource: z.string(),
  scope: Scope.nullable(),
  /** Who did this action (for a resume, not the same as who paused). */
  by: z.string(),
  pausedBy: z.string().nullable(),
  reason: z.string().nullable(),
  resumeAt: z.string().nullable(),
  version: z.string().nullable(),
  /** Who wrote the entry: the agent, or the CLI working without one. */
  via: z.enum(['agent', 'cli']),
  note: z.string().nullable(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * An append-only JSON-lines log of every pause and resume. Appends of one short line are atomic
 * on local file systems, so the agent and a CLI without an agent can both write to it.
 */
export class Journal {
  constructor(private readonly path: string) {}

  async append(entry: Omit<JournalEntry, 'at'> & { at?: string }): Promise<JournalEntry> {
    const full = JournalEntry.parse({ ...entry, at: entry.at ?? new Date().toISOString() });
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, `${JSON.stringify(full)}\n`, { mode: 0o600 });
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
}
