import { serverTime, type QueueStore } from '../buquet/client';
import { epochMinute, LEASES_PREFIX, parseIndexKey } from '../buquet/layout';
import { listKeyPage } from '../buquet/objects';
import { updateTask } from '../buquet/taskStore';
import { recoverExpiredLease } from '../buquet/transitions';

/**
 * buquet's timeout monitor: a running task whose lease expired (by server time) goes back to
 * pending, or to failed once its retries are spent. Lease entries are filed by the minute their
 * lease expires, so only entries of past minutes are read.
 */
export async function recoverExpiredLeases(store: QueueStore, bucket: string, shards: Set<string>): Promise<number> {
  const page = await listKeyPage(store, bucket, LEASES_PREFIX);
  const currentMinute = epochMinute(serverTime(store));
  let recovered = 0;
  for (const entry of page.keys.map(parseIndexKey)) {
    if (!entry || !shards.has(entry.shard) || entry.minute > currentMinute) continue;
    if (await updateTask(store, bucket, entry, recoverExpiredLease)) recovered++;
  }
  return recovered;
}
