import type { Admin, Kafka } from 'kafkajs';
import { PauseError } from '../../protocol/errors';
import { datasetLabel } from '../../protocol/lineage';
import { PEEK_VALUE_MAX_CHARS, type PeekRecord, type PeekResponse, type TopicPeek } from '../../protocol/peek';
import type { Resource } from '../../protocol/resource';
import { createKafka, describeBrokers, lookDeadlineMs, type KafkaAccess } from './access';
import { NoAnswer, withinDeadline } from './deadline';
import { RecordPeek, type FetchedMessage } from './recordPeek';

const TOPIC_PREFIX = 'kafka-topic:';

/** The Kafka topics a resource writes, from its lineage outputs. */
export function outputTopics(resource: Resource): string[] {
  return resource.lineage.outputs.filter((o) => o.startsWith(TOPIC_PREFIX)).map(datasetLabel);
}

/**
 * The latest records of a resource's output topics, for adapters whose resources write to Kafka
 * (ksqlDB queries, Kafka Connect sources). It reads with ListOffsets (admin) and plain Fetch
 * requests (RecordPeek), never as a consumer-group member: nothing joins, nothing commits, so
 * peeking disturbs no one. Connects on first use only; most sessions never peek.
 */
export class TopicPeeker {
  private kafka: Kafka | null = null;
  private reader: RecordPeek | null = null;

  constructor(
    /** Null when the connection names no Kafka cluster. */
    private readonly access: KafkaAccess | null,
    private readonly connection: string,
  ) {}

  async peek(resource: Resource, limit: number): Promise<PeekResponse> {
    const topics = outputTopics(resource);
    if (!topics.length) throw new PauseError('Unsupported', `${resource.id} writes to no Kafka topic, so there is nothing to peek at`);
    if (!this.access) {
      throw new PauseError('Unsupported', `connection "${this.connection}" names no Kafka cluster; add "kafka": {"brokers": ["host:port"]} to it in the connections file to peek at ${topics.join(', ')}`);
    }
    const access = this.access;
    try {
      return await withinDeadline(this.read(access, resource, topics, limit), lookDeadlineMs(access), () => this.close());
    } catch (error) {
      if (error instanceof PauseError) throw error;
      // A broken connection is not reused: the next peek connects afresh.
      await this.close();
      throw new PauseError(
        error instanceof NoAnswer ? 'BackendTimeout' : 'BackendUnavailable',
        `cannot read ${topics.join(', ')} from Kafka at ${describeBrokers(access)}: ${(error as Error).message}; check that the brokers are up and reachable from the agent, or fix "kafka" of connection "${this.connection}" in the connections file`,
      );
    }
  }

  private async read(access: KafkaAccess, resource: Resource, topics: string[], limit: number): Promise<PeekResponse> {
    const readAt = new Date().toISOString();
    this.kafka ??= createKafka(access, `pipeline-pause-${this.connection}-peek`);
    this.reader ??= new RecordPeek(this.kafka);
    const reader = this.reader;
    const admin = this.kafka.admin({ retry: { retries: 1 } });
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const peeks: TopicPeek[] = [];
      for (const topic of topics) {
        if (!existing.has(topic)) throw new PauseError('NotFound', `${resource.id} writes to topic "${topic}", which does not exist on Kafka at ${describeBrokers(access)} yet`);
        peeks.push(await this.latest(admin, reader, topic, limit));
      }
      return { id: resource.id, limit, readAt, topics: peeks };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    this.kafka = null;
    await reader?.close();
  }

  /**
   * The newest `limit` records of any partition are among the last `limit` offsets of their own
   * partition, so each partition is read from end - limit and the union cut to the newest.
   */
  private async latest(admin: Admin, reader: RecordPeek, topic: string, limit: number): Promise<TopicPeek> {
    const partitions = (await admin.fetchTopicOffsets(topic))
      .map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
    const records: PeekRecord[] = [];
    for (const { partition, start, end } of partitions) {
      const from = Math.max(start, end - limit);
      for (const message of await reader.recordsBetween(topic, partition, from, end)) records.push(toRecord(partition, message));
    }
    records.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.partition - b.partition || a.offset - b.offset);
    return { topic, partitions, records: records.slice(-limit) };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toRecord(partition: number, message: FetchedMessage): PeekRecord {
  const value = text(message.value);
  return {
    partition,
    offset: Number(message.offset),
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: text(message.key).text,
    value: value.text,
    binary: value.binary,
    truncated: value.truncated,
    headers: Object.keys(message.headers ?? {}).length,
  };
}

/** UTF-8 text when the bytes are UTF-8, base64 otherwise (Avro, Protobuf), cut at the peek's limit. */
function text(bytes: Buffer | null): { text: string | null; binary: boolean; truncated: boolean } {
  if (bytes === null) return { text: null, binary: false, truncated: false };
  let decoded: string;
  let binary = false;
  try {
    decoded = utf8.decode(bytes);
  } catch {
    decoded = bytes.toString('base64');
    binary = true;
  }
  const truncated = decoded.length > PEEK_VALUE_MAX_CHARS;
  return { text: truncated ? decoded.slice(0, PEEK_VALUE_MAX_CHARS) : decoded, binary, truncated };
}
