import { PauseError } from '../../../protocol/errors';
import { callJson, type JsonServer } from '../jsonHttp';
import { readDuhError } from './duh';

/** How long one call to the server may take, headers and body. */
export const CALL_TIMEOUT_MS = 5000;
const LIST_PAGE = 1000;

export interface QueueInfo {
  queue_name: string;
  lease_timeout?: string;
  expire_timeout?: string;
  dead_queue?: string;
}

export interface QueueStats {
  queue_name?: string;
  logicalQueues?: Array<{
    in_flight?: number;
    partitions?: Array<{ partition?: number; total?: number; total_leased?: number; failures?: number; average_age?: string }>;
  }>;
}

export interface StorageItem {
  id: string;
  is_leased?: boolean;
  created_at?: string;
}

/** The agent's own calls to a Querator server (never through the gateway): listing and stats. */
export class QueratorClient {
  constructor(
    private readonly endpoint: string,
    private readonly onReply: (body: string) => void = () => undefined,
  ) {}

  describe(): string {
    return new URL(this.endpoint).origin;
  }

  /** Every queue, page by page; queues.list includes the pivot, so each later page drops its first item. */
  async listQueues(): Promise<QueueInfo[]> {
    const queues: QueueInfo[] = [];
    let pivot: string | null = null;
    for (;;) {
      const page: { items?: QueueInfo[] } = await this.call('/v1/queues.list', pivot === null ? { limit: LIST_PAGE } : { limit: LIST_PAGE, pivot });
      const items = (page.items ?? []).filter((item) => item.queue_name !== pivot);
      queues.push(...items);
      if ((page.items ?? []).length < LIST_PAGE || items.length === 0) return queues;
      pivot = items[items.length - 1].queue_name;
    }
  }

  /** null when the server says the queue does not exist. */
  async queueInfo(name: string): Promise<QueueInfo | null> {
    try {
      return await this.call('/v1/queues.info', { queue_name: name });
    } catch (error) {
      if (error instanceof PauseError && error.code === 'NotFound') return null;
      throw error;
    }
  }

  async stats(name: string): Promise<QueueStats> {
    return this.call('/v1/queue.stats', { queue_name: name });
  }

  async storageItems(name: string, partition: number, limit: number): Promise<StorageItem[]> {
    const page: { items?: StorageItem[] } = await this.call('/v1/storage/items.list', { queue_name: name, partition, limit });
    return page.items ?? [];
  }

  private async call<T>(path: string, body: object): Promise<T> {
    // Every call the agent makes to the server only reads; pauses live in the gateway.
    const json = await callJson(this.server, 'POST', path, body, { changes: false });
    if (json === undefined) throw new PauseError('BackendError', `Querator at ${this.describe()} answered ${path} with a body that is not JSON`);
    return json as T;
  }

  private get server(): JsonServer {
    return {
      server: `Querator at ${this.describe()}`,
      baseUrl: this.describe(),
      timeoutMs: CALL_TIMEOUT_MS,
      onText: this.onReply,
      // DUH-RPC errors are {code, message}; a missing queue is the one the adapter asks about.
      failure: (status, _json, text, path) => {
        const message = readDuhError(text)?.message ?? text.slice(0, 200);
        if (/^queue does not exist/.test(message)) return new PauseError('NotFound', message);
        return new PauseError('BackendError', `Querator at ${this.describe()} answered ${path} with ${status}: ${message}`);
      },
    };
  }
}

/** Partitions up to this many items are counted item by item; bigger ones use the stats' counter. */
const EXACT_COUNT_LIMIT = 1000;

/**
 * Waiting = items not leased; leased = items handed out and not completed or retried yet.
 * queue.stats gives each partition's `total` (from storage) but, in v0.0.11, a `total_leased`
 * that counts leases handed out since the partition was loaded and never goes down on complete or
 * retry. So a partition of up to 1000 items is counted from /v1/storage/items.list (`is_leased`),
 * and only a bigger one falls back to the counter (capped at its total).
 */
export async function backlogOf(client: QueratorClient, name: string): Promise<{ pending: number; inFlight: number; oldestPendingAt: string | null }> {
  const stats = await client.stats(name);
  let pending = 0;
  let leased = 0;
  let oldest: string | null = null;
  let exact = true;
  for (const logical of stats.logicalQueues ?? []) {
    for (const partition of logical.partitions ?? []) {
      const total = partition.total ?? 0;
      if (total === 0) continue;
      if (total <= EXACT_COUNT_LIMIT) {
        const items = await client.storageItems(name, partition.partition ?? 0, EXACT_COUNT_LIMIT);
        const inPartition = items.filter((item) => item.is_leased).length;
        leased += inPartition;
        pending += items.length - inPartition;
        for (const item of items) {
          if (!item.is_leased && item.created_at && (oldest === null || Date.parse(item.created_at) < Date.parse(oldest))) oldest = item.created_at;
        }
      } else {
        exact = false;
        const counted = Math.min(partition.total_leased ?? 0, total);
        leased += counted;
        pending += total - counted;
      }
    }
  }
  return { pending, inFlight: leased, oldestPendingAt: exact && oldest ? new Date(Date.parse(oldest)).toISOString() : null };
}
