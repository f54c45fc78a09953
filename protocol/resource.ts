import { z } from 'zod';

/** Every backend's objects map onto this one shape; agent, CLI and extension share it. */
export const ResourceState = z.enum([
  'running',
  'pausing',
  'paused',
  'resuming',
  'partially-paused',
  'stopped',
  'failed',
  'unknown',
]);
export type ResourceState = z.infer<typeof ResourceState>;

const isoTime = z.iso.datetime({ offset: true });

export const PauseDetails = z.object({
  pausedAt: isoTime,
  pausedBy: z.string(),
  reason: z.string().nullable(),
  resumeAt: isoTime.nullable(),
  /** Opaque version of the pause as the backend stores it (an S3 ETag): lets a scheduled
   * resume remove exactly the pause it was scheduled for and never a newer one. */
  version: z.string().nullable(),
  /**
   * Set when the backend refused the scheduled resume for good (a ksqlDB query that reads a
   * source table, say): why, in one line. The pause then holds until someone resumes it.
   */
  autoResumeRefused: z.string().nullable().optional(),
});
export type PauseDetails = z.infer<typeof PauseDetails>;

export const Scope = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('task-type'),
    value: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a task type is 1-128 letters, digits, "_", "." or "-"')
      // "." and ".." would name the pause folder itself or its parent once in a key path.
      .refine((type) => type !== '.' && type !== '..', 'a task type cannot be "." or ".."'),
  }),
  z.object({ type: z.literal('shard'), value: z.string().regex(/^[0-9a-f]{1,4}$/, 'a shard is 1-4 lowercase hex digits, as buquet names shards') }),
]);
export type Scope = z.infer<typeof Scope>;

export const ScopedPause = z.object({ scope: Scope, pause: PauseDetails });
export type ScopedPause = z.infer<typeof ScopedPause>;

export const Backlog = z.object({
  /** Work waiting to be picked up (tasks, records, items); null when unknown. */
  pending: z.number().int().nonnegative().nullable(),
  /**
   * True when `pending` is a lower bound: only a capped part of a long backlog was counted (an S3
   * queue's first 1,000 `ready/` keys), shown as "1,000+". Absent or false: the count is exact.
   */
  pendingIsLowerBound: z.boolean().optional(),
  /** Work picked up and not yet finished. */
  inFlight: z.number().int().nonnegative().nullable(),
  oldestPendingAt: isoTime.nullable(),
  /** After this moment paused data is lost (retention); null when the backend cannot know. */
  dataLossAt: isoTime.nullable(),
});
export type Backlog = z.infer<typeof Backlog>;

export const WorkerInfo = z.object({
  id: z.string(),
  status: z.enum(['idle', 'busy', 'paused', 'unknown']),
  healthy: z.boolean(),
  currentTask: z.string().nullable(),
  startedAt: isoTime.nullable(),
  lastHeartbeatAt: isoTime.nullable(),
  /** False for a heartbeat without our `status` field (buquet 0.1.0): it keeps claiming while paused. */
  honoursPause: z.boolean(),
});
export type WorkerInfo = z.infer<typeof WorkerInfo>;

/**
 * Whether a pause can be seen to hold, from the backend's own progress marker (committed
 * offsets, ...) watched since the pause was first seen. `confirmed`: no progress since `since`
 * while new work arrived; `unproven`: no progress, but no new work arrived to prove it with;
 * `progressing`: progress seen after the pause (not in effect yet, or not honoured).
 */
export const PauseEffect = z.object({
  status: z.enum(['confirmed', 'unproven', 'progressing']),
  /** The last progress seen, or when the pause was first seen if none since. */
  since: isoTime,
  /** One line of evidence, e.g. "committed offsets unchanged since 12:00:03Z while 40 records arrived". */
  detail: z.string(),
});
export type PauseEffect = z.infer<typeof PauseEffect>;

export const Lineage = z.object({
  /** Ids of the resources whose output this one reads. */
  upstream: z.array(z.string()),
  /** Ids of the resources that read this one's output. */
  downstream: z.array(z.string()),
  /** Data sets read and written, named `kafka-topic:<topic>` (so lineage can cross backends). */
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
});
export type Lineage = z.infer<typeof Lineage>;

export const Capabilities = z.object({
  pause: z.boolean(),
  resume: z.boolean(),
  pauseAll: z.boolean(),
  scheduledResume: z.boolean(),
  scopedPause: z.boolean(),
  /**
   * Stop is offered. Adapters leave it out: the agent sets it from whether the backend's adapter
   * can stop at all (its optional `stop`), so the method is the one source of that fact.
   */
  stop: z.boolean().optional(),
  /**
   * Why `pause` is false right now, in one line a user can act on, when the backend pauses a
   * resource only in some stages (a Relational Migrator job: only in its CDC stage).
   */
  pauseUnavailable: z.string().nullable().optional(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/**
 * A set of pauses made together ("pause upstream of X"): one reason, one auto-resume, resumed as
 * one. The agent's journal records membership, so it works the same for every backend.
 */
export const PauseGroupRef = z.object({
  id: z.string(),
  name: z.string(),
  /** The resource whose upstream was paused. */
  target: z.string(),
});
export type PauseGroupRef = z.infer<typeof PauseGroupRef>;

export const Resource = z.object({
  /** `<connection>/<name>`: how users address it in the CLI and the API. */
  id: z.string(),
  kind: z.string(),
  connection: z.string(),
  name: z.string(),
  /**
   * What people call it, where `name` is an opaque id (a Relational Migrator job's UUID): rows,
   * lists and tooltips show it, while `id` stays the address. Absent: `name` is the label.
   */
  label: z.string().nullable().optional(),
  state: ResourceState,
  /** One line that qualifies the state, e.g. "task type send_email paused". */
  stateDetail: z.string().nullable(),
  pause: PauseDetails.nullable(),
  /** The group the current pause belongs to, if it was made as part of one. */
  pauseGroup: PauseGroupRef.nullable(),
  scopedPauses: z.array(ScopedPause),
  backlog: Backlog,
  workers: z.array(WorkerInfo).nullable(),
  lineage: Lineage,
  capabilities: Capabilities,
  /** Proof that the pause took effect; null when not paused or the backend shows no progress marker. */
  pauseEffect: PauseEffect.nullable(),
  lastError: z.string().nullable(),
  observedAt: isoTime,
});
export type Resource = z.infer<typeof Resource>;

/**
 * What a connection deploys from a .sql file: each `CREATE ... AS SELECT` on its own
 * (`statement`), or the whole file as one script whose INSERT INTO becomes the job (`script`).
 */
export const DeployUnit = z.enum(['statement', 'script']);
export type DeployUnit = z.infer<typeof DeployUnit>;

export const ConnectionStatus = z.object({
  name: z.string(),
  kind: z.string(),
  /** Absent when the backend deploys nothing. */
  deploys: DeployUnit.optional(),
  /**
   * slow: the backend took a request but gave no answer in time. failing: it answered, with an
   * error (refused credentials, a 400): reachable, but its state is unknown until that is fixed.
   */
  status: z.enum(['connecting', 'ok', 'slow', 'unreachable', 'failing']),
  error: z.string().nullable(),
  checkedAt: isoTime.nullable(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/** A connection whose resources cannot be trusted now, and why (`error`). */
export type TroubledConnectionStatus = Exclude<ConnectionStatus['status'], 'ok' | 'connecting'>;

export function isTroubled(status: ConnectionStatus['status']): status is TroubledConnectionStatus {
  return status !== 'ok' && status !== 'connecting';
}

/** What people call a resource: its label where the backend gave one, else its name. */
export function displayName(resource: Pick<Resource, 'name' | 'label'>): string {
  return resource.label || resource.name;
}

/**
 * How messages and pick lists name a resource: its address, led by its label when the backend
 * gave one (a Relational Migrator job's id is a UUID nobody recognises).
 */
export function namedResource(resource: Pick<Resource, 'id' | 'label'>): string {
  return resource.label ? `${resource.label} (${resource.id})` : resource.id;
}

export function resourceId(connection: string, name: string): string {
  return `${connection}/${name}`;
}

/** A resource with nothing observed yet: adapters start from this and fill in what they know. */
export function blankResource(connection: string, name: string, kind: string, capabilities: Capabilities): Resource {
  return {
    id: resourceId(connection, name),
    kind,
    connection,
    name,
    state: 'unknown',
    stateDetail: null,
    pause: null,
    pauseGroup: null,
    scopedPauses: [],
    backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null },
    workers: null,
    lineage: { upstream: [], downstream: [], inputs: [], outputs: [] },
    capabilities,
    pauseEffect: null,
    lastError: null,
    observedAt: new Date().toISOString(),
  };
}

/** "25", "1,000,000", or "1,000+" when the count is a lower bound; null when unknown. */
export function formatPending(backlog: Backlog): string | null {
  if (backlog.pending === null) return null;
  return `${backlog.pending.toLocaleString('en-US')}${backlog.pendingIsLowerBound ? '+' : ''}`;
}
