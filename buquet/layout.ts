import type { Scope } from '../protocol/resource';

/** Object keys of buquet's bucket layout and of the pause design (seed 003). */
export const GLOBAL_PAUSE_KEY = 'control/paused.json';
export const SCOPED_PAUSE_PREFIX = 'control/paused/';
export const WORKERS_PREFIX = 'workers/';
export const READY_PREFIX = 'ready/';
export const LEASES_PREFIX = 'leases/';
export const CONDITIONAL_WRITE_PROBE_KEY = 'control/.conditional-write-probe';

/** buquet's default sharding: 16 shards, named by the first hex digit of the task id. */
export const DEFAULT_SHARDS = [...'0123456789abcdef'];

export function shardOf(taskId: string): string {
  return taskId.replace(/-/g, '').slice(0, 1);
}

export function taskKey(shard: string, id: string): string {
  return `tasks/${shard}/${id}.json`;
}

export function workerKey(workerId: string): string {
  return `${WORKERS_PREFIX}${workerId}.json`;
}

/** Index objects sit under a 10-digit epoch-minute folder: of `available_at` (ready) or `lease_expires_at` (leases). */
export function epochMinute(at: Date): number {
  return Math.floor(at.getTime() / 60_000);
}

export function readyKey(shard: string, id: string, availableAt: Date): string {
  return `${READY_PREFIX}${shard}/${String(epochMinute(availableAt)).padStart(10, '0')}/${id}`;
}

export function leaseKey(shard: string, id: string, leaseExpiresAt: Date): string {
  return `${LEASES_PREFIX}${shard}/${String(epochMinute(leaseExpiresAt)).padStart(10, '0')}/${id}`;
}

export interface IndexEntry {
  shard: string;
  minute: number;
  id: string;
}

/** `ready/<shard>/<minute>/<id>` or `leases/<shard>/<minute>/<id>`; null for anything else. */
export function parseIndexKey(key: string): IndexEntry | null {
  const match = /^(?:ready|leases)\/([0-9a-f]{1,4})\/(\d{10})\/([0-9a-f-]{36})$/.exec(key);
  return match ? { shard: match[1], minute: Number(match[2]), id: match[3] } : null;
}

export function pauseKey(scope: Scope | null): string {
  if (!scope) return GLOBAL_PAUSE_KEY;
  return scope.type === 'shard' ? `${SCOPED_PAUSE_PREFIX}shard/${scope.value}` : `${SCOPED_PAUSE_PREFIX}${scope.value}`;
}

export function scopeFromKey(key: string): Scope | null {
  if (!key.startsWith(SCOPED_PAUSE_PREFIX)) return null;
  const rest = key.slice(SCOPED_PAUSE_PREFIX.length);
  const shard = /^shard\/([0-9a-f]{1,4})$/.exec(rest);
  if (shard) return { type: 'shard', value: shard[1] };
  if (/^[A-Za-z0-9_.-]{1,128}$/.test(rest)) return { type: 'task-type', value: rest };
  return null;
}

export function describeScope(scope: Scope): string {
  return scope.type === 'shard' ? `shard ${scope.value}` : `task type ${scope.value}`;
}

/** `queue "q"` or `task type t of queue "q"`, for messages. */
export function describeTarget(bucket: string, scope: Scope | null): string {
  return scope ? `${describeScope(scope)} of queue "${bucket}"` : `queue "${bucket}"`;
}
