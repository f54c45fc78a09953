import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { AgentEvents, backoffDelay, type EventsStatus } from '../../../client/agentEvents';
import type { ServerMessage } from '../../../protocol/messages';
import { soon } from '../../support/waitFor';
import { FakeAgent } from './fakeAgent';
import { makeConnection, makeResource, pausedResource } from './fixtures';

describe('client/agentEvents', () => {
  let agent: FakeAgent;
  let events: AgentEvents | undefined;
  const fast = { initialBackoffMs: 20, maxBackoffMs: 100 };

  beforeEach(async () => {
    agent = await FakeAgent.start({ connections: [makeConnection('orders')], resources: [makeResource('orders/emails')] });
  });

  afterEach(async () => {
    events?.close();
    events = undefined;
    await agent.kill();
  });

  const connect = (options: ConstructorParameters<typeof AgentEvents>[1] = fast, token = agent.token) => {
    events = new AgentEvents(async () => ({ baseUrl: agent.baseUrl, token }), options);
    return events;
  };

  it('delivers the snapshot first, then typed change events', async () => {
    const received: ServerMessage[] = [];
    const changed: string[] = [];
    const stream = connect();
    stream.onAny((m) => received.push(m));
    stream.on('resource-changed', (m) => changed.push(`${m.resource.id}:${m.resource.state}`));
    stream.start();
    await soon(() => (received.length ? true : undefined), 'the snapshot');
    assert.equal(received[0].type, 'snapshot');
    assert.deepEqual(
      received[0].type === 'snapshot' && received[0].snapshot.resources.map((r) => r.id),
      ['orders/emails'],
    );

    agent.setResource(pausedResource('orders/emails'));
    await soon(() => (changed.length ? true : undefined), 'a resource-changed event');
    assert.deepEqual(changed, ['orders/emails:paused']);
  });

  it('drops a message that fails the schema and asks for a fresh snapshot instead', async () => {
    const notes: string[] = [];
    const snapshots: number[] = [];
    const changed: unknown[] = [];
    const stream = connect({ ...fast, log: (m) => notes.push(m) });
    stream.on('snapshot', () => snapshots.push(Date.now()));
    stream.on('resource-changed', (m) => changed.push(m));
    stream.start();
    await soon(() => (snapshots.length ? true : undefined), 'the first snapshot');

    agent.broadcast(JSON.stringify({ type: 'resource-changed', resource: { id: 'orders/emails', state: 'sleeping' } }));
    await soon(() => (snapshots.length === 2 ? true : undefined), 'the resync snapshot');
    assert.equal(agent.resyncRequests, 1);
    assert.deepEqual(changed, [], 'the invalid change reached no listener');
    assert.match(notes[0], /unreadable message/);
  });

  it('reports the agent\'s own reason when the token is refused, and keeps retrying', async () => {
    const statuses: EventsStatus[] = [];
    const stream = connect(fast, 'wrong-token');
    stream.onStatus((s) => statuses.push(s));
    stream.start();
    const waits = await soon(() => {
      const w = statuses.filter((s) => s.state === 'waiting');
      return w.length >= 2 ? w : undefined;
    }, 'two failed attempts');
    assert.match((waits[0] as { error: string }).error, /wrong agent token/);
  });

  it('reconnects after the agent dies, resyncs from a fresh snapshot, and keeps its listeners', async () => {
    const snapshots: string[][] = [];
    const changed: string[] = [];
    const states: string[] = [];
    const stream = connect();
    stream.on('snapshot', (m) => snapshots.push(m.snapshot.resources.map((r) => `${r.id}:${r.state}`)));
    stream.on('resource-changed', (m) => changed.push(`${m.resource.id}:${m.resource.state}`));
    stream.onStatus((s) => states.push(s.state));
    stream.start();
    await soon(() => (snapshots.length === 1 ? true : undefined), 'the first snapshot');

    const port = agent.port;
    await agent.kill();
    await soon(() => (states.includes('waiting') ? true : undefined), 'the client to notice');
    // While it was down, the backend changed: the reconnect must show it.
    agent.resources.set('orders/emails', pausedResource('orders/emails'));
    await agent.listen(port);

    await soon(() => (snapshots.length === 2 ? true : undefined), 'a snapshot after reconnecting');
    assert.deepEqual(snapshots[1], ['orders/emails:paused']);
    agent.setResource(makeResource('orders/emails', { state: 'resuming' }));
    await soon(() => (changed.length ? true : undefined), 'a change event after reconnecting');
    assert.deepEqual(changed, ['orders/emails:resuming'], 'the listener registered before the outage still hears changes');
    assert.equal(agent.clientCount, 1, 'exactly one socket after reconnecting');
  });

  it('tells the agent whether the user watches on connect, on each change, and again after a reconnect', async () => {
    const snapshots: number[] = [];
    const stream = connect();
    stream.on('snapshot', () => snapshots.push(Date.now()));
    stream.setWatching(true);
    stream.start();
    await soon(() => (agent.watching.length === 1 ? true : undefined), 'the interest sent on connect');
    stream.setWatching(true); // unchanged: nothing to say
    stream.setWatching(false);
    await soon(() => (agent.watching.length === 2 ? true : undefined), 'the change');
    assert.deepEqual(agent.watching, [true, false]);

    const port = agent.port;
    await agent.kill();
    stream.setWatching(true); // while disconnected: kept for the next connection
    await agent.listen(port);
    await soon(() => (agent.watching.length === 3 ? true : undefined), 'the interest after reconnecting');
    assert.deepEqual(agent.watching, [true, false, true]);
  });

  it('gives up on a server that accepts TCP but never answers, after the connect timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const statuses: EventsStatus[] = [];
      events = new AgentEvents(async () => ({ baseUrl: `http://127.0.0.1:${port}`, token: 't' }), { ...fast, connectTimeoutMs: 200 });
      events.onStatus((s) => statuses.push(s));
      const started = Date.now();
      events.start();
      const waiting = await soon(() => statuses.find((s) => s.state === 'waiting'), 'the timeout', 3000);
      assert.match((waiting as { error: string }).error, /no answer within 0.2s/);
      assert.ok(Date.now() - started < 2000);
    } finally {
      events?.close();
      silent.close();
    }
  });

  it('drops a link the agent stopped pinging, and reconnects', async () => {
    const statuses: EventsStatus[] = [];
    const snapshots: number[] = [];
    const stream = connect({ ...fast, silenceTimeoutMs: 150 }); // the fake agent never pings
    stream.onStatus((s) => statuses.push(s));
    stream.on('snapshot', () => snapshots.push(Date.now()));
    stream.start();
    await soon(() => (snapshots.length >= 2 ? true : undefined), 'a second snapshot after the silent link was dropped');
    const dropped = statuses.find((s) => s.state === 'waiting') as { error: string };
    assert.match(dropped.error, /no ping from the agent for 0.15s/);
  });

  it('stops reconnecting once closed', async () => {
    const statuses: string[] = [];
    const stream = connect();
    stream.onStatus((s) => statuses.push(s.state));
    stream.start();
    await soon(() => (statuses.includes('open') ? true : undefined), 'the connection');
    stream.close();
    await agent.kill();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(statuses.slice(-1), ['closed']);
    assert.equal(stream.status.state, 'closed');
  });

  it('backs off exponentially with jitter, capped', () => {
    const options = { initialBackoffMs: 250, maxBackoffMs: 10_000 };
    const low = (attempt: number) => backoffDelay(attempt, { ...options, random: () => 0 });
    const high = (attempt: number) => backoffDelay(attempt, { ...options, random: () => 1 });
    assert.deepEqual([0, 1, 2, 3].map(high), [250, 500, 1000, 2000]);
    assert.deepEqual([0, 1, 2, 3].map(low), [125, 250, 500, 1000], 'jitter takes off up to half');
    assert.equal(high(20), 10_000);
    assert.equal(low(20), 5000);
  });
});
