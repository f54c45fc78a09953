import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

/** A lock older than this is taken as left by a process that died holding it. */
const STALE_LOCK_MS = 10_000;

/**
 * Writes JSON so that a reader (another process: the CLI beside the agent) sees the old file or
 * the new one, never half of one, and a crash loses at most this write (write-file-atomic: a
 * temporary file beside it, fsync, rename).
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Runs `work` holding a lock on `path` that other processes take too (the agent and a CLI beside
 * it), so a read-modify-write of a state file never loses a change another process made between
 * its read and its write. The file itself need not exist yet.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const release = await lock(path, { realpath: false, stale: STALE_LOCK_MS, retries: { retries: 100, factor: 1.2, minTimeout: 10, maxTimeout: 250 } }).catch((error: Error) => {
    throw new Error(`cannot lock ${path} (${error.message}); another Pipeline Pause process may be stuck holding ${path}.lock: remove it if none runs`);
  });
  try {
    return await work();
  } finally {
    await release().catch(() => undefined); // a lock taken over as stale is no longer ours to release
  }
}
