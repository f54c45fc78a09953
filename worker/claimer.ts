import { serverTime, type QueueStore } from '../buquet/client';
import { epochMinute, parseIndexKey, READY_PREFIX, type IndexEntry } from '../buquet/layout';
import { listKeyPage } from '../buquet/objects';
import type { TaskRecord } from '../buquet/task';
import { updateTask } from '../buquet/taskStore';
import { claim } from '../buquet/transitions';
import { ForeignTasks, type ListedPage } from './foreignTasks';
import type { Permit } from './pauseGate';

type DueEntry = IndexEntry & { key: string };

/**
 * buquet's claim protocol over its ready index: list `ready/`, and for each due entry GET the
 * task, check it is pending, due and of a type this worker handles, and PUT it as running with
 * If-Match (a 412 means another worker won it). The pause is checked before every claim. Tasks
 * of types it cannot run now are remembered, so the next polls do not GET them again.
 */
export class Claimer {
  /** Each worker starts at its own shard and moves on one per poll, so workers spread over shards. */
  private cursor = Math.floor(Math.random() * 1024);
  private readonly foreign = new ForeignTasks();

  constructor(
    private readonly store: QueueStore,
    private readonly bucket: string,
    private readonly workerId: string,
    private readonly onClaimed: (task: TaskRecord, startedAt: number) => void,
  ) {}

  async claimNext(permit: () => Promise<Permit | null>): Promise<TaskRecord | null> {
    const first = await permit();
    if (!first) return null;
    for (const entry of await this.dueEntries(first)) {
      const current = await permit(); // cached: free until the pause TTL runs out
      if (!current) return null;
      if (!current.shards.has(entry.shard) || this.foreign.skips(entry.key, current.taskTypes)) continue;
      const startedAt = Date.now();
      const claimed = await updateTask(this.store, this.bucket, entry, (task, now) => {
        if (current.taskTypes.has(task.task_type)) return claim(task, now, this.workerId);
        this.foreign.remember(entry.key, task.task_type);
        return null;
      });
      if (claimed) {
        this.onClaimed(claimed, startedAt);
        return claimed;
      }
    }
    return null;
  }

  /** Due ready entries of the permitted shards, starting at this poll's shard. */
  private async dueEntries(permit: Permit): Promise<DueEntry[]> {
    const shards = [...permit.shards].sort();
    const start = shards[this.cursor++ % shards.length];
    const pages: ListedPage[] = [await listKeyPage(this.store, this.bucket, READY_PREFIX)];
    // A backlog longer than one page would hide the later shards; list from this poll's shard too.
    if (pages[0].truncated) {
      const startAfter = `${READY_PREFIX}${start}/`;
      pages.push({ startAfter, ...(await listKeyPage(this.store, this.bucket, READY_PREFIX, startAfter)) });
    }
    this.foreign.forgetGone(pages);
    const keys = new Set(pages.flatMap((page) => page.keys));
    const dueMinute = epochMinute(serverTime(this.store));
    const entries = [...keys].flatMap((key) => {
      const entry = parseIndexKey(key);
      return entry && permit.shards.has(entry.shard) && entry.minute <= dueMinute ? [{ ...entry, key }] : [];
    });
    const rank = (shard: string) => (shards.indexOf(shard) - shards.indexOf(start) + shards.length) % shards.length;
    return entries.sort((a, b) => rank(a.shard) - rank(b.shard) || a.minute - b.minute);
  }
}
