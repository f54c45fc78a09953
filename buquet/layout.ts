import type { Scope } from '../../../protocol/resource';

/** Object keys of buquet's bucket layout and of the pause design (seed 003). */
export const GLOBAL_PAUSE_KEY = 'control/paused.json';
export const SCOPED_PAUSE_PREFIX = 'control/paused/';
export const WORKERS_PREFIX = 'workers/';
export const READY_PREFIX = 'ready/';
export const LEASES_PREFIX = 'leases/';
export const CONDITIONAL_WRITE_PROBE_KEY = 'control/.conditional-write-probe';

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
