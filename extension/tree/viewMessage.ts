import type { SessionState } from '../agent/agentSession';

/**
 * The line above the tree, for a connections-file problem. An unreachable agent is a tree row
 * instead: VS Code hides the welcome content whenever a message is set.
 */
export function viewMessage(state: SessionState, configError: string | null): string | undefined {
  if (state.state === 'connected' && configError) return `Connections file problem (the agent keeps the last good one): ${configError}`;
  return undefined;
}
