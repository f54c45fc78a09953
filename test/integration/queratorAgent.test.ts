import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../sandbox/process';
import { createQueratorQueue } from '../../sandbox/querator';
import { eventually } from '../support/waitFor';
import { CONNECTION, DuhClient, queratorEnv, uniqueQueue, waitForResource, waitingCalls, type QueratorEnv } from '../support/querator';
import { useSandboxServices } from '../support/sandboxFixture';
import { cli, type TestHome } from '../support/testEnv';
import { setTimeout as sleep } from 'node:timers/promises';

useSandboxServices('querator');


/** The agent's side of the Querator gateway: restarts, the CLI, pause-all, reloads and bad input. */
describe('agent with Querator connections (real Querator server)', function () {
  this.timeout(60_000);
  let env: QueratorEnv;
  let home: TestHome;
  const id = (queue: string) => `${CONNECTION}/${queue}`;

  beforeEach(async () => {
    env = await queratorEnv();
    home = { paths: env.paths, writeConnections: env.writeConnections };
    await env.startAgent();
  });
  afterEach(async () => {
    await env?.close();
  });

  async function newQueue(prefix: string): Promise<string> {
    const queue = uniqueQueue(prefix);
    await createQueratorQueue(env.endpoint, queue);
    await waitForResource(env, queue, (r) => r.state === 'running', `${queue} listed`);
    return queue;
  }

  const loads = () => env.agent!.logs.filter((l) => l.msg === 'connections loaded').length;

  it('a pause survives an agent restart: held calls get the retry reply when the agent stops, and the new agent holds with the same pause', async () => {
    const queue = await newQueue('restart');
    const paused = await env.api.pause(id(queue), { reason: 'db upgrade', pausedBy: 'ops', resumeAfter: '10m' });
    const held = env.gateway.produce(queue, ['kept'], '20s');
    await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'the produce held');
    await env.stopAgent();
    const answered = await held;
    assert.equal(answered.status, 454, 'the held call got the retry reply when the agent stopped');
    assert.ok(answered.answeredAt - answered.sentAt < 10_000);
    await assert.rejects(new DuhClient(`http://127.0.0.1:${env.gatewayPort}`).produce(queue, ['x']), /ECONNREFUSED/, 'no gateway while the agent is down');

    const state = JSON.parse(readFileSync(join(env.paths.home, 'querator', `${CONNECTION}.json`), 'utf8')) as { queues: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(state.queues), [queue]);
    assert.equal(state.queues[queue].pausedBy, 'ops');
    assert.equal(state.queues[queue].mode, 'hold');

    await env.startAgent();
    const restored = await waitForResource(env, queue, (r) => r.state === 'paused', 'still paused after the restart');
    assert.deepEqual(restored.pause, paused.pause, 'the same pause: reason, paused-by, times and version');
    const listening = env.agent!.logs.find((l) => l.msg === 'Querator gateway listening');
    assert.deepEqual(listening?.restoredPauses, [queue]);
    assert.equal((await env.gateway.produce(queue, ['again'], '300ms')).status, 454, 'held again');
    await assert.rejects(env.api.resume(id(queue), {}), /auto-resume at .*; use --force to resume it now/);
    await env.api.resume(id(queue), { force: true });
    assert.equal((await env.gateway.produce(queue, ['again'])).status, 200);
  });

  it('a pause made by the CLI without the agent is enforced by the running gateway; one that timed out while the agent was down is resumed at start', async () => {
    const queue = await newQueue('cli');
    const paused = await cli(home, ['pause', id(queue), '--reason', 'from a terminal']);
    assert.equal(paused.code, 0, paused.stderr);
    const seen = await waitForResource(env, queue, (r) => r.state === 'paused', 'the agent to see the CLI pause', 5000);
    assert.equal(seen.pause?.reason, 'from a terminal');
    assert.equal((await env.gateway.produce(queue, ['held'], '300ms')).status, 454);
    const status = await cli(home, ['status', id(queue)]);
    assert.match(status.stdout, /PAUSED/);
    assert.equal((await cli(home, ['resume', id(queue)])).code, 0);
    await waitForResource(env, queue, (r) => r.state === 'running', 'running again', 5000);
    assert.equal((await env.gateway.produce(queue, ['free'])).status, 200);

    await env.stopAgent();
    assert.equal((await cli(home, ['pause', id(queue), '--resume-after', '1s', '--reason', 'brief'])).code, 0);
    await sleep(1500);
    await env.startAgent();
    await waitForResource(env, queue, (r) => r.state === 'running', 'resumed at start', 5000);
    const entries = (await env.agent!.core.journal.read()).filter((e) => e.resource === id(queue));
    assert.deepEqual(
      entries.map((e) => [e.action, e.via]),
      [
        ['pause', 'cli'],
        ['resume', 'cli'],
        ['pause', 'cli'],
        ['auto-resume', 'agent'],
      ],
    );
    assert.match(entries[3].note ?? '', /overdue/);
    assert.equal((await env.gateway.produce(queue, ['after'])).status, 200);
  });

  it('pause-all and resume-all cover every queue of the connection', async () => {
    const queues = [await newQueue('all-a'), await newQueue('all-b'), await newQueue('all-c')];
    const pauseAll = await cli(home, ['pause-all', CONNECTION, '--reason', 'everything'], { useAgent: true });
    assert.equal(pauseAll.code, 0, pauseAll.stderr);
    const snapshot = await env.api.snapshot();
    const mine = snapshot.resources.filter((r) => r.connection === CONNECTION);
    assert.ok(mine.length >= 3);
    assert.deepEqual(mine.filter((r) => r.state !== 'paused').map((r) => r.id), [], 'every queue of the connection is paused');
    const replies = await Promise.all(queues.map((q) => env.gateway.produce(q, ['x'], '300ms')));
    assert.deepEqual(replies.map((r) => r.status), [454, 454, 454]);
    const resumeAll = await cli(home, ['resume-all', CONNECTION], { useAgent: true });
    assert.equal(resumeAll.code, 0, resumeAll.stderr);
    assert.deepEqual((await Promise.all(queues.map((q) => env.gateway.produce(q, ['x'])))).map((r) => r.status), [200, 200, 200]);
  });

  it('a reload of the connections file keeps the gateway and its held calls; removing the connection stops the gateway', async () => {
    const queue = await newQueue('reload');
    await env.api.pause(id(queue), { reason: 'reload' });
    const held = env.gateway.produce(queue, ['survives'], '20s');
    await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'held');
    const before = loads();
    env.writeConnections([env.connection({ pollIntervalSeconds: 0.3 })]);
    await eventually(async () => loads(), (n) => n > before, 5000, 'the reload');
    const after = await waitForResource(env, queue, (r) => r.state === 'paused', 'listed by the new adapter');
    assert.equal(waitingCalls(after), 1, 'the held call is still held');
    await env.api.resume(id(queue), {});
    assert.equal((await held).status, 200);

    const again = loads();
    env.writeConnections([]);
    await eventually(async () => loads(), (n) => n > again, 5000, 'the reload without the connection');
    await eventually(
      () => new DuhClient(`http://127.0.0.1:${env.gatewayPort}`).produce(queue, ['x']).then(() => 'listening', (error: Error) => error.message),
      (result) => /ECONNREFUSED/.test(result),
      5000,
      'the gateway to stop',
    );
  });

  it('bad input and broken set-ups get one clear line; nothing goes through a gateway whose pause state cannot be read, and none answers for a server that is down', async () => {
    const queue = await newQueue('bad');
    const unknown = await cli(home, ['pause', id('no-such-queue')], { useAgent: true });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: no queue "no-such-queue" on the Querator server of connection "qr" \(http:\/\/127\.0\.0\.1:\d+\)$/);
    assert.equal((await cli(home, ['pause', id(queue), '--paused-by', 'alice'], { useAgent: true })).code, 0);
    const twice = await cli(home, ['pause', id(queue)], { useAgent: true });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /^error: qr\/bad-\w+ is already paused by alice since \S+; use --force to overwrite$/);
    assert.equal((await cli(home, ['resume', id(queue)], { useAgent: true })).code, 0);
    const notPaused = await cli(home, ['resume', id(queue)], { useAgent: true });
    assert.match(notPaused.stderr, /^error: qr\/bad-\w+ is not paused$/);
    await assert.rejects(env.api.pause(id(queue), { scope: { type: 'task-type', value: 'x' } }), /Querator queues have no scoped pauses/);

    // A busy gateway port, and a pause state file that cannot be read.
    const blocker: Server = createServer();
    const busyPort = await freePort();
    await new Promise<void>((resolve) => blocker.listen(busyPort, '127.0.0.1', () => resolve()));
    try {
      const brokenDir = join(env.paths.home, 'broken-state');
      const brokenPort = await freePort();
      const deadServerPort = await freePort();
      const deadGatewayPort = await freePort();
      mkdirSync(brokenDir, { recursive: true });
      writeFileSync(join(brokenDir, 'broken.json'), '{"format":1,"connection":"broken","queues":{"q":');
      const before = loads();
      env.writeConnections([
        env.connection(),
        { ...env.connection(), name: 'busy', gatewayPort: busyPort, stateDir: join(env.paths.home, 'busy-state') },
        { ...env.connection(), name: 'broken', gatewayPort: brokenPort, stateDir: brokenDir },
        { ...env.connection(), name: 'dead', endpoint: `http://127.0.0.1:${deadServerPort}`, gatewayPort: deadGatewayPort, stateDir: join(env.paths.home, 'dead-state') },
      ]);
      await eventually(async () => loads(), (n) => n > before, 5000, 'the reload');
      const connections = await eventually(
        async () => (await env.api.snapshot()).connections,
        (list) => ['busy', 'broken', 'dead'].every((name) => list.find((c) => c.name === name)?.status === 'unreachable'),
        5000,
        'all three to be reported unreachable',
      );
      assert.equal(connections.find((c) => c.name === 'busy')?.error, `the Querator gateway of "busy" cannot start on 127.0.0.1:${busyPort}: the port is in use`);
      assert.match(connections.find((c) => c.name === 'broken')?.error ?? '', /the Querator pause state .*broken\.json is not valid JSON .*; fix it or remove it to resume every queue of "broken"$/);
      await assert.rejects(new DuhClient(`http://127.0.0.1:${brokenPort}`).produce(queue, ['x']), /ECONNREFUSED/, 'nothing goes through a gateway that does not know its pauses');
      assert.equal(connections.find((c) => c.name === 'dead')?.error, `cannot reach Querator at http://127.0.0.1:${deadServerPort} (ECONNREFUSED); is it running?`);
      // The gateway of an unreachable server makes up no answer: the client's connection closes.
      await assert.rejects(new DuhClient(`http://127.0.0.1:${deadGatewayPort}`).produce(queue, ['x']), (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET' || /socket hang up/.test(error.message));
      assert.equal(connections.find((c) => c.name === CONNECTION)?.status, 'ok', 'the other connections carry on');
    } finally {
      blocker.close();
    }
  });
});
