import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, PROJECT_ROOT } from './paths';

export interface PythonEnv {
  python: string;
  bin: string;
}

/**
 * A virtualenv with the pinned sandbox requirements, kept in the cache and keyed by the
 * requirements' content, so a fresh checkout reuses it and a changed pin rebuilds it.
 */
export function ensurePythonEnv(log: (line: string) => void = console.error): PythonEnv {
  const requirements = join(PROJECT_ROOT, 'sandbox', 'requirements.txt');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const venv = join(cacheDir(), `python-${digest}`);
  const bin = join(venv, 'bin');
  const python = join(bin, 'python');
  const marker = join(venv, '.installed');
  if (existsSync(marker)) return { python, bin };
  const system = process.env.PYTHON ?? 'python3';
  log(`sandbox: creating Python virtualenv ${venv} (moto, buquet)`);
  execFileSync(system, ['-m', 'venv', '--clear', venv], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { stdio: 'inherit' });
  writeFileSync(marker, new Date().toISOString());
  return { python, bin };
}
