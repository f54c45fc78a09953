import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Resource } from '../../protocol/resource';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { eventually, listKeys } from '../support/bucket';
import { buquetSubmit, buquetWorker } from '../support/buquet';
import { services } from '../support/sandboxFixture';
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

describe('buquet 0.1.0 workers: shown as they are', function () {
  this.timeout(90_000);
  let bucket: string;
  let home: TestHome;
  const workers: ChildProcess[] = [];

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('bqworkers');
    home = await testHome([bucket]);
  });
  afterEach(() => {
    for (const worker of workers.splice(0)) worker.kill('SIGKILL');
  });

  const id = () => `local/${bucket}`;
  const status = async (): Promise<Resource> => JSON.parse((await cli(home, ['status', id(), '--json'])).stdout) as Resource;

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
