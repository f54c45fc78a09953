import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { createStore } from '../../buquet/client';
import { taskKey } from '../../buquet/layout';
import { updateTask } from '../../buquet/taskStore';
import { claim } from '../../buquet/transitions';
import { PermanentError, RetryableError, type QueueWorker } from '../../worker';
import { eventually } from '../support/waitFor';
import { listKeys, readKey } from '../support/bucket';
import { buquetSubmit, buquetWorker } from '../support/buquet';
import { freePort } from '../../sandbox/process';
import { memoryLog, sandboxQueue, sandboxWorker } from '../support/nodeWorkers';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

type StoredTask = Record<string, unknown> & { status: string; output: unknown; attempt: number; retry_count: number; last_error: string | null };

async function readTask(bucket: string, id: string): Promise<StoredTask> {
  return JSON.parse((await readKey(bucket, taskKey(id[0], id))) ?? 'null') as StoredTask;
}

async function settled(bucket: string, ids: string[], status = ['completed', 'failed']): Promise<StoredTask[]> {
  return eventually(() => Promise.all(ids.map((id) => readTask(bucket, id))), (tasks) => tasks.every((t) => status.includes(t.status)), 30_000, `tasks ${status.join('/')}`);
}

describe('Node worker and real buquet (PyPI) on one queue', function () {
  this.timeout(60_000);
  let bucket: string;
  let home: TestHome;
  let worker: QueueWorker | null = null;
  let running: Promise<void> | null = null;
  const children: ChildProcess[] = [];

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('interop');
    home = await testHome([bucket]);
  });
  afterEach(async () => {
    worker?.stop();
    await running;
    worker = running = null;
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  const start = (w: QueueWorker) => {
    worker = w;
    running = w.run();
  };

  it('claims and completes tasks submitted by buquet, leaving buquet\'s layout behind, and registers where the agent reads workers', async () => {
    const ids = await buquetSubmit(bucket, 6);
    const handled: number[] = [];
    start(sandboxWorker(bucket, { workerId: 'node-1', pollIntervalMs: 200 }).handle('echo', (input) => {
      handled.push((input as { n: number }).n);
      return { by: 'node', n: (input as { n: number }).n };
    }));
    const tasks = await settled(bucket, ids);
    assert.deepEqual([...handled].sort(), [0, 1, 2, 3, 4, 5]);
    for (const task of tasks) {
      assert.equal(task.status, 'completed');
      assert.deepEqual(task.output, { by: 'node', n: (task.input as { n: number }).n });
      assert.equal(task.attempt, 1);
      assert.deepEqual([task.worker_id, task.lease_id, task.lease_expires_at], [null, null, null]);
      assert.ok(Date.parse(task.completed_at as string) >= Date.parse(task.created_at as string));
    }
    assert.deepEqual(await listKeys(bucket, 'ready/'), []);
    assert.deepEqual(await listKeys(bucket, 'leases/'), []);

    const heartbeat = JSON.parse((await readKey(bucket, 'workers/node-1.json')) ?? '{}');
    assert.deepEqual(Object.keys(heartbeat), ['worker_id', 'started_at', 'last_heartbeat', 'shards', 'current_task', 'tasks_completed', 'tasks_failed', 'status']);
    assert.equal(heartbeat.shards.length, 16);
    assert.match((await cli(home, ['workers', `local/${bucket}`])).stdout, /^node-1\s+idle\s+-\s+0m$/m);

    worker?.stop();
    await running;
    assert.equal(await readKey(bucket, 'workers/node-1.json'), null, 'a clean exit deregisters, as buquet does');
  });

  it('submits tasks that a real buquet.Worker claims and completes, in buquet\'s own task format', async () => {
    const queue = sandboxQueue(bucket);
    const submitted = await Promise.all([0, 1, 2, 3, 4].map((n) => queue.submit('echo', { n })));
    queue.close();
    const [reference] = await buquetSubmit(bucket, 1, 'not-handled');
    assert.deepEqual(Object.keys(await readTask(bucket, submitted[0].id)), Object.keys(await readTask(bucket, reference)));
    assert.equal((await listKeys(bucket, 'ready/')).length, 6);

    children.push(buquetWorker(bucket, 'peer-py', 40));
    const tasks = await settled(bucket, submitted.map((t) => t.id));
    for (const task of tasks) {
      assert.equal(task.status, 'completed');
      assert.deepEqual(task.output, { ok: true }, 'the output of the buquet handler in sandbox/buquet_driver.py');
      assert.equal(task.attempt, 1);
    }
    assert.equal((await readTask(bucket, reference)).status, 'pending', 'buquet leaves types it has no handler for');
  });

  it('shares one queue with a buquet.Worker: every task claimed once, by one or the other', async () => {
    const ids = await buquetSubmit(bucket, 30);
    children.push(buquetWorker(bucket, 'peer-py', 40, { taskSeconds: 0.05 }));
    await eventually(() => readKey(bucket, 'workers/peer-py.json'), (body) => body !== null, 20_000, 'buquet worker registered');
    const runs = new Map<string, number>();
    const node = sandboxWorker(bucket, { pollIntervalMs: 100 }).handle('echo', async (_input, task) => {
      runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { by: 'node' };
    });
    start(node);
    const tasks = await settled(bucket, ids);
    assert.deepEqual(tasks.filter((t) => t.status !== 'completed' || t.attempt !== 1).map((t) => t.id), []);
    const byNode = tasks.filter((t) => (t.output as { by?: string }).by === 'node');
    assert.deepEqual(byNode.map((t) => t.id).sort(), [...runs.keys()].sort(), 'the Node worker ran exactly the tasks it completed');
    assert.deepEqual([...runs.values()].filter((n) => n !== 1), []);
    assert.equal(tasks.length - byNode.length, tasks.filter((t) => (t.output as { ok?: boolean }).ok === true).length, 'buquet completed the rest');
    assert.ok(byNode.length > 0 && byNode.length < tasks.length, `both took a share (node ${byNode.length} of ${tasks.length})`);
  });

  it('retries a RetryableError with buquet\'s backoff and fails anything else, as buquet\'s Python worker does', async () => {
    const queue = sandboxQueue(bucket);
    const retryPolicy = { initial_interval_ms: 200, max_interval_ms: 1000, multiplier: 2, jitter_percent: 0 };
    const flaky = await queue.submit('flaky', {}, { retryPolicy });
    const exhausted = await queue.submit('always-retry', {}, { retryPolicy, maxRetries: 1 });
    const permanent = await queue.submit('permanent', {});
    const crashing = await queue.submit('crashing', {});
    queue.close();
    let flakyCalls = 0;
    start(
      sandboxWorker(bucket, { pollIntervalMs: 100 })
        .handle('flaky', () => {
          if (++flakyCalls === 1) throw new RetryableError('smtp busy');
          return 'sent';
        })
        .handle('always-retry', () => {
          throw new RetryableError('still down');
        })
        .handle('permanent', () => {
          throw new PermanentError('bad address');
        })
        .handle('crashing', () => {
          throw new TypeError('undefined is not a function');
        }),
    );
    const [f, e, p, c] = await settled(bucket, [flaky.id, exhausted.id, permanent.id, crashing.id]);
    assert.deepEqual([f.status, f.attempt, f.retry_count, f.last_error, f.output], ['completed', 2, 1, 'RetryableError: smtp busy', 'sent']);
    assert.deepEqual([e.status, e.attempt, e.retry_count, e.last_error], ['failed', 2, 1, 'RetryableError: still down']);
    assert.deepEqual([p.status, p.attempt, p.last_error], ['failed', 1, 'PermanentError: bad address']);
    assert.deepEqual([c.status, c.attempt, c.last_error], ['failed', 1, 'TypeError: undefined is not a function']);
    assert.deepEqual(await listKeys(bucket, 'ready/'), []);
  });

  it('fails to start with one readable line when S3 cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const log = memoryLog();
    const unreachable = sandboxWorker(bucket, { endpoint, log }).handle('echo', () => 'ok');
    await assert.rejects(unreachable.run(), new RegExp(`^PauseError: cannot reach S3 at ${endpoint} \\(ECONNREFUSED\\); is the server running\\?$`));
  });

  it('requeues a task whose lease expired on the server clock (its worker died) and runs it again', async () => {
    const queue = sandboxQueue(bucket);
    const task = await queue.submit('echo', { n: 1 }, { timeoutSeconds: 1, retryPolicy: { initial_interval_ms: 100, max_interval_ms: 100, multiplier: 1, jitter_percent: 0 } });
    queue.close();
    const s3 = services().s3;
    const ghost = createStore({ endpoint: s3.endpoint, profile: s3.profile });
    // Clients' server-clock estimates differ by up to a second (S3 dates have 1 s resolution), so a
    // just-submitted task can look not yet due to another client: poll for it, as a worker does.
    const ghostClaim = () => updateTask(ghost, bucket, task, (t, now) => claim(t, now, 'ghost-worker'));
    assert.ok(await eventually(ghostClaim, (claimed) => claimed !== null, 5000, 'a worker that then dies claiming it'));
    ghost.s3.destroy();
    assert.equal((await listKeys(bucket, 'leases/')).length, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    start(sandboxWorker(bucket, { pollIntervalMs: 100, leaseCheckIntervalMs: 200 }).handle('echo', () => 'again'));
    const [done] = await settled(bucket, [task.id], ['completed']);
    assert.deepEqual([done.attempt, done.retry_count, done.last_error, done.output], [2, 1, 'Timeout - task exceeded lease duration', 'again']);
    assert.deepEqual(await listKeys(bucket, 'leases/'), []);
  });
});
