import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { shardOf } from './layout';

/**
 * buquet's task object (`tasks/<shard>/<id>.json`) as buquet 0.1.0 writes it. Fields this module
 * does not use (payload refs, reschedules, expiry, cancellation) pass through untouched, so a
 * task read and written back by a Node worker stays a valid buquet task.
 */
const RetryPolicy = z.object({
  initial_interval_ms: z.number().nonnegative(),
  max_interval_ms: z.number().nonnegative(),
  multiplier: z.number().positive(),
  jitter_percent: z.number().min(0).max(1),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initial_interval_ms: 1000, max_interval_ms: 60_000, multiplier: 2, jitter_percent: 0.25 };

const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'an RFC 3339 time');

export const TaskRecord = z
  .object({
    id: z.string(),
    shard: z.string(),
    task_type: z.string(),
    input: z.unknown(),
    output: z.unknown().default(null),
    timeout_seconds: z.number().int().nonnegative().default(300),
    max_retries: z.number().int().nonnegative().default(3),
    retry_count: z.number().int().nonnegative().default(0),
    retry_policy: RetryPolicy.default(DEFAULT_RETRY_POLICY),
    status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'archived', 'expired']).default('pending'),
    created_at: time,
    available_at: time,
    lease_expires_at: time.nullable().default(null),
    lease_id: z.string().nullable().default(null),
    attempt: z.number().int().nonnegative().default(0),
    updated_at: time,
    completed_at: time.nullable().default(null),
    worker_id: z.string().nullable().default(null),
    last_error: z.string().nullable().default(null),
    expires_at: time.nullish(),
  })
  .loose();
export type TaskRecord = z.infer<typeof TaskRecord>;

export function decodeTask(body: string): TaskRecord {
  return TaskRecord.parse(JSON.parse(body));
}

export interface NewTaskOptions {
  timeoutSeconds?: number;
  maxRetries?: number;
  retryPolicy?: RetryPolicy;
  /** Not before this time (server clock); default now. */
  availableAt?: Date;
}

/** A pending task with buquet's defaults, in buquet's field order. */
export function newTask(taskType: string, input: unknown, now: Date, options: NewTaskOptions = {}): TaskRecord {
  const id = randomUUID();
  const created = now.toISOString();
  return {
    id,
    shard: shardOf(id),
    task_type: taskType,
    input,
    output: null,
    timeout_seconds: options.timeoutSeconds ?? 300,
    max_retries: options.maxRetries ?? 3,
    retry_count: 0,
    retry_policy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
    status: 'pending',
    created_at: created,
    available_at: (options.availableAt ?? now).toISOString(),
    lease_expires_at: null,
    lease_id: null,
    attempt: 0,
    updated_at: created,
    completed_at: null,
    worker_id: null,
    last_error: null,
    reschedule_count: 0,
    cancel_requested: false,
  };
}

/** buquet's backoff: initial * multiplier^retries, capped, then +/- jitter_percent. */
export function retryDelayMs(policy: RetryPolicy, retryCount: number, random: () => number = Math.random): number {
  const base = Math.min(policy.initial_interval_ms * policy.multiplier ** retryCount, policy.max_interval_ms);
  return Math.max(0, Math.round(base * (1 + policy.jitter_percent * (2 * random() - 1))));
}
