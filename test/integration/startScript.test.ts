import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../sandbox/paths';

import { eventually } from '../support/bucket';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The README's first command, as a user runs it: ./scripts/start sets everything up, starts its
 * own sandbox and leaves the agent running; the README's second-terminal commands then work
 * against it as written. Run twice over the same sandbox, as a user restarting it would.
 */
describe("the README's main command (./scripts/start)", function () {
  this.timeout(180_000);
  let dir: string;
  let script: ChildProcess | null = null;
  let output = '';

  /** The environment of a fresh shell: nothing of this test run's sandbox or AWS set-up. */
  const shellEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(AWS_|PIPELINE_PAUSE_)/.test(key) || key === 'PIPELINE_PAUSE_CACHE') env[key] = value;
    }
    return { ...env, PIPELINE_PAUSE_SANDBOX: dir };
  };
  /** What `source <sandbox>/env.sh` exports. */
  const sourced = (): NodeJS.ProcessEnv => {
    const exported = Object.fromEntries(
      readFileSync(join(dir, 'env.sh'), 'utf8')
        .split('\n')
        .map((line) => /^export ([A-Z_]+)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    return { ...shellEnv(), ...exported };
  };
  const cliInSecondTerminal = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)('node', ['dist/cli.js', ...args], { cwd: PROJECT_ROOT, env: sourced() });
      return stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      throw new Error(`pipeline-pause ${args.join(' ')} exited ${failed.code}: ${failed.stderr ?? ''}${failed.stdout ?? ''}`);
    }
  };

  async function start(): Promise<void> {
    output = '';
    script = spawn('bash', ['scripts/start'], { cwd: PROJECT_ROOT, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      async () => ({ listening: output.includes('agent listening on 127.0.0.1'), exited: script?.exitCode }),
      (s) => s.listening || s.exited !== null,
      150_000,
      'the agent started by ./scripts/start to listen',
    );
    assert.equal(script.exitCode, null, `./scripts/start exited early:\n${output}`);
  }

  async function stopAgent(): Promise<void> {
    if (!script || script.exitCode !== null) return;
    const exited = new Promise((resolve) => script!.once('exit', resolve));
    script.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-start-'));
  });
  after(async () => {
    await stopAgent();
    if (existsSync(join(dir, 'services.json'))) {
      await promisify(execFile)('npx', ['tsx', 'sandbox/cli.ts', 'down'], { cwd: PROJECT_ROOT, env: shellEnv() }).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves an agent running on a sandbox with 25 demo tasks, and the second-terminal commands work as written', async () => {
    await start();
    assert.match(output, /sandbox: buquet submitted 25 demo tasks to demo-queue/);
    assert.match(output, new RegExp(`source ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/env\\.sh`), 'the hint names the env file it wrote');

    assert.match(await cliInSecondTerminal('list'), /^sandbox\/demo-queue\s+s3-queue\s+RUNNING\s+25 pending$/m);
    const paused = await cliInSecondTerminal('pause', 'sandbox/demo-queue', '--reason', 'Deploying v2', '--resume-after', '30m');
    assert.match(paused, /^Paused sandbox\/demo-queue$/m);
    const status = await cliInSecondTerminal('status', 'sandbox/demo-queue');
    for (const line of [/^Queue: sandbox\/demo-queue$/m, /^Status: PAUSED$/m, /^Reason: Deploying v2$/m, /^Auto-resume: in (29|30) minutes /m, /^Pending tasks: 25$/m]) {
      assert.match(status, line);
    }
    const journal = readFileSync(join(dir, 'home', 'journal.jsonl'), 'utf8').trim().split('\n');
    assert.equal(JSON.parse(journal.at(-1)!).via, 'agent', 'the CLI went through the agent the script started');
    assert.match(await cliInSecondTerminal('resume', 'sandbox/demo-queue', '--force'), /^Resumed sandbox\/demo-queue; now running$/m);
  });

  it('started again over the same sandbox, reuses it and tops the queue up rather than adding 25 more', async () => {
    await stopAgent();
    await start();
    assert.match(output, /sandbox: already running/);
    assert.match(output, /sandbox: demo-queue already has 25 or more pending tasks/);
    assert.match(await cliInSecondTerminal('list'), /^sandbox\/demo-queue\s+s3-queue\s+RUNNING\s+25 pending$/m);
  });
});
