import { strict as assert } from 'node:assert';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { encodePauseState } from '../../buquet/controlObject';
import { pauseKey, taskKey } from '../../buquet/layout';
import type { Scope } from '../../protocol/resource';
import { createQueueBucket, sandboxS3Client } from '../../sandbox/s3Server';
import type { QueueWorker } from '../../worker';
import { eventually } from '../support/waitFor';
import { listKeys, readKey } from '../support/bucket';
import { sandboxQueue, sandboxWorker } from '../support/nodeWorkers';
import { services } from '../support/sandboxFixture';
import { uniqueBucket, useAwsProfiles } from '../support/testEnv';
import { setTimeout as sleep } from 'node:timers/promises';

const WORKERS = 20;
const TTL_MS = 1000;
const POLL_MS = 500;
const BOUND_MS = TTL_MS + POLL_MS;

interface Claim {
  id: string;
  type: string;
  shard: string;
  at: number;
}

/** 20 Node workers in this process, each with its own S3 client, fed by a steady stream of tasks. */
class Fleet {
  readonly claims: Claim[] = [];
  readonly runs = new Map<string, number>();
  readonly finishedAt = new Map<string, number>();
  readonly submitted: string[] = [];
  private readonly workers: QueueWorker[] = [];
  private readonly running: Promise<void>[] = [];
  private producing = false;
  private producer: Promise<void> = Promise.resolve();

  constructor(private readonly bucket: string, types: string[]) {
    for (let i = 0; i < WORKERS; i++) {
      const worker = sandboxWorker(bucket, { workerId: `fleet-${i}`, pauseCacheTtlMs: TTL_MS, pollIntervalMs: POLL_MS });
      for (const type of types) {
        worker.handle(type, async (_input, task) => {
          this.runs.set(task.id, (this.runs.get(task.id) ?? 0) + 1);
          await sleep(50 + Math.random() * 100);
        });
      }
      worker.on('claimed', (task, startedAt) => this.claims.push({ id: task.id, type: task.task_type, shard: task.shard, at: startedAt }));
      worker.on('task-finished', (task) => this.finishedAt.set(task.id, Date.now()));
      this.workers.push(worker);
    }
  }

  start(types: string[]): void {
    for (const worker of this.workers) this.running.push(worker.run());
    this.producing = true;
    const queue = sandboxQueue(this.bucket);
    this.producer = (async () => {
      for (let n = 0; this.producing; n++) {
        this.submitted.push((await queue.submit(types[n % types.length], { n })).id);
        await sleep(80); // about 10 tasks a second, steady
      }
      queue.close();
    })();
  }

  async stopProducing(): Promise<void> {
    this.producing = false;
    await this.producer;
  }

  /** Task ids are random, so shard 0 gets about one task in 16: submits until `count` landed there. */
  async submitToShard(shard: string, count: number): Promise<string[]> {
    const queue = sandboxQueue(this.bucket);
    const landed: string[] = [];
    while (landed.length < count) {
      const task = await queue.submit('b', {});
      this.submitted.push(task.id);
      if (task.shard === shard) landed.push(task.id);
    }
    queue.close();
    return landed;
  }

  statuses(): string[] {
    return this.workers.map((w) => w.status);
  }

  async stop(): Promise<void> {
    await this.stopProducing();
    for (const worker of this.workers) worker.stop();
    await Promise.all(this.running);
  }

  /** Every submitted task completed in S3, and each handler ran exactly once. */
  async drained(): Promise<void> {
    await eventually(async () => this.submitted.filter((id) => this.runs.get(id) !== 1).length, (left) => left === 0, 40_000, 'every task run after resume');
    await sleep(2 * POLL_MS);
    assert.equal(this.runs.size, this.submitted.length);
    assert.deepEqual([...this.runs.values()].filter((n) => n !== 1), [], 'no task ran twice');
    const statuses = await Promise.all(this.submitted.map(async (id) => JSON.parse((await readKey(this.bucket, taskKey(id[0], id))) ?? '{}')));
    assert.deepEqual(statuses.filter((t) => t.status !== 'completed' || t.attempt !== 1).map((t) => t.id), []);
    assert.deepEqual(await listKeys(this.bucket, 'ready/'), []);
    assert.deepEqual(await listKeys(this.bucket, 'leases/'), []);
  }
}

describe(`${WORKERS} Node workers over a steady stream of tasks (real S3 server)`, function () {
  this.timeout(120_000);
  let bucket: string;
  let fleet: Fleet | null = null;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('fleet');
    await createQueueBucket(services().s3, bucket);
  });
  afterEach(async () => {
    await fleet?.stop();
    fleet = null;
  });

  /** Writes the pause straight to S3 and answers when the write was acknowledged: the time claims are measured from. */
  async function pause(scope: Scope | null): Promise<number> {
    const client = sandboxS3Client(services().s3);
    const body = encodePauseState({ pausedAt: new Date(), pausedBy: 'test', reason: 'fleet test', resumeAt: null });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: pauseKey(scope), Body: body, IfNoneMatch: '*' }));
    client.destroy();
    return Date.now();
  }

  async function resume(scope: Scope | null): Promise<void> {
    const client = sandboxS3Client(services().s3);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: pauseKey(scope) }));
    client.destroy();
  }

  it('stops claiming within one TTL plus one poll of a pause, lets running tasks finish, and drains the backlog exactly once after resume', async () => {
    fleet = new Fleet(bucket, ['echo']);
    fleet.start(['echo']);
    const flowing = fleet;
    await eventually(async () => flowing.claims.length, (n) => n >= 20, 30_000, 'the stream flowing');
    const pausedAt = await pause(null);
    const claimedBefore = fleet.claims.filter((c) => c.at <= pausedAt).map((c) => c.id);
    await eventually(async () => flowing.statuses(), (s) => s.every((x) => x === 'paused'), 20_000, 'every worker paused');
    await eventually(async () => claimedBefore.filter((id) => !flowing.finishedAt.has(id)), (left) => left.length === 0, 20_000, 'tasks running at the pause ran to completion');
    await sleep(BOUND_MS);
    const late = fleet.claims.filter((c) => c.at > pausedAt + BOUND_MS).map((c) => c.at - pausedAt);
    assert.deepEqual(late, [], `claims started more than ${BOUND_MS} ms after the pause`);
    const backlog = (await listKeys(bucket, 'ready/')).length;
    assert.ok(backlog > 0, 'tasks kept arriving while paused');

    await fleet.stopProducing();
    await resume(null);
    await fleet.drained();
  });

  it('a task-type pause stops only that type, a shard pause only that shard', async () => {
    fleet = new Fleet(bucket, ['a', 'b']);
    fleet.start(['a', 'b']);
    const flowing = fleet;
    await eventually(async () => flowing.claims.length, (n) => n >= 10, 30_000, 'the stream flowing');

    const typePausedAt = await pause({ type: 'task-type', value: 'a' });
    const claimedAfter = (since: number) => flowing.claims.filter((c) => c.at > since + BOUND_MS);
    await eventually(async () => claimedAfter(typePausedAt).filter((c) => c.type === 'b').length, (n) => n >= 5, 30_000, 'the other type flowing');
    assert.deepEqual(claimedAfter(typePausedAt).filter((c) => c.type === 'a'), [], 'no task of the paused type claimed');
    assert.deepEqual(fleet.statuses().filter((s) => s === 'paused'), [], 'workers with an open type are not paused');
    await resume({ type: 'task-type', value: 'a' });

    const shardPausedAt = await pause({ type: 'shard', value: '0' });
    // A worker may claim from its cached pause state for up to one TTL plus one poll; the guarantee starts after that.
    await sleep(BOUND_MS);
    const heldBack = await fleet.submitToShard('0', 3);
    await eventually(async () => claimedAfter(shardPausedAt), (c) => c.length >= 10 && c.filter((x) => x.type === 'a').length >= 3, 30_000, 'other shards flowing, type a again');
    assert.deepEqual(claimedAfter(shardPausedAt).filter((c) => c.shard === '0'), [], 'no task of the paused shard claimed');

    await fleet.stopProducing();
    assert.deepEqual(heldBack.filter((id) => fleet?.runs.has(id)), [], 'shard 0 tasks wait for the resume');
    await resume({ type: 'shard', value: '0' });
    await fleet.drained();
  });
});
