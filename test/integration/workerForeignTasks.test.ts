import { strict as assert } from 'node:assert';
import { CountingProxy } from '../../bench/support/countingProxy';
import { byTaskRead, READY_LIST, taskReadClass } from '../../bench/support/taskReads';
import { createQueueBucket } from '../../sandbox/s3Server';
import type { QueueWorker } from '../../worker';
import { eventually } from '../support/waitFor';
import { sandboxQueue, sandboxWorker } from '../support/nodeWorkers';
import { services } from '../support/sandboxFixture';
import { uniqueBucket, useAwsProfiles } from '../support/testEnv';

const FOREIGN = 50;

describe('Node worker remembers tasks of types it does not handle (real S3 server)', function () {
  this.timeout(60_000);
  let proxy: CountingProxy;
  let worker: QueueWorker | null = null;
  let running: Promise<void> | null = null;

  before(async () => {
    useAwsProfiles();
    proxy = await CountingProxy.start(services().s3.endpoint, byTaskRead);
  });
  afterEach(async () => {
    worker?.stop();
    await running;
  });
  after(() => proxy.close());

  const count = (what: string) => proxy.counts()[what]?.requests ?? 0;
  const reads = (ids: string[]) => ids.map((id) => count(taskReadClass(id)));

  it(`reads ${FOREIGN} pending tasks of another type once, then polls without a GET of them, and still runs a task of its own type added later`, async () => {
    const bucket = uniqueBucket('wforeign');
    await createQueueBucket(services().s3, bucket);
    const queue = sandboxQueue(bucket);
    const foreign = (await Promise.all(Array.from({ length: FOREIGN }, (_, n) => queue.submit('b', { n })))).map((task) => task.id);

    proxy.reset();
    worker = sandboxWorker(bucket, { endpoint: proxy.url, pollIntervalMs: 50, pauseCacheTtlMs: 60_000 });
    const finished: string[] = [];
    worker.on('task-finished', (task, outcome) => finished.push(`${task.task_type}:${outcome}`));
    worker.handle('a', (input) => input);
    running = worker.run();

    await eventually(async () => reads(foreign), (n) => n.every((x) => x > 0), 20_000, 'the first poll read every foreign task');
    const listedAfterFirst = count(READY_LIST);
    await eventually(async () => count(READY_LIST), (n) => n >= listedAfterFirst + 10, 20_000, 'ten more polls');
    assert.deepEqual(reads(foreign), foreign.map(() => 1), 'later polls skip the remembered tasks');

    const own = await queue.submit('a', { hello: 'world' });
    queue.close();
    await eventually(async () => finished, (done) => done.includes('a:completed'), 20_000, 'the task of type a ran');
    assert.ok(count(taskReadClass(own.id)) >= 2, 'claimed and completed, each after a read');
    assert.deepEqual(reads(foreign), foreign.map(() => 1), 'still read once each');
  });
});
