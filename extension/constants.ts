/**
 * Every id the extension shares with package.json in one place: command ids, the view,
 * context keys for `when` clauses and the contextValue tokens that tree items combine.
 * test/unit/extension/manifest.test.ts checks package.json against these.
 */

export const VIEW_ID = 'pipelinePause.resources';
export const OUTPUT_CHANNEL_NAME = 'Pipeline Pause';

export const Command = {
  pause: 'pipelinePause.pause',
  pauseWithReason: 'pipelinePause.pauseWithReason',
  pauseFor: 'pipelinePause.pauseFor',
  resume: 'pipelinePause.resume',
  stop: 'pipelinePause.stop',
  resumeScope: 'pipelinePause.resumeScope',
  pauseAllInConnection: 'pipelinePause.pauseAllInConnection',
  resumeAll: 'pipelinePause.resumeAll',
  showStatus: 'pipelinePause.showStatus',
  startAgent: 'pipelinePause.startAgent',
  restartAgent: 'pipelinePause.restartAgent',
  showAgentLog: 'pipelinePause.showAgentLog',
  openConnectionsFile: 'pipelinePause.openConnectionsFile',
  /** Ask for a connection, test it through the agent, and only then append it to the connections file. */
  addConnection: 'pipelinePause.addConnection',
  pauseUpstream: 'pipelinePause.pauseUpstream',
  resumeUpstream: 'pipelinePause.resumeUpstream',
  resumeGroup: 'pipelinePause.resumeGroup',
  peek: 'pipelinePause.peek',
  refreshPeek: 'pipelinePause.refreshPeek',
  showLineage: 'pipelinePause.showLineage',
  /** Deploy the CREATE ... AS SELECT under the cursor (or a CodeLens's statement) to ksqlDB. */
  deployStatement: 'pipelinePause.deployStatement',
} as const;
export type CommandId = (typeof Command)[keyof typeof Command];

/** Context keys set with `setContext`. */
export const ContextKey = {
  /** 'starting' | 'connected' | 'unreachable' */
  agentState: 'pipelinePause.agentState',
  hasConnections: 'pipelinePause.hasConnections',
  /** Something is paused, wholly or in part: shows Resume All in the view's title. */
  hasPaused: 'pipelinePause.hasPaused',
} as const;

/** Tokens joined with spaces into a tree item's contextValue; `when` clauses match them by regex. */
export const ItemToken = {
  resource: 'pipelinePause.resource',
  pausable: 'pipelinePause.resource.pausable',
  resumable: 'pipelinePause.resource.resumable',
  autoResume: 'pipelinePause.resource.autoResume',
  scoped: 'pipelinePause.resource.scoped',
  /** Stop is offered (a Kafka Connect connector that is not stopped). */
  stoppable: 'pipelinePause.resource.stoppable',
  /** Something feeds this resource: "Pause upstream" is offered. */
  hasUpstream: 'pipelinePause.resource.hasUpstream',
  /** A group paused upstream of this resource: "Resume upstream" is offered. */
  upstreamPaused: 'pipelinePause.resource.upstreamPaused',
  /** Writes to Kafka topics: Peek is offered. */
  peekable: 'pipelinePause.resource.peekable',
  kindPrefix: 'pipelinePause.resource.kind-',
  statePrefix: 'pipelinePause.resource.state-',
  connection: 'pipelinePause.connection',
  connectionPausable: 'pipelinePause.connection.pausableAll',
  connectionResumable: 'pipelinePause.connection.resumableAll',
  connectionUnreachable: 'pipelinePause.connection.unreachable',
  agentDown: 'pipelinePause.agentDown',
  pauseGroup: 'pipelinePause.pauseGroup',
} as const;

/** URI scheme of the read-only peek documents (editor/title menus match it). */
export const PEEK_SCHEME = 'pipeline-pause-peek';

export const Setting = {
  section: 'pipelinePause',
  home: 'home',
  dataLossWarningMinutes: 'dataLossWarningMinutes',
} as const;
