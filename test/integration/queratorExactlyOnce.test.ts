import { strict as assert } from 'node:assert';
import { createQueratorQueue } from '../../sandbox/querator';
import { eventually } from '../support/waitFor';
import { CONNECTION, leasedItems, payloadOf, queratorEnv, uniqueQueue, waitForResource, type QueratorEnv, type RawReply } from '../support/querator';
import { useSandboxServices } from '../support/sandboxFixture';
import { setTimeout as sleep } from 'node:timers/promises';

useSandboxServices('querator');

const PRODUCERS = 4;
const PER_PRODUCER = 75;
const TOTAL = PRODUCERS * PER_PRODUCER;
const CONSUMERS = 3;
const PARTITIONS = 2;
/**
 * The message of the gateway's retry reply for a call held by a pause (gateway.ts answerRetry).
 * Written out, not imported, so a change to the gateway's reply shows here. The server's own 454
 * for a lease that found nothing says "no items are in the queue" instead.
 */
const PAUSED_RETRY = 'request timeout; queue is paused, try again';

type Kind = 'produce' | 'lease' | 'complete';
interface CallRecord {
  kind: Kind;
  status: number;
  sentAt: number;
  answeredAt: number;
  payload?: string;
  /** The DUH-RPC reply's message, for 454s: whose retry reply it was. */
  message?: string;
}


/**
 * The whole story of issue 7 in one run against a real Querator: producers and consumers that
 * only know the gateway's address, two pauses made through the agent while they work (one
 * resumed by hand, one that ends by its own timeout), held calls, retry replies, client retries,
 * storage listings during the pause, and at the end every item leased and completed exactly once.
 */
describe('Querator through the gateway: producers and consumers across pauses (real server)', function () {
  this.timeout(120_000);
  let env: QueratorEnv;

  before(async () => {
    env = await queratorEnv();
    await env.startAgent();
  });
  after(async () => {
    await env?.close();
  });

  it('every produced item is leased and completed exactly once across held calls, retry replies, a manual resume and a pause timeout', async () => {
    const queue = uniqueQueue('run');
    const id = `${CONNECTION}/${queue}`;
    await createQueratorQueue(env.endpoint, queue, { partitions: PARTITIONS, leaseTimeout: '5m' });
    await waitForResource(env, queue, (r) => r.state === 'running', 'the queue listed');

    const calls: CallRecord[] = [];
    const record = (kind: Kind, reply: RawReply, payload?: string) =>
      calls.push({ kind, status: reply.status, sentAt: reply.sentAt, answeredAt: reply.answeredAt, payload, message: reply.status === 454 ? (JSON.parse(reply.body.toString()) as { message?: string }).message : undefined });
    const produced = new Set<string>();
    const leasedPayloads = new Map<string, number>();
    const attempts: number[] = [];
    const completed = new Map<string, number>();
    let failure: Error | null = null;

    const producer = async (p: number) => {
      for (let i = 0; i < PER_PRODUCER && !failure; i++) {
        const payload = `p${p}-${i}`;
        for (;;) {
          const reply = await env.gateway.produce(queue, [payload], '1s');
          record('produce', reply, payload);
          if (reply.status === 200) break;
          if (reply.status !== 454) throw new Error(`produce ${payload}: ${reply.status} ${reply.body}`);
        }
        produced.add(payload);
        await sleep(40);
      }
    };
    const consumer = async (c: number) => {
      while (completed.size < TOTAL && !failure) {
        const reply = await env.gateway.lease(queue, `consumer-${c}`, 10, '1s');
        record('lease', reply);
        if (reply.status === 454) continue;
        if (reply.status !== 200) throw new Error(`lease: ${reply.status} ${reply.body}`);
        const { partition, items } = leasedItems(reply);
        for (const item of items) {
          leasedPayloads.set(payloadOf(item), (leasedPayloads.get(payloadOf(item)) ?? 0) + 1);
          attempts.push(item.attempts);
        }
        for (;;) {
          const done = await env.gateway.complete(queue, partition, items.map((item) => item.id), '1s');
          record('complete', done);
          if (done.status === 200) break;
          if (done.status !== 454) throw new Error(`complete: ${done.status} ${done.body}`);
        }
        for (const item of items) completed.set(item.id, (completed.get(item.id) ?? 0) + 1);
      }
    };
    const storage = async () => {
      const all: string[] = [];
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const reply = await env.gateway.post('/v1/storage/items.list', { queue_name: queue, partition, limit: 1000 });
        assert.equal(reply.status, 200, 'storage listing works during the pause');
        for (const item of (JSON.parse(reply.body.toString()) as { items?: Array<{ id: string; is_leased?: boolean; attempts?: number }> }).items ?? []) {
          all.push(`${item.id}:${item.is_leased ? 'leased' : 'waiting'}:${item.attempts ?? 0}`);
        }
      }
      return all.sort();
    };
    const fail = (error: Error) => {
      failure ??= error;
      throw error;
    };

    const workers = [...Array.from({ length: PRODUCERS }, (_, p) => producer(p).catch(fail)), ...Array.from({ length: CONSUMERS }, (_, c) => consumer(c).catch(fail))];
    workers.forEach((w) => w.catch(() => undefined));

    // Pause 1, resumed by hand after 2.5 s.
    await eventually(async () => produced.size, (n) => n >= 60 || failure !== null, 30_000, '60 items produced');
    await env.api.pause(id, { reason: 'maintenance window 1', pausedBy: 'test-run' });
    const pause1 = Date.now();
    await sleep(300); // calls that were at the server before the pause finish
    const atStart = await storage();
    await sleep(2200);
    const atEnd = await storage();
    assert.deepEqual(atEnd, atStart, 'nothing was produced, leased or completed at the server during the pause');
    const held = await env.api.resource(id);
    assert.equal(held.state, 'paused');
    assert.equal(held.pauseEffect?.status, 'confirmed', held.pauseEffect?.detail);
    const resume1 = Date.now();
    await env.api.resume(id, {});

    // Pause 2 ends by its own timeout.
    await eventually(async () => produced.size, (n) => n >= 180 || failure !== null, 30_000, '180 items produced');
    // Long enough that a consumer's lease, sent once its last one came back from the server (up
    // to one 1 s request_timeout in), is held for a whole request_timeout before the pause ends.
    const paused2 = await env.api.pause(id, { reason: 'self-ending', resumeAfter: '4s' });
    const pause2 = Date.now();
    const resumeAt2 = Date.parse(paused2.pause.resumeAt!);
    await waitForResource(env, queue, (r) => r.state === 'running', 'the pause to end by itself', 8000);
    assert.ok(Date.now() >= resumeAt2, 'not before resume_at');

    await Promise.all(workers);
    assert.equal(failure, null);

    // Exactly once.
    assert.equal(produced.size, TOTAL);
    assert.equal(leasedPayloads.size, TOTAL, 'every produced item was leased');
    assert.deepEqual([...leasedPayloads.values()].filter((n) => n !== 1), [], 'no item was leased twice');
    assert.deepEqual([...new Set(attempts)], [1], 'every lease was the first attempt');
    assert.equal(completed.size, TOTAL, 'every leased item was completed');
    assert.deepEqual([...completed.values()].filter((n) => n !== 1), [], 'no item was completed twice');
    const left = JSON.parse((await env.direct.stats(queue)).body.toString()) as { logicalQueues?: Array<{ partitions?: Array<{ total?: number }> }> };
    assert.equal((left.logicalQueues ?? []).flatMap((l) => l.partitions ?? []).reduce((sum, p) => sum + (p.total ?? 0), 0), 0, 'the queue is empty at the server');

    // During each pause nothing the pause holds got a 200; held calls got 454s and their retries succeeded later.
    for (const [from, to, name] of [
      [pause1 + 300, resume1, 'pause 1'],
      [pause2 + 300, resumeAt2, 'pause 2'],
    ] as const) {
      const answered = calls.filter((c) => c.status === 200 && c.answeredAt > from && c.answeredAt < to);
      assert.deepEqual(answered, [], `no call answered 200 during ${name}`);
      // Only the gateway's paused replies count: an idle lease gets the server's own 454 anyway.
      const retries = calls.filter((c) => c.status === 454 && c.message === PAUSED_RETRY && c.answeredAt > from && c.answeredAt <= to + 50);
      assert.ok(retries.some((c) => c.kind === 'produce'), `producers got the gateway's paused retry replies during ${name}`);
      // A consumer holding items when the pause came waits on its complete (held too), not a lease.
      assert.ok(retries.some((c) => c.kind === 'lease' || c.kind === 'complete'), `consumers got the gateway's paused retry replies during ${name}`);
      // Any lease held for the whole pause window was held by the gateway, never answered by the server.
      const heldThrough = calls.filter((c) => c.kind === 'lease' && c.status === 454 && c.sentAt > from && c.answeredAt < to);
      assert.deepEqual(heldThrough.filter((c) => c.message !== PAUSED_RETRY), [], `leases sent and answered within ${name} all got the paused reply`);
    }
    const retriedThenProduced = [...produced].filter((payload) => calls.some((c) => c.payload === payload && c.status === 454));
    assert.ok(retriedThenProduced.length >= PRODUCERS, `${retriedThenProduced.length} items were produced on a retry after a 454`);

    const journal = (await env.agent!.core.journal.read()).filter((e) => e.resource === id).map((e) => e.action);
    assert.deepEqual(journal, ['pause', 'resume', 'pause', 'auto-resume']);
    const counts = Object.fromEntries((['produce', 'lease', 'complete'] as Kind[]).map((k) => [k, { ok: calls.filter((c) => c.kind === k && c.status === 200).length, retry: calls.filter((c) => c.kind === k && c.status === 454).length }]));
    console.log(`      ${TOTAL} items; calls through the gateway: ${JSON.stringify(counts)}`);
  });
});
