import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { encodePauseState } from '../../buquet/controlObject';
import { GLOBAL_PAUSE_KEY, taskKey } from '../../buquet/layout';
import { PROJECT_ROOT } from '../../sandbox/paths';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { awsEnvironment } from '../../sandbox/services';
import type { QueueWorker, WorkerOptions } from '../../worker';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { memoryLog, sandboxQueue, sandboxWorker } from '../support/nodeWorkers';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';
import { setTimeout as sleep } from 'node:timers/promises';

const TTL_MS = 300;

describe('Node worker honours the pause (seed 003, real S3 server)', function () {
  this.timeout(60_000);
  let bucket: string;
  let home: TestHome;
  let log: ReturnType<typeof memoryLog>;
  let worker: QueueWorker;
  let running: Promise<void> | null;
  let claims: string[];

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('wpause');
    home = await testHome([bucket]);
    log = memoryLog();
    claims = [];
    running = null;
    worker = newWorker();
  });
  afterEach(async () => {
    worker.stop();
    await running;
  });

  const newWorker = (options: Partial<WorkerOptions> = {}) => {
    const created = sandboxWorker(bucket, { workerId: 'node-w', pauseCacheTtlMs: TTL_MS, pollIntervalMs: 100, log, ...options });
    created.on('claimed', (task) => claims.push(task.id));
    return created;
  };
  const said = (pattern: RegExp) => log.lines.filter((l) => pattern.test(l.message)).length;
  const taskStatus = async (id: string) => JSON.parse((await readKey(bucket, taskKey(id[0], id))) ?? '{}').status as string;
  const submit = async (count: number, type = 'echo') => {
    const queue = sandboxQueue(bucket);
    const tasks = await Promise.all(Array.from({ length: count }, (_, n) => queue.submit(type, { n })));
    queue.close();
    return tasks.map((t) => t.id);
  };
  const pauseCli = async (...args: string[]) => assert.equal((await cli(home, ['pause', `local/${bucket}`, ...args])).code, 0);

  it('claims nothing while paused, says "Queue paused, waiting..." once per pause, shows paused in its heartbeat, and resumes', async () => {
    worker.handle('echo', () => 'ok');
    running = worker.run();
    await pauseCli('--reason', 'Deploying v2');
    await eventually(async () => worker.status, (s) => s === 'paused', 5000, 'worker paused');
    const ids = await submit(3);
    await sleep(8 * TTL_MS);
    assert.deepEqual(claims, []);
    assert.deepEqual(await Promise.all(ids.map(taskStatus)), ['pending', 'pending', 'pending']);
    assert.equal(said(/^Queue paused, waiting\.\.\.$/), 1, 'once per pause, not once per poll');
    const control = JSON.parse((await readKey(bucket, GLOBAL_PAUSE_KEY)) ?? '{}');
    assert.deepEqual(log.lines.find((l) => l.message.startsWith('Queue paused'))?.fields, { reason: 'Deploying v2', pausedBy: control.paused_by, resumeAt: null, error: null });
    assert.equal(JSON.parse((await readKey(bucket, 'workers/node-w.json')) ?? '{}').status, 'paused');
    assert.match((await cli(home, ['workers', `local/${bucket}`])).stdout, /^node-w\s+paused\s+-\s+0m$/m);

    assert.equal((await cli(home, ['resume', `local/${bucket}`])).code, 0);
    await eventually(() => Promise.all(ids.map(taskStatus)), (s) => s.every((x) => x === 'completed'), 10_000, 'backlog done after resume');
    assert.equal(said(/^Queue resumed$/), 1);
    await pauseCli('--reason', 'second');
    await eventually(async () => said(/^Queue paused, waiting\.\.\.$/), (n) => n === 2, 5000, 'a new pause is announced again');
  });

  it('costs one conditional GET per TTL while paused, each a 304 from the server: no listing, no claiming', async () => {
    worker.handle('echo', () => 'ok');
    running = worker.run();
    await pauseCli();
    await eventually(async () => worker.status, (s) => s === 'paused', 5000, 'paused');
    await sleep(TTL_MS);
    const before = worker.requestCounts();
    await sleep(3000);
    const after = worker.requestCounts();
    const sent = Object.fromEntries(Object.entries(after).map(([command, n]) => [command, n - (before[command] ?? 0)]).filter(([, n]) => (n as number) > 0));
    const gets = sent.GetObjectCommand ?? 0;
    assert.ok(gets >= 3000 / TTL_MS - 2 && gets <= 3000 / TTL_MS + 1, `one read of the pause per ${TTL_MS} ms TTL, got ${gets} in 3 s`);
    assert.deepEqual(Object.keys(sent).filter((c) => c !== 'GetObjectCommand' && c !== 'PutObjectCommand'), [], 'nothing but pause reads and heartbeats');
    assert.ok((sent.PutObjectCommand ?? 0) <= 1, 'a heartbeat every 10 s at most');
    worker.stop();
    await running;
    // The server's own access log: after the worker's one full read of the new pause (the CLI reads it too), only 304s.
    const reads = readFileSync(services().s3.logFile, 'utf8').split('\n').filter((l) => l.includes(`GET /${bucket}/${GLOBAL_PAUSE_KEY}`)).map((l) => / (\d{3}) -$/.exec(l)?.[1]);
    const afterPause = reads.slice(reads.lastIndexOf('200') + 1);
    assert.ok(afterPause.length >= gets, `${afterPause.length} reads logged`);
    assert.deepEqual([...new Set(afterPause)], ['304']);
  });

  it('shows busy with its task while one runs, lets it finish when a pause arrives, then claims no more', async () => {
    worker = newWorker({ heartbeatIntervalMs: 200 });
    let release: () => void = () => undefined;
    const finished: string[] = [];
    worker.handle('echo', async (_input, task) => {
      await new Promise<void>((resolve) => (release = resolve));
      finished.push(task.id);
    });
    running = worker.run();
    const ids = await submit(3);
    await eventually(async () => claims.length, (n) => n === 1, 10_000, 'first claim');
    const heartbeat = async () => JSON.parse((await readKey(bucket, 'workers/node-w.json')) ?? '{}');
    await eventually(heartbeat, (h) => h.status === 'busy' && h.current_task === claims[0], 5000, 'busy with the task in the heartbeat');
    assert.match((await cli(home, ['workers', `local/${bucket}`])).stdout, new RegExp(`^node-w\\s+busy\\s+${claims[0].slice(0, 8)}`, 'm'));
    await pauseCli();
    await sleep(2 * TTL_MS);
    release();
    await eventually(async () => worker.status, (s) => s === 'paused', 5000, 'paused after the running task');
    assert.deepEqual(finished, claims);
    assert.equal(await taskStatus(claims[0]), 'completed');
    await sleep(4 * TTL_MS);
    assert.equal(claims.length, 1, 'nothing claimed after the pause was seen');
    assert.equal((await Promise.all(ids.map(taskStatus))).filter((s) => s === 'pending').length, 2);
  });

  it('auto-resumes a pause whose resume_at passed while no worker ran, and removes it by If-Match', async () => {
    const client = sandboxS3Client(services().s3);
    const overdue = encodePauseState({ pausedAt: new Date(Date.now() - 120_000), pausedBy: 'ops', reason: 'night', resumeAt: new Date(Date.now() - 60_000) });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: GLOBAL_PAUSE_KEY, Body: overdue }));
    client.destroy();
    const ids = await submit(2);
    worker.handle('echo', () => 'ok');
    running = worker.run();
    await eventually(() => Promise.all(ids.map(taskStatus)), (s) => s.every((x) => x === 'completed'), 10_000, 'tasks done after the auto-resume');
    assert.equal(await readKey(bucket, GLOBAL_PAUSE_KEY), null);
    const resumeAt = new Date(JSON.parse(overdue).resume_at).toISOString();
    assert.deepEqual(log.lines.find((l) => l.message === 'Auto-resume time reached for queue')?.fields, { resumeAt, removed: true });
  });

  it('auto-resumes on the server clock while running, but never removes a newer pause that replaced the timed one', async () => {
    worker.handle('echo', () => 'ok');
    running = worker.run();
    await pauseCli('--resume-after', '2s');
    await eventually(async () => worker.status, (s) => s === 'paused', 5000, 'paused');
    await eventually(async () => readKey(bucket, GLOBAL_PAUSE_KEY), (body) => body === null, 6000, 'the worker removed the due pause');
    await eventually(async () => worker.status, (s) => s === 'idle', 5000, 'running again');

    await pauseCli('--resume-after', '2s', '--reason', 'timed');
    await eventually(async () => worker.status, (s) => s === 'paused', 5000, 'paused again');
    await pauseCli('--force', '--reason', 'newer, manual');
    await sleep(3500);
    assert.equal(JSON.parse((await readKey(bucket, GLOBAL_PAUSE_KEY)) ?? '{}').reason, 'newer, manual');
    assert.equal(worker.status, 'paused');
  });

  it('exits cleanly on SIGTERM while paused: exit code 0, registration removed', async () => {
    const s3 = services().s3;
    await pauseCli();
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'test/support/workerProcess.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...awsEnvironment(s3), BUCKET: bucket, S3_ENDPOINT: s3.endpoint, WORKER_ID: 'proc-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await eventually(async () => output, (text) => text.includes('Queue paused, waiting...'), 20_000, 'the worker process paused');
    assert.equal(JSON.parse((await readKey(bucket, 'workers/proc-1.json')) ?? '{}').status, 'paused');
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.ok(Date.now() - signalledAt < 3000, 'no task to wait for, so it leaves at once');
    assert.equal(await readKey(bucket, 'workers/proc-1.json'), null);
    assert.match(output, /Worker stopped/);
  });
});
