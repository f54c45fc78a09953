import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { fetchServerTime, isNotFound, isPreconditionFailed, serverTime, type QueueStore } from './client';
import { leaseKey, readyKey, taskKey } from './layout';
import { readObject } from './objects';
import { decodeTask, newTask, type NewTaskOptions, type TaskRecord } from './task';

export interface TaskRef {
  shard: string;
  id: string;
}

/**
 * The one way a task changes state, as buquet does it: GET the task with its ETag, let `change`
 * decide on the server's time, PUT with If-Match (a 412 means another worker won: null), then
 * bring the ready and lease index objects in line. `change` answers null to leave the task alone.
 */
export async function updateTask(
  store: QueueStore,
  bucket: string,
  ref: TaskRef,
  change: (task: TaskRecord, now: Date) => TaskRecord | null,
): Promise<TaskRecord | null> {
  const object = await readObject(store, bucket, taskKey(ref.shard, ref.id));
  if (!object?.etag) return null;
  const before = decodeTask(object.body);
  const after = change(before, serverTime(store));
  if (!after) return null;
  try {
    await store.s3.send(new PutObjectCommand({ Bucket: bucket, Key: taskKey(ref.shard, ref.id), Body: JSON.stringify(after), IfMatch: object.etag }));
  } catch (error) {
    if (isPreconditionFailed(error)) return null;
    throw error;
  }
  // The task object is the truth; its index entries are best-effort, as in buquet (its sweeper repairs them).
  await moveIndexEntries(store, bucket, before, after).catch(() => undefined);
  return after;
}

/** Creates the task (If-None-Match: *, so an id is never reused), then its ready index entry. */
export async function submitTask(store: QueueStore, bucket: string, taskType: string, input: unknown, options: NewTaskOptions = {}): Promise<TaskRecord> {
  const now = store.serverNow() ?? (await fetchServerTime(store, bucket));
  const task = newTask(taskType, input, now, options);
  await store.s3.send(new PutObjectCommand({ Bucket: bucket, Key: taskKey(task.shard, task.id), Body: JSON.stringify(task), IfNoneMatch: '*' }));
  await putIndexEntry(store, bucket, readyKey(task.shard, task.id, new Date(task.available_at)));
  return task;
}

/** Where a task is listed: pending tasks in ready/, running ones in leases/, finished ones nowhere. */
function indexEntries(task: TaskRecord): string[] {
  if (task.status === 'pending') return [readyKey(task.shard, task.id, new Date(task.available_at))];
  if (task.status === 'running' && task.lease_expires_at) return [leaseKey(task.shard, task.id, new Date(task.lease_expires_at))];
  return [];
}

/** New entries first, then old ones away, in buquet's order. */
async function moveIndexEntries(store: QueueStore, bucket: string, before: TaskRecord, after: TaskRecord): Promise<void> {
  const old = indexEntries(before);
  const wanted = indexEntries(after);
  for (const key of wanted.filter((k) => !old.includes(k))) await putIndexEntry(store, bucket, key);
  for (const key of old.filter((k) => !wanted.includes(k))) {
    await store.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }
}

function putIndexEntry(store: QueueStore, bucket: string, key: string): Promise<unknown> {
  return store.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(0), ContentLength: 0 }));
}
