import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLifecycle, type LaunchedAgent } from '../../../extension/agent/agentLifecycle';
import { AgentSession } from '../../../extension/agent/agentSession';
import { agentPaths, type AgentPaths } from '../../../protocol/paths';
import { VERSION } from '../../../protocol/version';
import { soon } from '../../support/waitFor';
import { FakeAgent, type FakeAgentOptions } from './fakeAgent';

export interface Harness {
  home: string;
  paths: AgentPaths;
  agent: FakeAgent;
  session: AgentSession;
  launches: number;
  close(): Promise<void>;
}

/** A session attached to a fake agent in a private home; launching a real agent is a test failure. */
export async function sessionWithFakeAgent(options: Omit<FakeAgentOptions, 'home'> = {}): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'pipeline-pause-ext-'));
  const paths = agentPaths({ home, connections: join(home, 'connections.json') });
  const agent = await FakeAgent.start({ ...options, home });
  const harness: Harness = {
    home,
    paths,
    agent,
    launches: 0,
    session: new AgentSession(
      new AgentLifecycle({
        paths,
        version: VERSION,
        launch: (): LaunchedAgent => {
          harness.launches += 1;
          throw new Error('the fake agent is running; nothing should be launched');
        },
      }),
      VERSION,
      { initialBackoffMs: 20, maxBackoffMs: 100 },
    ),
    async close() {
      harness.session.dispose();
      await harness.agent.kill();
      await rm(home, { recursive: true, force: true });
    },
  };
  await harness.session.start();
  await soon(() => (harness.session.state.state === 'connected' ? true : undefined), 'the session to connect');
  return harness;
}
