import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Resource } from '../../protocol/resource';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { eventually } from '../support/waitFor';
import { listKeys } from '../support/bucket';
import { services } from '../support/sandboxFixture';
import { buquetSubmit, buquetWorker } from '../support/buquet';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

/** Writes a heartbeat as buquet 0.1.0 does (no `status`), last beating `ageMs` ago. */
async function writeBuquetHeartbeat(bucket: string, workerId: string, ageMs: number): Promise<void> {
  const client = sandboxS3Client(services().s3);
  const at = (ms: number) => new Date(Date.now() - ms).toISOString();
  const body = { worker_id: workerId, started_at: at(ageMs + 3_600_000), last_heartbeat: at(ageMs), shards: ['0'], current_task: null, tasks_completed: 0, tasks_failed: 0 };
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `workers/${workerId}.json`, Body: JSON.stringify(body) }));
  } finally {
    client.destroy();
  }
}

describe('status and workers against real buquet (PyPI)', function () {
  this.timeout(90_000);
  let bucket: string;
  let home: TestHome;
  const workers: ChildProcess[] = [];

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('buquet');
    home = await testHome([bucket]);
  });
  afterEach(() => {
    for (const worker of workers.splice(0)) worker.kill('SIGKILL');
  });

  const id = () => `local/${bucket}`;
  const status = async (): Promise<Resource> => JSON.parse((await cli(home, ['status', `local/${bucket}`, '--json'])).stdout) as Resource;

  it('counts the tasks buquet submitted and the workers buquet registered', async () => {
    const ids = await buquetSubmit(bucket, 7);
    assert.equal(ids.length, 7);
    const before = await status();
    assert.equal(before.backlog.pending, 7);
    assert.equal(before.backlog.inFlight, 0);
    assert.deepEqual(before.workers, []);
    assert.match((await cli(home, ['status', `local/${bucket}`])).stdout, /^Pending tasks: 7$/m);

    workers.push(buquetWorker(bucket, 'peer-1', 30), buquetWorker(bucket, 'peer-2', 30));
    const busy = await eventually(status, (r) => (r.workers ?? []).length === 2 && r.backlog.pending === 0 && r.backlog.inFlight === 0, 40_000, 'two workers that drained the queue');
    assert.deepEqual(busy.workers?.map((w) => [w.id, w.healthy]), [['peer-1', true], ['peer-2', true]]);
    const text = (await cli(home, ['status', `local/${bucket}`])).stdout;
    assert.match(text, /^Workers: 2 connected \(all unknown\)$/m);
    assert.match(text, /^Warning: 2 workers \(peer-1, peer-2\) do not honour the pause/m);
    assert.match(text, /^Pending tasks: 0$/m);
    const table = (await cli(home, ['workers', `local/${bucket}`])).stdout.split('\n');
    assert.match(table[0], /^WORKER\s+STATUS\s+CURRENT TASK\s+UPTIME$/);
    assert.match(table[1], /^peer-1\s+unknown\s+-\s+0m$/);
    assert.match(table[2], /^peer-2\s+unknown\s+-\s+0m$/);
  });

  it('shows a worker whose heartbeat stopped as stale', async () => {
    // buquet heartbeats every 10 s; 12 s without one means the worker is gone.
    const config = JSON.parse(readFileSync(home.paths.connections, 'utf8')) as { connections: object[] };
    home.writeConnections([{ ...config.connections[0], workerStaleSeconds: 12 }]);
    const worker = buquetWorker(bucket, 'gone-1', 60);
    workers.push(worker);
    const seen = await eventually(status, (r) => (r.workers ?? []).length === 1, 20_000, 'worker registered');
    assert.equal(seen.workers?.[0].healthy, true);
    worker.kill('SIGKILL'); // no clean exit, so its heartbeat object stays behind
    await eventually(status, (r) => r.workers?.[0]?.healthy === false, 30_000, 'worker shown stale');
    // S3 dates have 1 s resolution, so right at the threshold a reading may still say healthy.
    const text = await eventually(async () => (await cli(home, ['status', `local/${bucket}`])).stdout, (t) => /^Workers: 0 connected, 1 stale$/m.test(t), 3000, 'stale in status text');
    assert.match(text, /^Workers: 0 connected, 1 stale$/m);
    assert.match((await cli(home, ['workers', `local/${bucket}`])).stdout, /^gone-1\s+stale\s+/m);
  });

  it('warns on pause that a real buquet worker does not honour it, and that worker keeps running tasks while paused', async () => {
    await buquetSubmit(bucket, 6);
    workers.push(buquetWorker(bucket, 'peer-1', 60, { taskSeconds: 1 }));
    const registered = await eventually(status, (r) => (r.workers ?? []).length === 1 && r.backlog.inFlight === 1, 30_000, 'buquet worker running a task');
    assert.equal(registered.workers?.[0].honoursPause, false);
    assert.notEqual(registered.workers?.[0].status, 'idle', 'a worker running tasks is never shown idle');

    const paused = await cli(home, ['pause', id(), '--reason', 'deploy']);
    assert.equal(paused.code, 0);
    assert.match(paused.stdout, /^Warning: 1 worker \(peer-1\) does not honour the pause .*it keeps running tasks while paused/m);
    const pendingAtPause = (await status()).backlog.pending ?? 0;
    // The warning is true: buquet 0.1.0 drains the queue regardless of the pause.
    const drained = await eventually(status, (r) => (r.backlog.pending ?? 0) < pendingAtPause, 30_000, 'buquet claiming while paused');
    assert.equal(drained.state, 'paused');
    assert.match((await cli(home, ['status', id()])).stdout, /^Warning: 1 worker \(peer-1\) does not honour the pause/m);
    assert.match((await cli(home, ['workers', id()])).stdout, /^Warning: 1 worker \(peer-1\) does not honour the pause/m);
  });

  it('shows a long-silent worker as last seen, and stops listing a dead one while leaving its heartbeat in the bucket', async () => {
    await writeBuquetHeartbeat(bucket, 'silent-1', 5 * 60_000);
    await writeBuquetHeartbeat(bucket, 'dead-1', 2 * 3_600_000);
    const resource = await status();
    assert.deepEqual(resource.workers?.map((w) => [w.id, w.healthy]), [['silent-1', false]]);
    const table = (await cli(home, ['workers', id()])).stdout;
    assert.match(table, /^silent-1\s+stale\s+-\s+last seen 5m ago$/m);
    assert.doesNotMatch(table, /dead-1/);
    assert.doesNotMatch(table, /honour/, 'a stale worker runs nothing: no warning');
    assert.deepEqual(await listKeys(bucket, 'workers/'), ['workers/dead-1.json', 'workers/silent-1.json']);
  });
});
