import { soon } from '../../support/waitFor';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { QueratorGateway } from '../../../agent/backends/querator/gateway';
import { gatewayMetrics } from '../../../agent/backends/querator/metrics';
import { newPauseVersion, PauseStateStore, type PauseMode } from '../../../agent/backends/querator/pauseState';
import { NewerQueratorStandIn, type NewerQueratorOptions } from '../../standins/querator/newerQuerator';
import { setTimeout as sleep } from 'node:timers/promises';

const RELOAD = '/v1/queue.reload';

interface Reply {
  status: number;
  body: string;
  answeredAt: number;
}

/**
 * The gateway's end-of-pause step (ADR 13: drop what is cached, have the server reload) against
 * the newer-Querator stand-in, because the real v0.0.11 has no reload and so can only ever show
 * the "absent" branch (queratorGateway.test.ts does that one against the real server). The
 * gateway and its pause store are the real ones; pauses are written to the store as the adapter
 * writes them, and the gateway reacts to the store's changes as it does in the agent.
 */
describe('Querator gateway: the server’s reload after a pause (newer-Querator stand-in)', function () {
  this.timeout(20_000);
  const cleanups: Array<() => Promise<void> | void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function bed(options: NewerQueratorOptions) {
    const server = new NewerQueratorStandIn(options);
    await server.start();
    cleanups.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'pp-qreload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = new PauseStateStore(join(dir, 'qr.json'), 'qr');
    const logs: Array<{ msg: string; level: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as { msg: string; level: number });
        done();
      },
    });
    const gateway = new QueratorGateway({ connection: 'qr', port: 0, upstream: server.url, store, log: pino({ level: 'debug' }, sink), metrics: gatewayMetrics(new Registry()) });
    await gateway.start();
    cleanups.push(() => gateway.close());
    // What the adapter registers: its cache is dropped when a pause ends.
    const cacheDropped: Array<{ queue: string; at: number }> = [];
    gateway.onPauseEnded((queue) => cacheDropped.push({ queue, at: Date.now() }));

    const pause = (queue: string, options: { mode?: PauseMode; resumeAt?: Date } = {}) =>
      store.update(queue, () => ({
        next: { pausedAt: new Date().toISOString(), pausedBy: 'test', reason: null, resumeAt: options.resumeAt?.toISOString() ?? null, version: newPauseVersion(), mode: options.mode ?? 'hold' },
        result: undefined,
      }));
    const resume = (queue: string) => store.update(queue, () => ({ next: null, result: undefined }));
    const call = async (method: string, body: object): Promise<Reply> => {
      const response = await fetch(`${gateway.url}/v1/queue.${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.text(), answeredAt: Date.now() };
    };
    const heldCount = (queue: string) => Object.values(gateway.activity(queue).held).reduce((a, b) => a + b, 0);
    const untilHeld = (queue: string, count: number) => soon(() => heldCount(queue) === count, `${count} held calls for ${queue} (have ${heldCount(queue)})`);
    return { server, store, gateway, logs, cacheDropped, pause, resume, call, untilHeld };
  }

  it('a server with a reload: on resume the cache is dropped, the reload is called once for that queue, and only after it answers do the held calls go, in arrival order', async () => {
    const { server, gateway, cacheDropped, pause, resume, call, untilHeld } = await bed({ reload: 'present', reloadDelayMs: 300 });
    await pause('jobs');
    const produceBody = { queue_name: 'jobs', request_timeout: '20s', items: [{ utf8: 'p1' }] };
    const produce = call('produce', produceBody);
    await untilHeld('jobs', 1);
    const complete = call('complete', { queue_name: 'jobs', partition: 0, request_timeout: '20s', ids: ['a'] });
    await untilHeld('jobs', 2);
    assert.deepEqual(server.calls.map((c) => c.path), [], 'nothing reached the server during the pause');

    const resumedAt = Date.now();
    await resume('jobs');
    const [produced, completed] = await Promise.all([produce, complete]);
    assert.deepEqual([produced.status, completed.status], [200, 200]);

    assert.deepEqual(server.calls.map((c) => c.path), [RELOAD, '/v1/queue.produce', '/v1/queue.complete']);
    assert.deepEqual(server.reloads(), ['jobs']);
    const [reload, releasedProduce] = server.calls;
    assert.equal(reload.contentType, 'application/json');
    assert.ok(reload.answeredAt !== null && releasedProduce.arrivedAt >= reload.answeredAt, 'the held produce went after the reload answered');
    assert.ok(releasedProduce.arrivedAt - resumedAt >= 290, `held calls waited for the 300 ms reload (${releasedProduce.arrivedAt - resumedAt} ms)`);
    assert.deepEqual(cacheDropped.map((d) => d.queue), ['jobs']);
    assert.ok(cacheDropped[0].at <= reload.arrivedAt, 'the cache is dropped before the server reloads');
    assert.equal(gateway.reload, 'present');
    // Forwarded unchanged: the request_timeout is the one the client sent, not what was left of it.
    assert.equal(releasedProduce.body.toString(), JSON.stringify(produceBody));

    // Every pause that ends reloads again (the store may have been changed again), and only its queue.
    await pause('other');
    await resume('other');
    await pause('jobs');
    await resume('jobs');
    await soon(() => server.reloads().length === 3, 'three reloads');
    await sleep(100);
    assert.deepEqual(server.reloads(), ['jobs', 'other', 'jobs']);
  });

  it('a pause that ends by its own timeout reloads once; removing the record of the timed-out pause afterwards does not reload again', async () => {
    const { server, store, cacheDropped, pause, call } = await bed({ reload: 'present' });
    const resumeAt = new Date(Date.now() + 500);
    await pause('jobs', { resumeAt });
    const produced = await call('produce', { queue_name: 'jobs', request_timeout: '10s', items: [{ utf8: 'late' }] });
    assert.equal(produced.status, 200);
    assert.ok(produced.answeredAt >= resumeAt.getTime(), 'released at resume_at, not before');
    assert.deepEqual(server.calls.map((c) => c.path), [RELOAD, '/v1/queue.produce']);
    // The adapter removes the record after journaling the auto-resume.
    await store.update('jobs', () => ({ next: null, result: undefined }));
    await sleep(200);
    assert.deepEqual(server.reloads(), ['jobs']);
    assert.equal(cacheDropped.length, 1);
  });

  it('a pause that timed out while the gateway was down reloads once when the gateway starts', async () => {
    const server = new NewerQueratorStandIn({ reload: 'present' });
    await server.start();
    cleanups.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'pp-qreload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'qr.json');
    const writer = new PauseStateStore(path, 'qr');
    const past = new Date(Date.now() - 60_000).toISOString();
    await writer.update('jobs', () => ({ next: { pausedAt: past, pausedBy: 'cli', reason: null, resumeAt: past, version: newPauseVersion(), mode: 'hold' }, result: undefined }));
    writer.close();

    const store = new PauseStateStore(path, 'qr');
    const gateway = new QueratorGateway({ connection: 'qr', port: 0, upstream: server.url, store, log: pino({ level: 'silent' }), metrics: gatewayMetrics(new Registry()) });
    await gateway.start();
    cleanups.push(() => gateway.close());
    await soon(() => server.reloads().length === 1, 'the reload at start');
    await store.update('jobs', () => ({ next: null, result: undefined }));
    await sleep(200);
    assert.deepEqual(server.reloads(), ['jobs']);
  });

  it('switching a pause to drain lets held completes go without a reload (the pause has not ended); the resume reloads', async () => {
    const { server, gateway, pause, resume, call, untilHeld } = await bed({ reload: 'present' });
    await pause('jobs');
    const produce = call('produce', { queue_name: 'jobs', request_timeout: '20s', items: [{ utf8: 'p' }] });
    await untilHeld('jobs', 1);
    const complete = call('complete', { queue_name: 'jobs', partition: 0, request_timeout: '20s', ids: ['a'] });
    await untilHeld('jobs', 2);
    await pause('jobs', { mode: 'drain' });
    assert.equal((await complete).status, 200);
    await sleep(100);
    assert.equal(gateway.activity('jobs').held.produce, 1, 'the produce is still held');
    assert.deepEqual(server.calls.map((c) => c.path), ['/v1/queue.complete']);
    await resume('jobs');
    assert.equal((await produce).status, 200);
    assert.deepEqual(server.calls.map((c) => c.path), ['/v1/queue.complete', RELOAD, '/v1/queue.produce']);
  });

  it('a server without a reload (501, as v0.0.11): asked once, never again, and the held calls still go; a new endpoint is asked again', async () => {
    const { server, gateway, logs, pause, resume, call, untilHeld } = await bed({ reload: 'absent' });
    for (const queue of ['a', 'b', 'a']) {
      await pause(queue);
      const produce = call('produce', { queue_name: queue, request_timeout: '20s', items: [{ utf8: queue }] });
      await untilHeld(queue, 1);
      await resume(queue);
      assert.equal((await produce).status, 200);
    }
    assert.equal(server.callsTo(RELOAD).length, 1, 'the reload was looked for once');
    assert.equal(server.callsTo('/v1/queue.produce').length, 3);
    assert.equal(gateway.reload, 'absent');
    assert.equal(logs.filter((l) => /has no \/v1\/queue\.reload/.test(l.msg)).length, 1);

    // Another server behind the same gateway may have one.
    const newer = new NewerQueratorStandIn({ reload: 'present' });
    await newer.start();
    cleanups.push(() => newer.close());
    gateway.setUpstream(newer.url);
    assert.equal(gateway.reload, 'unknown');
    await pause('a');
    await resume('a');
    await soon(() => newer.reloads().length === 1, 'the reload on the new server');
    assert.equal(server.callsTo(RELOAD).length, 1);
  });

  it('a reload that fails does not keep the held calls back, and is tried again when the next pause ends', async () => {
    const { server, gateway, logs, pause, resume, call, untilHeld } = await bed({ reload: 503 });
    await pause('jobs');
    const produce = call('produce', { queue_name: 'jobs', request_timeout: '20s', items: [{ utf8: 'p' }] });
    await untilHeld('jobs', 1);
    await resume('jobs');
    assert.equal((await produce).status, 200);
    assert.deepEqual(server.calls.map((c) => c.path), [RELOAD, '/v1/queue.produce']);
    assert.equal(gateway.reload, 'unknown');
    assert.ok(logs.some((l) => l.msg === 'Querator reload after the pause failed' && l.level === 40));
    await pause('jobs');
    await resume('jobs');
    await soon(() => server.callsTo(RELOAD).length === 2, 'the second reload');
  });
});
