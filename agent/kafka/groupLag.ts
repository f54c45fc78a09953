import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { describeBrokers, lookDeadlineMs, type KafkaAccess } from './access';
import { withinDeadline } from './deadline';
import { RecordPeek } from './recordPeek';

/** One partition of a consumer group, committed offset against the log. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read; null when the group never committed on this partition. */
  committed: number | null;
  /** Log start (oldest offset still stored) and end (next offset to be written). */
  start: number;
  end: number;
  /** Records waiting; null without a committed offset. */
  lag: number | null;
  /** Records deleted by retention before the group read them. */
  lost: number;
  /** Timestamp of the oldest record the group has not consumed, when it waits for any. */
  oldestUnconsumedAt: number | null;
  /** That timestamp plus the topic's retention.ms: from then on, the record may be deleted. */
  dataLossAt: number | null;
}

export interface GroupLag {
  groupId: string;
  /** Every topic behind the group: declared, matched by its pattern, or committed on. */
  topics: string[];
  partitions: PartitionLag[];
  /** Sum over partitions with a committed offset; null when none has one. */
  lag: number | null;
  lost: number;
  oldestUnconsumedAt: number | null;
  dataLossAt: number | null;
  /** Committed offsets by `topic:partition`: the progress marker a pause must freeze. */
  positions: Record<string, number>;
}

export interface GroupQuery {
  groupId: string;
  /** Topics the group reads even if it has committed nothing on them yet. */
  topics: string[];
  /**
   * A subscription by pattern (a Kafka Connect sink's `topics.regex`): the existing topics it
   * matches count as declared, so a group that has committed nothing yet still shows them.
   */
  pattern?: RegExp | null;
}

/** Kafka's internal topics: a pattern subscription leaves them out (exclude.internal.topics). */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

interface Retention {
  /** null: records are not deleted by age (retention.ms -1, or compaction only). */
  retentionMs: number | null;
  readAt: number;
}

const CONFIG_TTL_MS = 60_000;

/**
 * Consumer-group lag as the agent reports it: committed offsets (admin OffsetFetch) against the
 * log's start and end offsets (ListOffsets), plus the data-loss deadline: the oldest unconsumed
 * record's timestamp (one Fetch of the record at the committed offset, cached by offset) plus
 * the topic's `retention.ms` (DescribeConfigs, cached a minute). Kafka deletes whole segments,
 * so the deadline is the earliest moment the record may go, not the moment it surely goes.
 * Used by ksqlDB queries and Kafka Connect sink connectors.
 */
export class ConsumerGroupLag {
  private admin: Promise<Admin> | null = null;
  private closed = false;
  private readonly peek: RecordPeek;
  private readonly retention = new Map<string, Retention>();
  /** When a loss to retention was first seen, per group and partition: a stable deadline in the past. */
  private readonly lossSeen = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.peek = new RecordPeek(kafka);
  }

  /** The last failure as one line, or null while lag reads work. */
  problem: string | null = null;

  /**
   * Like read(), but within the access's deadline, and a failure is logged once and answers no
   * lag, so a listing never fails on it nor waits long for it.
   */
  async readOrReport(groups: GroupQuery[], access: KafkaAccess): Promise<Map<string, GroupLag>> {
    if (!groups.length) return new Map();
    const brokers = describeBrokers(access);
    try {
      const lags = await withinDeadline(this.read(groups), lookDeadlineMs(access), () => this.reset());
      if (this.problem) this.log.info('Kafka lag readable again');
      this.problem = null;
      return lags;
    } catch (error) {
      const problem = `lag unknown: Kafka at ${brokers}: ${(error as Error).message}`;
      if (problem !== this.problem) this.log.warn({ err: (error as Error).message }, 'cannot read consumer-group lag');
      this.problem = problem;
      return new Map();
    }
  }

  async read(groups: GroupQuery[]): Promise<Map<string, GroupLag>> {
    try {
      return await this.readOnce(groups);
    } catch (error) {
      // A broken connection is not reused: the next read connects afresh.
      await this.reset();
      throw error;
    }
  }

  private async readOnce(groups: GroupQuery[]): Promise<Map<string, GroupLag>> {
    const admin = await this.connected();
    const existing = new Set(await admin.listTopics());
    const committedByGroup = new Map<string, Map<string, number | null>>();
    const declaredByGroup = new Map<string, string[]>();
    const topics = new Set<string>();
    await Promise.all(
      groups.map(async ({ groupId, topics: named, pattern }) => {
        const committed = new Map<string, number | null>();
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          topics.add(topic);
          for (const { partition, offset } of partitions) committed.set(`${topic}:${partition}`, Number(offset) >= 0 ? Number(offset) : null);
        }
        const matched = pattern ? [...existing].filter((topic) => !INTERNAL_TOPICS.has(topic) && pattern.test(topic)) : [];
        const declared = [...named, ...matched];
        for (const topic of declared) topics.add(topic);
        committedByGroup.set(groupId, committed);
        declaredByGroup.set(groupId, declared);
      }),
    );
    const ends = new Map<string, Array<{ partition: number; start: number; end: number }>>();
    await Promise.all(
      [...topics]
        .filter((topic) => existing.has(topic))
        .map(async (topic) => {
          const offsets = await admin.fetchTopicOffsets(topic);
          ends.set(topic, offsets.map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) })));
        }),
    );
    await this.refreshRetention(admin, [...ends.keys()]);

    const result = new Map<string, GroupLag>();
    for (const { groupId } of groups) {
      const committed = committedByGroup.get(groupId) ?? new Map<string, number | null>();
      const groupTopics = new Set([...(declaredByGroup.get(groupId) ?? []), ...[...committed.keys()].map((key) => key.slice(0, key.lastIndexOf(':')))]);
      const partitions: PartitionLag[] = [];
      for (const topic of [...groupTopics].sort()) {
        for (const { partition, start, end } of ends.get(topic) ?? []) {
          partitions.push(await this.partitionLag(groupId, topic, partition, start, end, committed.get(`${topic}:${partition}`) ?? null));
        }
      }
      result.set(groupId, summarize(groupId, [...groupTopics].sort(), partitions));
    }
    return result;
  }

  /** Ends this reader for good: a read still in flight disconnects what it opens. */
  async close(): Promise<void> {
    this.closed = true;
    await this.reset();
  }

  private async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await Promise.all([admin?.then((a) => a.disconnect()).catch(() => undefined), this.peek.close()]);
  }

  private async partitionLag(groupId: string, topic: string, partition: number, start: number, end: number, committed: number | null): Promise<PartitionLag> {
    const base: PartitionLag = { topic, partition, committed, start, end, lag: null, lost: 0, oldestUnconsumedAt: null, dataLossAt: null };
    if (committed === null) return base;
    const lossKey = `${groupId}\u0000${topic}\u0000${partition}`;
    const lost = Math.max(0, start - committed);
    if (!lost) this.lossSeen.delete(lossKey);
    const firstUnconsumed = Math.max(committed, start);
    const lag = Math.max(0, end - committed);
    let oldest: number | null = null;
    if (end > firstUnconsumed) {
      oldest = await this.peek.timestampAt(topic, partition, firstUnconsumed).catch((error: Error) => {
        this.log.debug({ topic, partition, offset: firstUnconsumed, err: error.message }, 'could not read the oldest unconsumed record');
        return null;
      });
    }
    const retentionMs = this.retention.get(topic)?.retentionMs ?? null;
    let dataLossAt = oldest !== null && retentionMs !== null ? oldest + retentionMs : null;
    if (lost) {
      if (!this.lossSeen.has(lossKey)) this.lossSeen.set(lossKey, this.now());
      dataLossAt = this.lossSeen.get(lossKey) ?? dataLossAt;
    }
    return { ...base, lag, lost, oldestUnconsumedAt: oldest, dataLossAt };
  }

  private async refreshRetention(admin: Admin, topics: string[]): Promise<void> {
    const stale = topics.filter((topic) => {
      const known = this.retention.get(topic);
      return !known || this.now() - known.readAt > CONFIG_TTL_MS;
    });
    if (!stale.length) return;
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: stale.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] })),
    });
    for (const resource of described.resources) {
      const value = (name: string) => resource.configEntries.find((entry) => entry.configName === name)?.configValue ?? null;
      const policy = (value('cleanup.policy') ?? 'delete').split(',').map((p) => p.trim());
      const ms = Number(value('retention.ms') ?? '604800000');
      this.retention.set(resource.resourceName, { retentionMs: policy.includes('delete') && Number.isFinite(ms) && ms >= 0 ? ms : null, readAt: this.now() });
    }
  }

  private connected(): Promise<Admin> {
    if (this.closed) return Promise.reject(new Error('closed'));
    // One admin however many reads start at once (the poller and an API request, say).
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 1 } });
      try {
        await admin.connect();
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        throw error;
      }
      if (this.closed) {
        await admin.disconnect().catch(() => undefined);
        throw new Error('closed');
      }
      return admin;
    })();
    return this.admin;
  }
}

function summarize(groupId: string, topics: string[], partitions: PartitionLag[]): GroupLag {
  const withCommit = partitions.filter((p) => p.committed !== null);
  const minimum = (values: Array<number | null>) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? Math.min(...known) : null;
  };
  return {
    groupId,
    topics,
    partitions,
    lag: withCommit.length ? withCommit.reduce((sum, p) => sum + (p.lag ?? 0), 0) : null,
    lost: partitions.reduce((sum, p) => sum + p.lost, 0),
    oldestUnconsumedAt: minimum(partitions.map((p) => p.oldestUnconsumedAt)),
    dataLossAt: minimum(partitions.map((p) => p.dataLossAt)),
    positions: Object.fromEntries(withCommit.map((p) => [`${p.topic}:${p.partition}`, p.committed as number])),
  };
}
