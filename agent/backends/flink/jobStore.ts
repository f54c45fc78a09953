import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomically } from '../stateFile';

const isoTime = z.iso.datetime({ offset: true });

/**
 * What Pipeline Pause knows of one Flink job that Flink itself forgets: the script it was
 * deployed from (to submit it again), and, while it is paused, the savepoint a resume restores.
 */
export const JobRecord = z.object({
  format: z.literal(1),
  /** The job's name in Flink (pipeline.name): what stays the same across stop and restore. */
  job: z.string(),
  script: z.string(),
  /** The job last submitted for it. */
  jobId: z.string().nullable(),
  /** A stop-with-savepoint asked for and not yet seen to finish: a later look completes the pause. */
  stopping: z.object({ jobId: z.string(), trigger: z.string() }).nullable(),
  /** Set while paused: where the resume restores from. */
  savepoint: z.string().nullable(),
  updatedAt: isoTime,
});
export type JobRecord = z.infer<typeof JobRecord>;

export interface StoredJobs {
  records: Map<string, JobRecord>;
  /** Files that could not be read, in words; the jobs behind them show as unknown. */
  problems: string[];
}

/**
 * One file per job under `<home>/flink/<connection>/`, written atomically, so the agent and a
 * CLI working without it each change one job's record without overwriting another's.
 */
export class FlinkJobStore {
  private readonly dir: string;

  constructor(home: string, connection: string) {
    this.dir = join(home, 'flink', connection);
  }

  async all(): Promise<StoredJobs> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((file) => file.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: new Map(), problems: [] };
      throw error;
    }
    const records = new Map<string, JobRecord>();
    const problems: string[] = [];
    await Promise.all(
      files.map(async (file) => {
        const path = join(this.dir, file);
        try {
          const record = JobRecord.parse(JSON.parse(await readFile(path, 'utf8')));
          records.set(record.job, record);
        } catch (error) {
          problems.push(`${path} cannot be read (${(error as Error).message.split('\n')[0]}); fix or remove it`);
        }
      }),
    );
    return { records, problems };
  }

  async get(job: string): Promise<JobRecord | null> {
    return (await this.all()).records.get(job) ?? null;
  }

  async put(record: Omit<JobRecord, 'format' | 'updatedAt'>): Promise<JobRecord> {
    const stored: JobRecord = { format: 1, ...record, updatedAt: new Date().toISOString() };
    await writeJsonAtomically(this.pathOf(record.job), stored);
    return stored;
  }

  /** Job names may hold any character; the file is named by a digest of it. */
  private pathOf(job: string): string {
    return join(this.dir, `${createHash('sha256').update(job).digest('hex').slice(0, 32)}.json`);
  }
}
