import { z } from 'zod';
import { ConnectionStatus, Resource } from './resource';
import { KindPresentations } from './presentation';

export const AgentInfo = z.object({
  version: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const Snapshot = z.object({
  agent: AgentInfo,
  /** How the clients word each kind of resource (from the backends themselves). */
  kinds: KindPresentations,
  connections: z.array(ConnectionStatus),
  resources: z.array(Resource),
  /** Set when the connections file could not be read; the agent keeps the last good one. */
  configError: z.string().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** The long operations that report progress. */
export const ProgressAction = z.enum(['pause-all', 'resume-all', 'pause-upstream', 'resume-upstream', 'resume-group']);
export type ProgressAction = z.infer<typeof ProgressAction>;

/**
 * How far one long operation has got: sent as items finish and, while it runs, again every few
 * seconds (PROGRESS_HEARTBEAT_MS), so a client waits as long as the agent works. `operation` is
 * the id the client sent in OPERATION_HEADER (or one the agent made up); `finished` comes last.
 */
export const ProgressMessage = z.object({
  type: z.literal('progress'),
  operation: z.string().min(1),
  action: ProgressAction,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  finished: z.boolean(),
});
export type ProgressMessage = z.infer<typeof ProgressMessage>;

export const PROGRESS_HEARTBEAT_MS = 5_000;
/** The request header naming a long operation, so its client can pick out its own progress messages. */
export const OPERATION_HEADER = 'x-pipeline-pause-operation';
/** What an operation id may look like (the agent ignores any other and makes one up). */
export const OPERATION_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Everything the agent pushes over the websocket: a snapshot first, then changes. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), snapshot: Snapshot }),
  z.object({ type: z.literal('resource-changed'), resource: Resource }),
  z.object({ type: z.literal('resource-removed'), id: z.string() }),
  z.object({ type: z.literal('connection-changed'), connection: ConnectionStatus }),
  z.object({ type: z.literal('connection-removed'), name: z.string() }),
  z.object({ type: z.literal('config-error'), message: z.string().nullable() }),
  ProgressMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * Clients may ask for a fresh snapshot at any time (after a suspected gap, say), and say whether
 * someone is watching them (an editor window in focus): the agent polls fast only while one is.
 */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resync') }),
  z.object({ type: z.literal('interest'), watching: z.boolean() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const API_PREFIX = '/api/v1';
export const WEBSOCKET_PATH = `${API_PREFIX}/events`;
