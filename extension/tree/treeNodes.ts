/** Tree elements: just addresses, so commands can take them from a row and look the data up fresh. */
export type TreeNode = ConnectionNode | ResourceNode | AgentDownNode | PauseGroupNode | GroupMemberNode;

export interface ConnectionNode {
  kind: 'connection';
  name: string;
}

export interface ResourceNode {
  kind: 'resource';
  id: string;
}

/** A group made by "Pause upstream": one row to resume it as a whole. */
export interface PauseGroupNode {
  kind: 'pause-group';
  group: string;
}

/** A member of a pause group, shown under it (the same resource also sits under its connection). */
export interface GroupMemberNode {
  kind: 'group-member';
  group: string;
  id: string;
}

/** The single row shown while the agent is unreachable: why, and a click to start it. */
export interface AgentDownNode {
  kind: 'agent-down';
}

export function isTreeNode(value: unknown): value is TreeNode {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'connection' || kind === 'resource' || kind === 'agent-down' || kind === 'pause-group' || kind === 'group-member';
}
