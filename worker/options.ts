import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pino from 'pino';
import { z } from 'zod';
import { DEFAULT_SHARDS } from '../buquet/layout';

/** pino's calling convention, so a pino logger (or anything shaped like it) can be passed in. */
export interface WorkerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

const WorkerSettings = z.object({
  bucket: z.string().min(3),
  endpoint: z.url().optional(),
  region: z.string().optional(),
  profile: z.string().optional(),
  /** Name in `workers/<id>.json`; unique per worker. */
  workerId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/).optional(),
  /** Shards to claim from (buquet's hex shard names). */
  shards: z.array(z.string().regex(/^[0-9a-f]{1,4}$/)).min(1).default(DEFAULT_SHARDS),
  /** How long a read pause state is trusted before S3 is asked again (the seed's PauseCache TTL). */
  pauseCacheTtlMs: z.number().min(0).default(5000),
  /** Sleep between polls when there is nothing to claim, or while paused. */
  pollIntervalMs: z.number().min(10).default(1000),
  /** buquet heartbeats every 10 s; the agent calls a worker stale after 30 s without one. */
  heartbeatIntervalMs: z.number().min(100).default(10_000),
  /** How often expired leases (crashed or hung workers) are looked for, as buquet's monitor does. */
  leaseCheckIntervalMs: z.number().min(100).default(30_000),
  /** Stop cleanly on SIGTERM and SIGINT (the running task finishes first). */
  handleSignals: z.boolean().default(true),
});

export type WorkerOptions = z.input<typeof WorkerSettings> & { log?: WorkerLogger };
export type WorkerSettings = z.output<typeof WorkerSettings> & { workerId: string; log: WorkerLogger };

export function resolveSettings(options: WorkerOptions): WorkerSettings {
  const parsed = WorkerSettings.safeParse(options);
  if (!parsed.success) throw new Error(`invalid worker options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return {
    ...parsed.data,
    workerId: parsed.data.workerId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`,
    log: options.log ?? pino({ name: 'buquet-worker' }),
  };
}
