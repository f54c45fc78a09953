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

export function toWorkerInfo(heartbeat: DecodedHeartbeat, now: Date, staleAfterMs: number): WorkerInfo {
  const healthy = heartbeat.lastHeartbeatAt !== null && now.getTime() - heartbeat.lastHeartbeatAt.getTime() <= staleAfterMs;
  return {
    id: heartbeat.id,
    status: heartbeat.status ?? (heartbeat.currentTask ? 'busy' : 'idle'),
    healthy,
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
