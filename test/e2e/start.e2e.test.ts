import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../sandbox/paths';
import { isAlive } from '../../sandbox/process';
import { readServices, type Services } from '../../sandbox/services';
import { openEditor, type Editor, type TreeView } from './harness';
import { waitUntil } from './harness/wait';
import { openPipelinesView, screenshotOnFailure } from './support/pipelinePauseUi';

/**
 * The README's main command as a new user runs it: ./scripts/start from a shell with nothing of
 * this test run set up, on a sandbox of its own. It prints the editor's URL; Chromium opens it and
 * sees the demo pipeline's rows with data flowing; the second-terminal commands of its banner
 * work as written; Ctrl-C (SIGINT to its process group, as a terminal sends it) stops everything
 * it started, the sandbox's services included.
 */
describe("the README's main command (./scripts/start) in the editor", function () {
  this.timeout(900_000);
  let dir: string;
  let script: ChildProcess | null = null;
  let output = '';
  let editor: Editor | undefined;
  let view: TreeView;
  let services: Services | null = null;

  /** The environment of a fresh shell: nothing of this test run's sandbox or AWS set-up. */
  const shellEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(AWS_|PIPELINE_PAUSE_|NODE_OPTIONS$)/.test(key) || key === 'PIPELINE_PAUSE_CACHE') env[key] = value;
    }
    return { ...env, PIPELINE_PAUSE_SANDBOX: dir };
  };
  /** What `source <sandbox>/env.sh` exports. */
  const sourced = (): NodeJS.ProcessEnv => {
    const exported = Object.fromEntries(
      readFileSync(join(dir, 'env.sh'), 'utf8')
        .split('\n')
        .map((line) => /^export ([A-Z_0-9]+)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    return { ...shellEnv(), ...exported };
  };
  const cliInSecondTerminal = async (...args: string[]) => {
    try {
      return (await promisify(execFile)('node', ['dist/cli.js', ...args], { cwd: PROJECT_ROOT, env: sourced() })).stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      throw new Error(`pipeline-pause ${args.join(' ')} exited ${failed.code}: ${failed.stderr ?? ''}${failed.stdout ?? ''}`);
    }
  };
  const scriptExited = () => new Promise<number | null>((resolve) => (script!.exitCode !== null ? resolve(script!.exitCode) : script!.once('exit', (code) => resolve(code))));

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'pp-start-'));
    // detached: its own process group, so the test can send Ctrl-C's SIGINT to all of it.
    script = spawn('bash', ['scripts/start'], { cwd: PROJECT_ROOT, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    script.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const printed = waitUntil('the URL ./scripts/start prints', async () => /Open the editor:\s+(http:\/\/127\.0\.0\.1:\d+\S*)/.exec(output)?.[1], async () => output.slice(-3000), 780_000, 500);
    const exitedEarly = scriptExited().then((code) => Promise.reject(new Error(`./scripts/start exited ${code} before printing its URL:\n${output.slice(-5000)}`)));
    const url = await Promise.race([printed, exitedEarly]);
    services = readServices(dir);
    editor = await openEditor(url);
    view = await openPipelinesView(editor.workbench);
  });

  after(async () => {
    await editor?.close();
    if (script && script.exitCode === null && script.pid) {
      process.kill(-script.pid, 'SIGINT');
      await Promise.race([scriptExited(), new Promise((resolve) => setTimeout(resolve, 60_000))]);
    }
    if (readServices(dir)) await promisify(execFile)('npx', ['tsx', 'sandbox/cli.ts', 'down'], { cwd: PROJECT_ROOT, env: shellEnv() }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  screenshotOnFailure('start', () => editor?.workbench);

  it('opens the printed URL on the demo pipeline: every backend in the tree, running, with data flowing', async () => {
    for (const connection of ['sandbox', 'connect', 'flink', 'querator']) await view.waitForDescription(connection, 'ok', 120_000);
    for (const row of ['demo-queue', 'demo-orders-sink', 'demo-clicks-source', 'demo_orders', 'demo-jobs']) await view.waitForDescription(row, /^running/, 120_000);
    await editor!.workbench.screenshot('start-01-demo-pipeline');

    const ordersOut = join(dir, 'demo', 'orders.out');
    const lines = () => (existsSync(ordersOut) ? readFileSync(ordersOut, 'utf8').split('\n').filter(Boolean).length : 0);
    const first = await waitUntil('Flink orders to reach the sink file', async () => lines() || undefined, async () => `${lines()} lines`, 120_000, 500);
    await waitUntil('more orders to arrive', async () => (lines() > first ? true : undefined), async () => `${lines()} lines, had ${first}`, 60_000, 500);
    const status = await cliInSecondTerminal('status', 'sandbox/demo-queue');
    assert.match(status, /^Workers: 2 connected/m, status);
  });

  it("the banner's second-terminal commands work as written", async () => {
    assert.match(output, new RegExp(`source ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/env\\.sh`), 'the banner names the env file it wrote');
    const listed = await cliInSecondTerminal('list');
    for (const id of ['sandbox/demo-queue', 'connect/demo-orders-sink', 'connect/demo-clicks-source', 'flink/demo_orders', 'querator/demo-jobs']) assert.match(listed, new RegExp(`^${id}\\s`, 'm'), listed);
    assert.match(await cliInSecondTerminal('pause', 'sandbox/demo-queue', '--reason', 'Deploying v2', '--resume-after', '30m'), /^Paused sandbox\/demo-queue$/m);
    await view.waitForDescription('demo-queue', /^paused/, 30_000);
    await editor!.workbench.screenshot('start-02-paused-from-the-cli');
    assert.match(await cliInSecondTerminal('resume', 'sandbox/demo-queue', '--force'), /^Resumed sandbox\/demo-queue; now running$/m);
    await view.waitForDescription('demo-queue', /^running/, 30_000);
  });

  it('Ctrl-C stops the editor, the agent, the demo and the sandbox it started', async () => {
    assert.ok(services, 'services.json was written');
    const agentPid = (JSON.parse(readFileSync(join(dir, 'home', 'agent.json'), 'utf8')) as { pid: number }).pid;
    const pids = [agentPid, services.s3.pid, services.kafka!.pid, services.connect!.pid, services.querator!.pid, services.flink!.jobManagerPid, services.flink!.taskManagerPid, services.flink!.gatewayPid];
    await editor!.close();
    editor = undefined;
    process.kill(-script!.pid!, 'SIGINT');
    assert.equal(await scriptExited(), 0, output.slice(-3000));
    assert.match(output, /stopping the editor, the demo traffic and the agent and the sandbox/);
    assert.deepEqual(pids.filter(isAlive), [], 'every process it started has exited');
    assert.equal(readServices(dir), null, 'the sandbox is down');
  });
});
