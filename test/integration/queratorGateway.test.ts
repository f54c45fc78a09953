import { strict as assert } from 'node:assert';
import { classifyCall, type HotMethod } from '../../agent/backends/querator/calls';
import { readStringFields } from '../../agent/backends/querator/protobuf';
import { createQueratorQueue } from '../../sandbox/querator';
import { eventually } from '../support/waitFor';
import { CONNECTION, leasedItems, payloadOf, protobufLease, protobufProduce, queratorEnv, uniqueQueue, waitForResource, waitingCalls, type QueratorEnv, type RawReply } from '../support/querator';
import { useSandboxServices } from '../support/sandboxFixture';

useSandboxServices('querator');

const PROTOBUF = { 'content-type': 'application/protobuf', accept: 'application/protobuf' };

/** What must be identical between the server's answer and the gateway's (Date aside). */
function shape(reply: RawReply): object {
  return { status: reply.status, statusMessage: reply.statusMessage, headerNames: reply.headerNames, headers: reply.headers, body: reply.body.toString('base64') };
}

/**
 * The gateway in front of a real Querator v0.0.11 server, driven as a user would: the real agent
 * (in this process) owns the gateway and is told to pause through its HTTP API; producers and
 * consumers call the gateway over HTTP; what happened is checked at the server directly.
 */
describe('Querator gateway: forwarding and holding (real Querator server)', function () {
  this.timeout(60_000);
  let env: QueratorEnv;
  const id = (queue: string) => `${CONNECTION}/${queue}`;

  before(async () => {
    env = await queratorEnv();
    await env.startAgent();
  });
  after(async () => {
    await env?.close();
  });

  async function newQueue(prefix: string, options: { partitions?: number } = {}): Promise<string> {
    const queue = uniqueQueue(prefix);
    await createQueratorQueue(env.endpoint, queue, options);
    await waitForResource(env, queue, (r) => r.state === 'running', `${queue} listed as running`);
    return queue;
  }

  /** The same call to the server and through the gateway; both answers. */
  async function both(path: string, body: string | Buffer | object, headers: Record<string, string> = {}, method = 'POST'): Promise<[RawReply, RawReply]> {
    const direct = await env.direct.post(path, body, headers, method);
    const viaGateway = await env.gateway.post(path, body, headers, method);
    return [direct, viaGateway];
  }

  it('forwards calls unchanged: the same status line, headers and body bytes as the server gives directly', async () => {
    const queue = await newQueue('fwd');
    const empty = await newQueue('fwd-empty');
    const cases: Array<[string, string | Buffer | object, Record<string, string>?, string?]> = [
      ['/v1/queues.info', { queue_name: queue }],
      ['/v1/queue.stats', { queue_name: queue }],
      ['/v1/queue.lease', '{"queue_name":'], // malformed JSON: 455
      ['/v1/queue.produce', { queue_name: 'no-such-queue', request_timeout: '1s', items: [{ utf8: 'x' }] }], // 400
      ['/v1/queue.produce', { queue_name: queue, items: [{ utf8: 'x' }] }], // no request_timeout: 400
      ['/v1/queue.lease', { queue_name: queue, batch_size: 1, client_id: 'c', request_timeout: '1s' }, { 'content-type': 'text/plain' }], // 455
      ['/v1/queue.lease', { queue_name: queue, queueName: queue, batch_size: 1, client_id: 'c', request_timeout: '1s' }], // duplicate field: 455
      ['/v1/queue.nope', {}], // 501
      ['/v1/queue.reload', { queue_name: queue }], // 501 in v0.0.11
      ['/v1/queue.lease', '', {}, 'GET'], // 400, only POST
      ['/v1/queue.lease', Buffer.from([0x0a, 0x10, 0x61]), PROTOBUF], // truncated protobuf: 455 in protobuf
      ['/v1/queue.lease', protobufLease(empty, 'pb', 1, '50ms'), PROTOBUF], // the server's own 454, in protobuf
      ['/v1/queue.lease', { queue_name: empty, batch_size: 1, client_id: 'j', request_timeout: '50ms' }], // the server's own 454, JSON
    ];
    const statuses: number[] = [];
    for (const [path, body, headers, method] of cases) {
      const [direct, viaGateway] = await both(path, body, headers, method);
      assert.deepEqual(shape(viaGateway), shape(direct), `${method ?? 'POST'} ${path} ${Buffer.isBuffer(body) ? body.toString('hex') : JSON.stringify(body)}`);
      statuses.push(direct.status);
    }
    assert.deepEqual(statuses, [200, 200, 455, 400, 400, 455, 455, 501, 501, 400, 455, 454, 454]);
    // A produce goes through once: exactly one item per call reached the queue.
    const produced = await env.gateway.produce(queue, ['one']);
    assert.equal(produced.status, 200);
    const items = JSON.parse((await env.direct.storageItems(queue)).body.toString()).items as unknown[];
    assert.equal(items.length, 1);
  });

  it('while a queue is paused: its calls are held and time out with a retry reply shaped like the server’s own 454; storage, other queues, malformed and unknown-queue calls pass', async () => {
    const queue = await newQueue('held');
    const other = await newQueue('other');
    const empty = await newQueue('empty');
    assert.equal((await env.gateway.produce(queue, ['a', 'b', 'c'])).status, 200);
    const leased = leasedItems(await env.gateway.lease(queue, 'before', 2));
    assert.equal(leased.items.length, 2);

    const paused = await env.api.pause(id(queue), { reason: 'storage maintenance', pausedBy: 'tester' });
    assert.equal(paused.resource.state, 'paused');
    assert.equal(paused.resource.pause?.reason, 'storage maintenance');
    assert.match(paused.resource.stateDetail ?? '', /produce, lease, complete and retry held/);

    // Held until request_timeout, then Querator's retry reply; the server's own 454 for comparison.
    const [heldProduce, heldLease, heldComplete, serverOwn] = await Promise.all([
      env.gateway.produce(queue, ['held'], '800ms'),
      env.gateway.lease(queue, 'during', 5, '600ms'),
      env.gateway.complete(queue, leased.partition, [leased.items[0].id], '700ms'),
      env.direct.lease(empty, 'idle', 1, '600ms'),
    ]);
    for (const [reply, timeoutMs] of [
      [heldProduce, 800],
      [heldLease, 600],
      [heldComplete, 700],
    ] as const) {
      assert.equal(reply.status, 454);
      const waited = reply.answeredAt - reply.sentAt;
      assert.ok(waited >= timeoutMs - 5 && waited < timeoutMs + 1000, `answered after ${waited} ms for a ${timeoutMs} ms request_timeout`);
      assert.equal(reply.statusMessage, serverOwn.statusMessage);
      assert.deepEqual(reply.headerNames, serverOwn.headerNames);
      assert.equal(reply.headers['content-type'], serverOwn.headers['content-type']);
      assert.equal(reply.headers['x-content-type-options'], serverOwn.headers['x-content-type-options']);
      assert.equal(reply.body.toString(), '{"code":454,"code_text":"Retry Request","message":"request timeout; queue is paused, try again"}');
    }
    assert.equal(serverOwn.status, 454);
    assert.equal(serverOwn.body.toString(), '{"code":454,"code_text":"Retry Request","message":"request timeout; no items are in the queue, try again"}');
    const ownKeys = Object.keys(JSON.parse(serverOwn.body.toString()) as object);
    assert.deepEqual(Object.keys(JSON.parse(heldLease.body.toString()) as object), ownKeys);

    // The same in protobuf, when the caller asks for it.
    const [pbHeld, pbOwn] = await Promise.all([
      env.gateway.post('/v1/queue.lease', protobufLease(queue, 'pb', 1, '300ms'), PROTOBUF),
      env.direct.post('/v1/queue.lease', protobufLease(empty, 'pb', 1, '300ms'), PROTOBUF),
    ]);
    assert.equal(pbHeld.status, 454);
    assert.equal(pbHeld.headers['content-type'], 'application/protobuf');
    assert.deepEqual(pbHeld.headerNames, pbOwn.headerNames);
    assert.deepEqual(pbHeld.body.subarray(0, 3), pbOwn.body.subarray(0, 3), 'field 1: code 454');
    assert.equal(readStringFields(pbHeld.body, [2])?.get(2), readStringFields(pbOwn.body, [2])?.get(2));
    assert.equal(readStringFields(pbHeld.body, [3])?.get(3), 'request timeout; queue is paused, try again');

    // Nothing reached the server: the queue is as it was.
    const itemsBefore = JSON.parse((await env.direct.storageItems(queue)).body.toString()).items as Array<{ id: string; is_leased?: boolean }>;
    assert.equal(itemsBefore.length, 3);
    assert.equal(itemsBefore.filter((i) => i.is_leased).length, 2);

    // Storage calls pass straight through during the pause, and see the same as the server.
    const [storageDirect, storageVia] = await both('/v1/storage/items.list', { queue_name: queue, limit: 10 });
    assert.equal(storageVia.status, 200);
    assert.deepEqual(shape(storageVia), shape(storageDirect));
    // Other queues are untouched.
    assert.equal((await env.gateway.produce(other, ['free'])).status, 200);
    assert.equal(leasedItems(await env.gateway.lease(other, 'free', 1)).items.length, 1);
    // Calls the server refuses anyway are passed on, and its answers come back unchanged.
    const refused: Array<[string, string | Buffer | object, Record<string, string>?]> = [
      ['/v1/queue.produce', `{"queue_name":"${queue}","request_timeout":`],
      ['/v1/queue.produce', { queue_name: queue, request_timeout: '15m', items: [{ utf8: 'x' }] }],
      ['/v1/queue.produce', { queue_name: queue, request_timeout: 'soon', items: [{ utf8: 'x' }] }],
      ['/v1/queue.produce', { queue_name: queue, items: [{ utf8: 'x' }] }],
      ['/v1/queue.lease', Buffer.from([0x0a, 0x40, 0x61]), PROTOBUF],
      ['/v1/queue.produce', { queue_name: 'no-such-queue', request_timeout: '1s', items: [{ utf8: 'x' }] }],
    ];
    for (const [path, body, headers] of refused) {
      const [direct, viaGateway] = await both(path, body, headers);
      assert.ok(direct.status >= 400 && direct.status !== 454, `${path}: the server refuses it (${direct.status})`);
      assert.deepEqual(shape(viaGateway), shape(direct), `${path} ${Buffer.isBuffer(body) ? body.toString('hex') : JSON.stringify(body)}`);
    }

    // A retry (no request_timeout in v0.0.11: the server's 5 minutes apply) waits for the resume.
    const retry = env.gateway.retry(queue, leased.partition, [leased.items[1].id]);
    const waiting = await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'the retry to be held');
    assert.equal(waiting.pauseEffect?.status, 'confirmed');
    assert.match(waiting.pauseEffect?.detail ?? '', /no produce, lease, complete or retry call reached the server since the pause; \d+ held, \d+ answered with retry/);
    await env.api.resume(id(queue), {});
    assert.equal((await retry).status, 200);
    await waitForResource(env, queue, (r) => r.state === 'running' && r.pause === null, 'running again');
    assert.equal((await env.gateway.complete(queue, leased.partition, [leased.items[0].id])).status, 200);
  });

  it('held calls reach the server in arrival order when the pause ends; a client’s retry after a 454 then succeeds', async () => {
    const queue = await newQueue('order');
    await env.api.pause(id(queue), { reason: 'order' });
    const first = env.gateway.produce(queue, ['p1'], '20s');
    await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'p1 held');
    const second = env.gateway.post('/v1/queue.produce', protobufProduce(queue, '20s', ['p2']), { 'content-type': 'application/protobuf' });
    await waitForResource(env, queue, (r) => waitingCalls(r) === 2, 'p2 held');
    const third = env.gateway.produce(queue, ['p3'], '20s');
    await waitForResource(env, queue, (r) => waitingCalls(r) === 3, 'p3 held');
    const impatient = await env.gateway.produce(queue, ['p4'], '300ms');
    assert.equal(impatient.status, 454, 'p4 timed out while held');
    const lease = env.gateway.lease(queue, 'waiting-consumer', 10, '20s');
    await waitForResource(env, queue, (r) => waitingCalls(r) === 4, 'the lease held behind them');

    await env.api.resume(id(queue), {});
    assert.deepEqual((await Promise.all([first, second, third])).map((r) => r.status), [200, 200, 200]);
    const leasedFirst = leasedItems(await lease);
    // The consumer's lease was held last, so it was sent after the three produces.
    assert.deepEqual(leasedFirst.items.map(payloadOf), ['p1', 'p2', 'p3']);
    // The client retries p4 after the 454, and it goes through now.
    assert.equal((await env.gateway.produce(queue, ['p4'])).status, 200);
    assert.deepEqual(leasedItems(await env.gateway.lease(queue, 'after', 10)).items.map(payloadOf), ['p4']);
    // v0.0.11 answers the reload with 501 (see the forwarding test): the gateway asks once, when the
    // first pause of this file ends, and never again. Each 501 it got would log this line.
    const log = env.agent!.logs.filter((l) => l.msg === 'the Querator server has no /v1/queue.reload (v0.0.11 has none); nothing to reload after a pause');
    assert.equal(log.length, 1, 'the gateway looked for the server’s reload once, found none, and did not ask again');
  });

  it('a pause with a timeout resumes by itself: held calls go at resume_at, and the agent records the auto-resume', async () => {
    const queue = await newQueue('timeout');
    const paused = await env.api.pause(id(queue), { reason: 'short maintenance', resumeAfter: '2s' });
    const resumeAt = Date.parse(paused.pause.resumeAt!);
    assert.ok(Math.abs(resumeAt - Date.now() - 2000) < 500, 'resumeAt is two seconds away');
    const held = await env.gateway.produce(queue, ['late'], '10s');
    assert.equal(held.status, 200);
    assert.ok(held.answeredAt >= resumeAt - 5 && held.answeredAt < resumeAt + 1000, `answered ${held.answeredAt - resumeAt} ms after resume_at`);
    const resumed = await waitForResource(env, queue, (r) => r.state === 'running', 'running after the pause timeout');
    assert.equal(resumed.pause, null);
    const entries = await env.agent!.core.journal.read();
    assert.ok(entries.some((e) => e.action === 'auto-resume' && e.resource === id(queue)), 'journal has the auto-resume');
  });

  it('request_timeout: the gateway reads Go durations and Querator’s limits exactly as the server does', async () => {
    const queue = await newQueue('durations');
    // Plenty of items, so a lease with a valid timeout returns at once.
    for (let i = 0; i < 4; i++) assert.equal((await env.direct.produce(queue, Array.from({ length: 50 }, (_, n) => `d${i}-${n}`))).status, 200);
    const timeouts = ['1s', '500ms', '1.5s', '.5s', '5.s', '1m30s', '1h', '15m', '14m59s', '899999ms', '900000ms', '900001ms', '16m', '10ms', '11ms', '10.5ms', '1us', '0', '0s', '-1s', '+1s', '1', '1 s', '1S', 'bogus', '', '3µs', '1e3ms', ' 1s', '1s ', '1h0m0.5s', '.', '-'];
    const mismatches: string[] = [];
    for (const method of ['produce', 'lease', 'complete'] as HotMethod[]) {
      for (const timeout of timeouts) {
        const body =
          method === 'produce'
            ? { queue_name: queue, request_timeout: timeout, items: [{ utf8: 'x' }] }
            : method === 'lease'
              ? { queue_name: queue, batch_size: 1, client_id: `c-${Math.random()}`, request_timeout: timeout }
              : { queue_name: queue, partition: 0, request_timeout: timeout, ids: ['3MWBKNiW1SdE0UnIwVTj6xKUu5y'] };
        const reply = await env.direct.post(`/v1/queue.${method}`, body);
        const refusedForTimeout = reply.status === 400 && /request timeout/.test(reply.body.toString());
        const predicted = classifyCall(method, 'application/json', Buffer.from(JSON.stringify(body)));
        if ((predicted.kind === 'refused-by-server') !== refusedForTimeout) mismatches.push(`${method} ${JSON.stringify(timeout)}: server ${reply.status} ${reply.body}, gateway ${predicted.kind}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('drain mode: leases already handed out complete and retry while nothing new is produced or leased', async () => {
    const queue = uniqueQueue('drain');
    const loads = () => env.agent!.logs.filter((l) => l.msg === 'connections loaded').length;
    const before = loads();
    env.writeConnections([env.connection({ queuePauseModes: { [queue]: 'drain' } })]);
    await eventually(async () => loads(), (n) => n > before, 5000, 'the agent to reload the connections file');
    await createQueratorQueue(env.endpoint, queue);
    await waitForResource(env, queue, (r) => r.state === 'running', 'listed after the reload');
    assert.equal((await env.gateway.produce(queue, ['d1', 'd2', 'd3', 'd4'])).status, 200);
    const inFlight = leasedItems(await env.gateway.lease(queue, 'worker', 3));
    assert.equal(inFlight.items.length, 3);

    await env.api.pause(id(queue), { reason: 'drain before maintenance' });
    const draining = await waitForResource(env, queue, (r) => r.state === 'paused' && r.backlog.inFlight === 3, 'paused, 3 leased');
    assert.match(draining.stateDetail ?? '', /^draining: produce and lease held \(0 waiting at gateway 127\.0\.0\.1:\d+\), complete and retry pass; 3 leased items can still complete$/);

    const produce = env.gateway.produce(queue, ['new'], '20s');
    const lease = await env.gateway.lease(queue, 'worker', 10, '500ms');
    assert.equal(lease.status, 454, 'no new lease while draining');
    const [done1, done2] = inFlight.items;
    assert.equal((await env.gateway.complete(queue, inFlight.partition, [done1.id, done2.id])).status, 200, 'complete passes');
    assert.equal((await env.gateway.retry(queue, inFlight.partition, [inFlight.items[2].id])).status, 200, 'retry passes');
    const drained = await waitForResource(env, queue, (r) => r.backlog.inFlight === 0 && waitingCalls(r) === 1, 'in-flight leases finished; the produce still held');
    assert.equal(drained.backlog.pending, 2, 'd4 and the retried item wait; "new" was not produced');
    const items = JSON.parse((await env.direct.storageItems(queue)).body.toString()).items as Array<{ payload: string }>;
    assert.deepEqual(items.map((i) => Buffer.from(i.payload, 'base64').toString()).sort(), ['d3', 'd4']);

    await env.api.resume(id(queue), {});
    assert.equal((await produce).status, 200);
    const after = leasedItems(await env.gateway.lease(queue, 'worker', 10));
    assert.deepEqual(after.items.map(payloadOf).sort(), ['d3', 'd4', 'new']);
    await eventually(async () => (await env.api.resource(id(queue))).state, (s) => s === 'running', 5000, 'running');
    // However many pauses ended before (and the connections reload), the reload was looked for once.
    assert.equal(env.agent!.logs.filter((l) => /has no \/v1\/queue\.reload/.test(l.msg)).length, 1);
  });
});
