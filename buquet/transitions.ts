import { randomUUID } from 'node:crypto';
import { retryDelayMs, type TaskRecord } from './task';

/**
 * buquet's task state changes as pure functions of the task and the server time (its
 * worker/claim.rs, transitions.rs and monitor.rs). Each answers the new task, or null when the
 * change does not apply; taskStore.updateTask writes it with If-Match.
 */

/** pending and due -> running, leased to `workerId` for the task's timeout. */
export function claim(task: TaskRecord, now: Date, workerId: string): TaskRecord | null {
  if (task.status !== 'pending' || Date.parse(task.available_at) > now.getTime()) return null;
  if (task.expires_at && Date.parse(task.expires_at) <= now.getTime()) return null;
  return {
    ...task,
    status: 'running',
    worker_id: workerId,
    lease_id: randomUUID(),
    attempt: task.attempt + 1,
    lease_expires_at: new Date(now.getTime() + task.timeout_seconds * 1000).toISOString(),
    updated_at: now.toISOString(),
  };
}

/** Only the holder of the current lease may finish a task: a worker whose lease was taken over finishes nothing. */
export function holdsLease(task: TaskRecord, leaseId: string | null): boolean {
  return task.status === 'running' && leaseId !== null && task.lease_id === leaseId;
}

const LEASE_CLEARED = { lease_id: null, lease_expires_at: null, worker_id: null } as const;

export function complete(task: TaskRecord, now: Date, output: unknown): TaskRecord {
  const at = now.toISOString();
  return { ...task, ...LEASE_CLEARED, status: 'completed', output: output ?? null, completed_at: at, updated_at: at };
}

/** Back to pending after buquet's backoff while retries remain, else failed for good. */
export function retryOrFail(task: TaskRecord, now: Date, error: string, retryable: boolean, random: () => number = Math.random): TaskRecord {
  const at = now.toISOString();
  if (retryable && task.retry_count < task.max_retries) {
    const availableAt = new Date(now.getTime() + retryDelayMs(task.retry_policy, task.retry_count, random));
    return { ...task, ...LEASE_CLEARED, status: 'pending', retry_count: task.retry_count + 1, last_error: error, available_at: availableAt.toISOString(), updated_at: at };
  }
  return { ...task, ...LEASE_CLEARED, status: 'failed', last_error: error, completed_at: at, updated_at: at };
}

/** A running task whose lease ran out (its worker died or hung): retried like a timeout. */
export function recoverExpiredLease(task: TaskRecord, now: Date): TaskRecord | null {
  if (task.status !== 'running' || !task.lease_expires_at || Date.parse(task.lease_expires_at) >= now.getTime()) return null;
  return retryOrFail(task, now, 'Timeout - task exceeded lease duration', true);
}
