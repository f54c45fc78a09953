import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the agent keeps its files; PIPELINE_PAUSE_HOME moves all of them (tests, sandboxes). */
export interface AgentPaths {
  home: string;
  connections: string;
  token: string;
  agentInfo: string;
  journal: string;
  log: string;
}

export function agentPaths(overrides: { home?: string; connections?: string } = {}): AgentPaths {
  const home = overrides.home ?? process.env.PIPELINE_PAUSE_HOME ?? join(homedir(), '.pipeline-pause');
  return {
    home,
    connections: overrides.connections ?? process.env.PIPELINE_PAUSE_CONNECTIONS ?? join(home, 'connections.json'),
    token: join(home, 'agent.token'),
    agentInfo: join(home, 'agent.json'),
    journal: join(home, 'journal.jsonl'),
    log: join(home, 'agent.log'),
  };
}
