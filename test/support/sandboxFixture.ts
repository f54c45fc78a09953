import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDown, sandboxUp } from '../../sandbox/sandbox';
import { readServices, type Services } from '../../sandbox/services';

/**
 * Mocha global fixture: one real sandbox (moto with credential checks) for the whole run,
 * in a temporary directory, unless PIPELINE_PAUSE_SANDBOX names one that is already running.
 */
let ownedDir: string | null = null;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.PIPELINE_PAUSE_SANDBOX && readServices(process.env.PIPELINE_PAUSE_SANDBOX)) return;
  ownedDir = mkdtempSync(join(tmpdir(), 'pp-sandbox-'));
  process.env.PIPELINE_PAUSE_SANDBOX = ownedDir;
  await sandboxUp(ownedDir, (line) => console.log(`  ${line}`));
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (!ownedDir) return;
  await sandboxDown(ownedDir, () => undefined);
  rmSync(ownedDir, { recursive: true, force: true });
}

export function services(): Services {
  const dir = process.env.PIPELINE_PAUSE_SANDBOX;
  const found = dir ? readServices(dir) : null;
  if (!found) throw new Error('the sandbox fixture did not start; run the integration suite through `npm run test:integration`');
  return found;
}
