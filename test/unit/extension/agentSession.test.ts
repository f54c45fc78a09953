import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLifecycle } from '../../../extension/agent/agentLifecycle';
import { AgentSession, type SessionState } from '../../../extension/agent/agentSession';
import { agentPaths } from '../../../protocol/paths';
import { VERSION } from '../../../protocol/version';
import { soon } from '../../support/waitFor';
import { FakeAgent } from './fakeAgent';
import { makeConnection, makeResource, pausedResource } from './fixtures';
import { sessionWithFakeAgent, type Harness } from './sessionHarness';

describe('extension/agent/agentSession', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const stateIs = (session: AgentSession, state: SessionState['state']) => () => (session.state.state === state ? true : undefined);

  it('connects to a running agent and mirrors its snapshot', async () => {
    harness = await sessionWithFakeAgent({ connections: [makeConnection('orders')], resources: [makeResource('orders/emails')] });
    assert.deepEqual(harness.session.store.resources().map((r) => r.id), ['orders/emails']);
    assert.equal(harness.launches, 0);
    assert.equal(harness.session.api().baseUrl, harness.agent.baseUrl);
  });

  it('shows nothing stale while the agent is away, and resyncs when it is back', async () => {
    harness = await sessionWithFakeAgent({ connections: [makeConnection('orders')], resources: [makeResource('orders/emails')] });
    const { session, agent } = harness;
    const port = agent.port;
    await agent.kill();
    await soon(stateIs(session, 'unreachable'), 'unreachable');
    assert.deepEqual(session.store.resources(), [], 'cleared, not shown as current');
    assert.throws(() => session.api(), /agent is not running/);

    agent.resources.set('orders/emails', pausedResource('orders/emails'));
    await agent.listen(port);
    await soon(stateIs(session, 'connected'), 'reconnected');
    assert.equal(session.store.resource('orders/emails')?.state, 'paused', 'the fresh snapshot, with what changed meanwhile');
  });

  it('follows an agent restarted on another port (it re-reads agent.json)', async () => {
    harness = await sessionWithFakeAgent({ resources: [makeResource('orders/emails')] });
    await harness.agent.kill();
    await soon(stateIs(harness.session, 'unreachable'), 'unreachable');
    harness.agent = await FakeAgent.start({ home: harness.home, resources: [makeResource('orders/other')] });
    await soon(stateIs(harness.session, 'connected'), 'connected to the new agent');
    assert.deepEqual(harness.session.store.resources().map((r) => r.id), ['orders/other']);
    assert.equal(harness.session.api().baseUrl, harness.agent.baseUrl);
  });

  it('refuses to follow an agent of another version and says what to do', async () => {
    harness = await sessionWithFakeAgent();
    await harness.agent.kill();
    harness.agent = await FakeAgent.start({ home: harness.home, version: '9.9.9' });
    await soon(() => {
      const state = harness!.session.state;
      return state.state === 'unreachable' && /version 9\.9\.9/.test(state.error) ? state : undefined;
    }, 'the version complaint');
    assert.match((harness.session.state as { error: string }).error, /use "Restart Agent"/);
  });

  it('keeps the reason a start failed rather than a later "no agent is running"', async () => {
    const home = await mkdtemp(join(tmpdir(), 'pipeline-pause-session-'));
    const paths = agentPaths({ home, connections: join(home, 'connections.json') });
    await writeFile(paths.log, 'error: connections file is not valid JSON\n');
    const session = new AgentSession(new AgentLifecycle({ paths, version: VERSION, launch: () => ({ pid: 1, exited: Promise.resolve(2) }), pollMs: 10 }), VERSION, { initialBackoffMs: 10, maxBackoffMs: 20 });
    try {
      await assert.rejects(session.start(), /exited \(code 2\)/);
      await new Promise((resolve) => setTimeout(resolve, 100)); // several reconnect attempts
      assert.equal(session.state.state, 'unreachable');
      assert.match((session.state as { error: string }).error, /connections file is not valid JSON/);
    } finally {
      session.dispose();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('restart replaces the agent and reconnects to the new one', async () => {
    harness = await sessionWithFakeAgent({ resources: [makeResource('orders/emails')] });
    const old = harness.agent;
    const h = harness;
    // The lifecycle launches through the harness, which refuses; give this session one that works.
    const session = new AgentSession(
      new AgentLifecycle({
        paths: h.paths,
        version: VERSION,
        launch: () => {
          void FakeAgent.start({ home: h.home, resources: [makeResource('orders/fresh')] }).then((a) => (h.agent = a));
          return { pid: undefined, exited: new Promise(() => undefined) };
        },
        pollMs: 20,
      }),
      VERSION,
      { initialBackoffMs: 20, maxBackoffMs: 100 },
    );
    try {
      await session.start();
      await soon(stateIs(session, 'connected'), 'connected');
      await session.restart();
      assert.equal(old.requestsTo(/POST \/shutdown/).length, 1);
      await soon(() => (session.store.resource('orders/fresh') ? true : undefined), 'the new agent\'s snapshot');
      assert.equal(session.state.state, 'connected');
    } finally {
      session.dispose();
    }
  });
});
