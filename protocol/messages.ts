import { z } from 'zod';
import { ConnectionStatus, Resource } from './resource';

export const AgentInfo = z.object({
  version: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const Snapshot = z.object({
  agent: AgentInfo,
  connections: z.array(ConnectionStatus),
  resources: z.array(Resource),
  /** Set when the connections file could not be read; the agent keeps the last good one. */
  configError: z.string().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** Everything the agent pushes over the websocket: a snapshot first, then changes. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), snapshot: Snapshot }),
  z.object({ type: z.literal('resource-changed'), resource: Resource }),
  z.object({ type: z.literal('resource-removed'), id: z.string() }),
  z.object({ type: z.literal('connection-changed'), connection: ConnectionStatus }),
  z.object({ type: z.literal('connection-removed'), name: z.string() }),
  z.object({ type: z.literal('config-error'), message: z.string().nullable() }),
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
