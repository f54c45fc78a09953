import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import type { AgentPaths } from '../../protocol/paths';
import type { LaunchedAgent } from './agentLifecycle';

/** The detached agent leaves this long after the last editor closed, unless an auto-resume or gateway needs it. */
export const IDLE_EXIT = '10m';

/**
 * Starts `<cli> --home <home> agent --log-file <home>/agent.log --exit-when-idle 10m` detached,
 * so the agent (which runs scheduled resumes) outlives this editor window but not by much. `command` is the editor's own runtime
 * (process.execPath, with ELECTRON_RUN_AS_NODE so Electron behaves as Node); `args` leads with
 * the CLI script. stderr goes to the same log, so an early failure is explained there too.
 */
export function launchAgent(options: { command: string; args: string[]; paths: AgentPaths }): LaunchedAgent {
  const { paths } = options;
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const log = openSync(paths.log, 'a');
  try {
    const child = spawn(options.command, [...options.args, '--home', paths.home, 'agent', '--log-file', paths.log, '--exit-when-idle', IDLE_EXIT], {
      detached: true,
      stdio: ['ignore', 'ignore', log],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    child.unref();
    return { pid: child.pid, exited };
  } finally {
    closeSync(log);
  }
}
