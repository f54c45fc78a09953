import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

/**
 * Who the person running this agent or CLI is, as pauses record it: $PIPELINE_PAUSE_USER when
 * set, else the git identity (user.email) a teammate would recognise in a shared tree, else the
 * OS user. Read once per process: git is asked at most once.
 */
let detected: string | undefined;

export function currentIdentity(): string {
  detected ??= detectIdentity();
  return detected;
}

export function detectIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return `user:${env.PIPELINE_PAUSE_USER?.trim() || gitEmail(env) || osUser()}`;
}

function gitEmail(env: NodeJS.ProcessEnv): string | null {
  try {
    return execFileSync('git', ['config', '--get', 'user.email'], { encoding: 'utf8', timeout: 2000, env, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null; // no git, or no user.email configured
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
