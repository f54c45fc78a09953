import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..');

/** Per-checkout state of a running sandbox (pids, ports, logs). */
export function sandboxDir(): string {
  return process.env.PIPELINE_PAUSE_SANDBOX ?? join(PROJECT_ROOT, '.sandbox');
}

/** Downloads and built environments kept across checkouts, where the machine keeps caches. */
export function cacheDir(): string {
  return process.env.PIPELINE_PAUSE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pipeline-pause');
}
