import { join } from 'node:path';
import { startCodeServer as launchCodeServer, type CodeServer, type StartCodeServerOptions } from '../../../sandbox/codeServer';
import { artifactsDir } from './paths';

export type { CodeServer };

/** code-server as the tests start it: its logs land in test-artifacts/e2e/logs/ unless told otherwise. */
export function startCodeServer(opts: Omit<StartCodeServerOptions, 'logDir'> & { logDir?: string }): Promise<CodeServer> {
  return launchCodeServer({ ...opts, logDir: opts.logDir ?? join(artifactsDir(), 'logs') });
}
