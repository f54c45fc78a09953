import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { cacheDir, PROJECT_ROOT } from './paths';

export interface PythonEnv {
  python: string;
  bin: string;
}

/**
 * A virtualenv with the pinned sandbox requirements, kept in the cache and keyed by the
 * requirements' content, so a fresh checkout reuses it and a changed pin rebuilds it. Building
 * holds a lock: a second sandbox starting meanwhile (a test run beside a bench) would otherwise
 * `venv --clear` it under the first one's moto, which then runs half-installed.
 */
export async function ensurePythonEnv(log: (line: string) => void = console.error): Promise<PythonEnv> {
  const requirements = join(PROJECT_ROOT, 'sandbox', 'requirements.txt');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(cacheDir(), `python-${digest}`);
  const bin = join(venv, 'bin');
  const python = join(bin, 'python');
  const marker = join(venv, '.installed');
  if (existsSync(marker)) return { python, bin };
  mkdirSync(cacheDir(), { recursive: true });
  const release = await lock(venv, { realpath: false, stale: 60_000, update: 10_000, retries: { retries: 600, factor: 1, minTimeout: 1000, maxTimeout: 1000 } });
  try {
    if (existsSync(marker)) return { python, bin }; // built while this one waited
    const system = process.env.PYTHON ?? 'python3';
    log(`sandbox: creating Python virtualenv ${venv} (moto, buquet)`);
    execFileSync(system, ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { stdio: 'inherit' });
    writeFileSync(marker, new Date().toISOString());
    return { python, bin };
  } finally {
    await release();
  }
}
