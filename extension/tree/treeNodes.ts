/** Tree elements: just addresses, so commands can take them from a row and look the data up fresh. */
export type TreeNode = ConnectionNode | ResourceNode | AgentDownNode;

export interface ConnectionNode {
  kind: 'connection';
  name: string;
}

export interface ResourceNode {
  kind: 'resource';
  id: string;
}

/** The single row shown while the agent is unreachable: why, and a click to start it. */
export interface AgentDownNode {
  kind: 'agent-down';
}

export function isTreeNode(value: unknown): value is TreeNode {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'connection' || kind === 'resource' || kind === 'agent-down';
}
