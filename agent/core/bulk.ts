import pLimit, { type LimitFunction } from 'p-limit';
import type { BulkCounts, BulkResult } from '../../protocol/api';

/**
 * How many items of one bulk operation run at once per connection: enough that a pause-all of
 * thousands of ksqlDB queries takes seconds, few enough that no backend is flooded.
 */
export const BULK_CONCURRENCY = 8;

export interface BulkItem {
  /** What the result names (a resource id, or one scope of it). */
  id: string;
  connection: string;
  run(): Promise<unknown>;
}

/** Told after each item ends. */
export type BulkProgress = (counts: BulkCounts) => void;

/**
 * Runs every item, at most BULK_CONCURRENCY at a time per connection, in the order given; the
 * failure of one item is its own failed result and the rest carry on. Results in item order.
 */
export async function runBulk(items: BulkItem[], onProgress?: BulkProgress): Promise<BulkResult[]> {
  const limits = new Map<string, LimitFunction>();
  const limitFor = (connection: string) => {
    let limit = limits.get(connection);
    if (!limit) limits.set(connection, (limit = pLimit(BULK_CONCURRENCY)));
    return limit;
  };
  let done = 0;
  let failed = 0;
  return Promise.all(
    items.map((item) =>
      limitFor(item.connection)(async () => {
        const result = await attempt(item.id, item.run);
        done += 1;
        if (!result.ok) failed += 1;
        onProgress?.({ done, total: items.length, failed });
        return result;
      }),
    ),
  );
}

async function attempt(id: string, operation: () => Promise<unknown>): Promise<BulkResult> {
  try {
    await operation();
    return { id, ok: true, error: null };
  } catch (error) {
    return { id, ok: false, error: (error as Error).message };
  }
}
