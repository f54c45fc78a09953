import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PeekResponse } from '../../protocol/peek';
import type { DeployAction } from '../../protocol/deploy';
import type { PauseCommand, ResumeCommand, ResumeOutcome, StopCommand } from '../../protocol/commands';
import type { ConnectionKind } from '../../protocol/connections';
import type { KindPresentations } from '../../protocol/presentation';
import type { DeployUnit, PauseDetails, Resource } from '../../protocol/resource';

/** What the core asks of a deploy; `recreate` is the user's consent to terminate and recreate. */
export interface DeployOptions {
  recreate: boolean;
}

export interface DeployOutcome {
  action: DeployAction;
  /** The backend's name of the query now writing the target (a resource name of this connection). */
  queryId: string;
  replacedQueryId: string | null;
  message: string;
}


/**
 * How closely someone watches a connection: `watched` while an editor shows the view in a focused
 * window, `background` while a client is connected but not looking, `idle` with no client.
 */
export type Interest = 'watched' | 'background' | 'idle';

/** Why and for whom the core lists; adapters use it to decide how stale their slow facts may be. */
export interface ListContext {
  /** `refresh` right after a change or on request: read everything fresh. `poll`: the regular look. */
  reason: 'poll' | 'refresh';
  interest: Interest;
  /** Called with each resource as soon as it is read, so one slow item does not hold back the rest. */
  onResource?(resource: Resource): void;
}

/** What a caller that does not poll (the CLI, a pause-all) asks for: everything, fresh. */
export const FRESH_LISTING: ListContext = { reason: 'refresh', interest: 'watched' };

/** What a caller of `get` may ask beyond the resource's current state. */
export interface GetOptions {
  /** Count the backlog exactly even where a listing counts only a capped part (S3 queues' `ready/`). */
  exactCounts?: boolean;
}

/** One adapter per connection; it maps the backend's objects onto the shared resource model. */
export interface BackendAdapter {
  /** Every pausable resource of this connection, as the backend reports it now (see ListContext). */
  list(context?: ListContext): Promise<Resource[]>;
  /** One resource, fresh from the backend; throws PauseError NotFound for unknown names. */
  get(name: string, options?: GetOptions): Promise<Resource>;
  pause(name: string, command: PauseCommand): Promise<PauseDetails>;
  resume(name: string, command: ResumeCommand): Promise<ResumeOutcome>;
  close(): Promise<void>;
  /**
   * Optional: stop the resource (capabilities.stop): stronger than a pause, its workers are shut
   * down; `resume` starts it again. Resources without it answer Unsupported.
   */
  stop?(name: string, command: StopCommand): Promise<PauseDetails>;
  /**
   * Optional: why the agent must not exit while no client is connected (it serves something
   * others call, say the Querator gateway), or null when it may. The idle exit asks before leaving.
   */
  keepsAgentAlive?(): string | null;
  /** Optional: the name as the backend spells it, when it compares names loosely (ksqlDB query ids ignore case). */
  canonicalName?(name: string): string;
  /**
   * Optional: pause every resource of the connection in one backend operation (ksqlDB's
   * `PAUSE ALL;`). The core then journals each resource that was not paused before.
   */
  pauseAll?(command: PauseCommand): Promise<PauseDetails>;
  /** Optional: resume everything in one backend operation (`RESUME ALL;`). */
  resumeAll?(command: ResumeCommand): Promise<void>;
  /**
   * Optional: the latest records of the resource's output topics, read without joining or
   * committing a consumer group (agent/kafka/topicPeek.ts). Resources writing no topic answer Unsupported.
   */
  peek?(name: string, options: { limit: number }): Promise<PeekResponse>;

  /**
   * Optional: run one statement that creates or changes a resource (ksqlDB's CREATE ... AS
   * SELECT), upgrading in place where the backend can. Failures change nothing unless said.
   */
  deploy?(statement: string, options: DeployOptions): Promise<DeployOutcome>;
}

/**
 * The part of an adapter that says what is paused, by whom and until when: where a backend keeps
 * no such facts, the agent's journal supplies them around the same calls (JournalPauseDetails).
 */
export type PauseFacts = Pick<BackendAdapter, 'list' | 'get' | 'pause' | 'resume' | 'stop' | 'pauseAll'>;

/**
 * Where the who / why / until-when of a pause live.
 * - `backend`: the backend stores them (S3 control objects); the adapter reads them back.
 * - `agent`: the backend knows only paused-or-not (ksqlDB). Its adapter lists resources with
 *   `pause: null` and ignores the details of a PauseCommand; the core keeps them in the journal
 *   and fills `resource.pause` from it, so reason, paused-by and auto-resume work the same.
 */
export type PauseDetailsStore = 'backend' | 'agent';

export interface AdapterContext {
  log: Logger;
  metrics: Registry;
  /** The agent owns long-lived pieces (a gateway, say); a CLI without an agent only reads and writes state. */
  role: 'agent' | 'cli';
  /** The agent's home folder, for adapters that keep state of their own. */
  home: string;
}

/** A backend is one folder that exports one of these; nothing else needs to change to add one. */
export interface BackendDefinition<Config extends { name: string; kind: string }> {
  kind: Config['kind'];
  /** Zod schema of this backend's entry in the connections file (published as JSON schema). */
  configSchema: z.ZodObject & z.ZodType<Config>;
  /** Default `backend`. */
  pauseDetails?: PauseDetailsStore;
  /** How the clients word each kind of resource this backend lists, by resource kind. */
  presents: KindPresentations;
  /** What the editor's Add Connection asks for one connection of this backend (see ConnectionField). */
  connects: Omit<ConnectionKind, 'kind'>;
  /** Set by backends whose adapter implements `deploy`: what of a .sql file the editor sends it. */
  deploys?: DeployUnit;
  /**
   * What the agent reads again after a pause or resume through it. `connection` (the default)
   * lists the whole connection: right where that is one call and lineage spans its resources
   * (Connect, ksqlDB, Flink). `resource` reads only the one acted on: for backends whose every
   * resource costs calls of its own and depends on no other (an S3 queue's bucket, a Querator queue).
   */
  refreshesAfterAction?: 'connection' | 'resource';
  create(config: Config, context: AdapterContext): BackendAdapter;
}
