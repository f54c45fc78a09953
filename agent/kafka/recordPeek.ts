import type { Kafka } from 'kafkajs';

/**
 * Reads records at given offsets without joining a consumer group (so the cluster sees no extra
 * group, and nothing is committed): the timestamp of one record (lag deadlines), or a range of
 * records (a peek at a topic's latest records).
 *
 * kafkajs has no public consumer without a group, so this uses its internal Cluster and Broker
 * (a Fetch request, as its consumers send): kafkajs 2.2.4 is its final release, and if those
 * internals are ever missing, `timestampAt` says so and callers report the time as unknown.
 */
const CREATE_CLUSTER = 'private:Kafka:createCluster';
const READ_UNCOMMITTED = 0;
const PEEK_BYTES = 64 * 1024;
/** Per Fetch when reading a range: a few large records or many small ones. */
const RANGE_BYTES = 1024 * 1024;

/** A record as kafkajs decodes it from a Fetch answer. */
export interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown>;
  isControlRecord?: boolean;
}

interface InternalBroker {
  fetch(request: object): Promise<{ responses: Array<{ topicName: string; partitions: Array<{ partition: number; messages: FetchedMessage[] }> }> }>;
}

interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string }): Promise<InternalBroker>;
}

export class RecordPeek {
  private cluster: InternalCluster | null = null;
  private connecting: Promise<InternalCluster> | null = null;
  private generation = 0;
  private readonly cache = new Map<string, number | null>();

  constructor(private readonly kafka: Kafka) {}

  /** Milliseconds since the epoch of the first record at or after `offset`; null when there is none. */
  async timestampAt(topic: string, partition: number, offset: number): Promise<number | null> {
    const key = `${topic}\u0000${partition}\u0000${offset}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const found = await this.withFreshMetadataOnce(() => this.fetchFirst(topic, partition, offset));
    if (found !== null) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }

  /** The records of one partition with offsets in [from, to), oldest first, control records left out. */
  async recordsBetween(topic: string, partition: number, from: number, to: number): Promise<FetchedMessage[]> {
    const found: FetchedMessage[] = [];
    let next = from;
    while (next < to) {
      const messages = await this.withFreshMetadataOnce(() => this.fetchAt(topic, partition, next, RANGE_BYTES));
      if (!messages.length) break;
      for (const message of messages) {
        const offset = Number(message.offset);
        if (offset >= next && offset < to && !message.isControlRecord) found.push(message);
      }
      const after = Math.max(...messages.map((m) => Number(m.offset) + 1));
      if (after <= next) break;
      next = after;
    }
    return found;
  }

  /** Disconnects; a later look connects again. A connection being opened now is closed when it opens. */
  async close(): Promise<void> {
    const cluster = this.cluster;
    const connecting = this.connecting;
    this.cluster = null;
    this.connecting = null;
    this.generation++;
    await cluster?.disconnect().catch(() => undefined);
    await connecting?.then((c) => c.disconnect()).catch(() => undefined);
  }

  /** Leadership moved or metadata is stale: look again once with fresh metadata. */
  private async withFreshMetadataOnce<T>(read: () => Promise<T>): Promise<T> {
    return read().catch(async (error: Error & { type?: string }) => {
      if (!/LEADER|UNKNOWN_TOPIC|NOT_FOUND|Metadata/i.test(`${error.type ?? ''} ${error.name} ${error.message}`)) throw error;
      await (await this.connected()).refreshMetadata();
      return read();
    });
  }

  private async fetchFirst(topic: string, partition: number, offset: number): Promise<number | null> {
    let fetchOffset = offset;
    // A batch may hold only records before the offset or control records; look a few batches on.
    for (let attempt = 0; attempt < 4; attempt++) {
      const messages = await this.fetchAt(topic, partition, fetchOffset, PEEK_BYTES);
      if (!messages.length) return null;
      const first = messages.find((m) => Number(m.offset) >= offset && !m.isControlRecord);
      if (first) return Number(first.timestamp);
      fetchOffset = Math.max(fetchOffset, ...messages.map((m) => Number(m.offset) + 1));
    }
    return null;
  }

  /** One Fetch from the partition's leader, as a consumer sends it but outside any group. */
  private async fetchAt(topic: string, partition: number, offset: number, maxBytes: number): Promise<FetchedMessage[]> {
    const cluster = await this.connected();
    await cluster.addMultipleTargetTopics([topic]);
    const leaders = cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    if (nodeId === undefined) throw new Error(`no leader known for ${topic}-${partition}`);
    const broker = await cluster.findBroker({ nodeId });
    const { responses } = await broker.fetch({
      replicaId: -1,
      isolationLevel: READ_UNCOMMITTED,
      maxWaitTime: 0,
      minBytes: 0,
      maxBytes: maxBytes * 4,
      topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
    });
    return responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === partition)?.messages ?? [];
  }

  private connected(): Promise<InternalCluster> {
    if (this.cluster) return Promise.resolve(this.cluster);
    const generation = this.generation;
    this.connecting ??= (async () => {
      const symbol = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === CREATE_CLUSTER);
      if (!symbol) throw new Error('this kafkajs build has no internal Cluster; record timestamps are unavailable');
      const create = (this.kafka as unknown as Record<symbol, (options: object) => InternalCluster>)[symbol];
      const cluster = create({ allowAutoTopicCreation: false, metadataMaxAge: 60_000, isolationLevel: READ_UNCOMMITTED });
      try {
        await cluster.connect();
      } catch (error) {
        if (generation === this.generation) this.connecting = null;
        await cluster.disconnect().catch(() => undefined);
        throw error;
      }
      if (generation !== this.generation) {
        await cluster.disconnect().catch(() => undefined);
        throw new Error('closed while connecting');
      }
      this.cluster = cluster;
      this.connecting = null;
      return cluster;
    })();
    return this.connecting;
  }
}
