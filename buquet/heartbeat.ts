import { z } from 'zod';
import type { WorkerInfo } from '../protocol/resource';
import type { FetchedObject } from './objects';

export const WorkerStatus = z.enum(['idle', 'busy', 'paused']);
export type WorkerStatus = z.infer<typeof WorkerStatus>;

/** buquet's `workers/{id}.json` heartbeat; `status` is added by our Node workers. */
const Heartbeat = z
  .object({
    worker_id: z.string(),
    started_at: z.string().nullish(),
    last_heartbeat: z.string().nullish(),
    current_task: z.string().nullish(),
    status: WorkerStatus.nullish(),
  })
  .loose();

export interface DecodedHeartbeat {
  id: string;
  startedAt: Date | null;
  lastHeartbeatAt: Date | null;
  currentTask: string | null;
  status: WorkerStatus | null;
}

export interface HeartbeatState {
  workerId: string;
  startedAt: Date;
  lastHeartbeat: Date;
  shards: string[];
  currentTask: string | null;
  tasksCompleted: number;
  tasksFailed: number;
  status: WorkerStatus;
}

/** buquet's WorkerInfo, field for field and in its order, then `status`, which buquet ignores. */
export function encodeHeartbeat(state: HeartbeatState): string {
  return JSON.stringify({
    worker_id: state.workerId,
    started_at: state.startedAt.toISOString(),
    last_heartbeat: state.lastHeartbeat.toISOString(),
    shards: state.shards,
    current_task: state.currentTask,
    tasks_completed: state.tasksCompleted,
    tasks_failed: state.tasksFailed,
    status: state.status,
  });
}

export function decodeHeartbeat(object: FetchedObject, key: string): DecodedHeartbeat | null {
  try {
    const parsed = Heartbeat.safeParse(JSON.parse(object.body));
    if (!parsed.success) return null;
    return {
      id: parsed.data.worker_id || key,
      startedAt: toDate(parsed.data.started_at),
      lastHeartbeatAt: toDate(parsed.data.last_heartbeat),
      currentTask: parsed.data.current_task ?? null,
      status: parsed.data.status ?? null,
    };
  } catch {
    return null;
  }
}

export interface WorkerAges {
  /** Older than this: shown stale. */
  staleAfterMs: number;
  /** Older than this: not shown at all (a dead worker's heartbeat stays in the bucket; it is not ours to delete). */
  forgetAfterMs: number;
}

/** The worker as shown, or null once its heartbeat is too old to be worth showing. */
export function toWorkerInfo(heartbeat: DecodedHeartbeat, now: Date, ages: WorkerAges): WorkerInfo | null {
  const age = heartbeat.lastHeartbeatAt === null ? null : now.getTime() - heartbeat.lastHeartbeatAt.getTime();
  if (age !== null && age > ages.forgetAfterMs) return null;
  // Only our Node workers write `status`; without it the worker (buquet 0.1.0) does not check the pause,
  // so all we know is whether it holds a task.
  const honoursPause = heartbeat.status !== null;
  return {
    id: heartbeat.id,
    status: heartbeat.status ?? (heartbeat.currentTask ? 'busy' : 'unknown'),
    honoursPause,
    healthy: age !== null && age <= ages.staleAfterMs,
    currentTask: heartbeat.currentTask,
    startedAt: heartbeat.startedAt?.toISOString() ?? null,
    lastHeartbeatAt: heartbeat.lastHeartbeatAt?.toISOString() ?? null,
  };
}

function toDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}
