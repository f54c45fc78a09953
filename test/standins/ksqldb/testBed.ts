import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { agentPaths, type AgentPaths } from '../../../protocol/paths';
import { KsqlDbStandIn, type KsqlDbStandInOptions } from './server';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the ksqlDB tests share: the real sandbox broker (topics, records in and out) and
 * ksqlDB stand-in servers, each with its own service id so tests never see each other's
 * command topic or consumer groups.
 */

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
}


export interface Row {
  [column: string]: string | number | boolean | null;
}

export class KafkaBed {
  readonly kafka: Kafka;
  private admin: Admin | null = null;
  private producer: Producer | null = null;

  constructor(readonly bootstrap: string) {
    this.kafka = new Kafka({ clientId: 'ksqldb-tests', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  }

  async open(): Promise<this> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    return this;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }

  async createTopic(topic: string, options: { partitions?: number; retentionMs?: number } = {}): Promise<void> {
    const configEntries = options.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(options.retentionMs) }];
    await this.admin!.createTopics({ topics: [{ topic, numPartitions: options.partitions ?? 1, replicationFactor: 1, configEntries }], waitForLeaders: true });
  }

  /** JSON rows, with record timestamps when given; returns the timestamps used. */
  async produce(topic: string, rows: Row[], options: { timestamp?: (index: number) => number; key?: (row: Row) => string | null } = {}): Promise<number[]> {
    const stamps = rows.map((_row, index) => options.timestamp?.(index) ?? Date.now());
    await this.producer!.send({
      topic,
      acks: -1,
      messages: rows.map((row, index) => ({ key: options.key?.(row) ?? null, value: JSON.stringify(row), timestamp: String(stamps[index]) })),
    });
    return stamps;
  }

  /** Records written to a topic so far (sum of end offsets; the tests' topics are never compacted). */
  async count(topic: string): Promise<number> {
    const offsets = await this.admin!.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }

  /** Every record of a topic, read with a throwaway consumer group that commits nothing and is deleted afterwards (nothing left behind on a real cluster). */
  async readAll(topic: string): Promise<Array<{ key: string | null; value: Row; timestamp: number; offset: number }>> {
    const total = await this.count(topic);
    const records: Array<{ key: string | null; value: Row; timestamp: number; offset: number }> = [];
    if (total === 0) return records;
    const groupId = unique('ksqldb-tests-reader');
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let done!: () => void;
      const complete = new Promise<void>((resolve) => (done = resolve));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          records.push({ key: message.key ? message.key.toString() : null, value: JSON.parse(String(message.value)) as Row, timestamp: Number(message.timestamp), offset: Number(message.offset) });
          if (records.length >= total) done();
        },
      });
      await Promise.race([complete, sleep(20_000).then(() => Promise.reject(new Error(`read ${records.length} of ${total} records of ${topic}`)))]);
    } finally {
      await consumer.disconnect();
      await this.admin!.deleteGroups([groupId]).catch(() => undefined); // best effort: an empty group also expires by itself
    }
    return records;
  }

  /** A table's latest value per key, as a changelog topic holds it. */
  async latestByKey(topic: string): Promise<Map<string, Row>> {
    const latest = new Map<string, Row>();
    for (const record of await this.readAll(topic)) latest.set(record.key ?? '', record.value);
    return latest;
  }

  async committed(groupId: string, topic: string): Promise<number[]> {
    const [found] = await this.admin!.fetchOffsets({ groupId, topics: [topic] });
    return found.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  }
}

/** Order rows the tests feed their streams: ID and AMOUNT count up from `from`, WHO cycles through three names. */
export function orders(from: number, count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({ ID: from + i, AMOUNT: from + i, WHO: ['ann', 'bob', 'cy'][(from + i) % 3] }));
}

/** What `SUM(AMOUNT) AS TOTAL, COUNT(*) AS N ... GROUP BY WHO` must end at over these rows, by WHO. */
export function totalsByWho(rows: Row[]): Map<string, Row> {
  const expected = new Map<string, Row>();
  for (const row of rows) {
    const who = String(row.WHO);
    const current = expected.get(who) ?? { TOTAL: 0, N: 0 };
    expected.set(who, { TOTAL: Number(current.TOTAL) + Number(row.AMOUNT), N: Number(current.N) + 1 });
  }
  return expected;
}

/** POST /ksql as the ksql CLI would send it; the status and the parsed body. `headers` carry auth for a real server. */
export async function ksql(url: string, statements: string, streamsProperties: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json', ...headers },
    body: JSON.stringify({ ksql: statements, streamsProperties }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Runs statements and fails unless every one answered SUCCESS. */
export async function ksqlOk(
  url: string,
  statements: string,
  streamsProperties: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Array<{ commandStatus?: { status: string; queryId: string | null } }>> {
  const answer = await ksql(url, statements, streamsProperties, headers);
  if (answer.status !== 200) throw new Error(`ksql ${statements} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as Array<{ commandStatus?: { status: string; queryId: string | null } }>;
}

export async function startStandIn(bootstrap: string, options: Partial<KsqlDbStandInOptions> & { serviceId: string }): Promise<KsqlDbStandIn> {
  return KsqlDbStandIn.start({ bootstrap, ...options });
}

/** A fresh agent home whose connections file names one ksqlDB connection (and nothing else). */
export function ksqlHome(connection: { name?: string; servers: string[]; bootstrap?: string; pollIntervalSeconds?: number; commandTimeoutSeconds?: number }): { paths: AgentPaths; writeConnections(connections: object[]): void; connection: object } {
  const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-ksql-home-')) });
  const entry = {
    name: connection.name ?? 'ksql',
    kind: 'ksqldb',
    servers: connection.servers,
    ...(connection.bootstrap ? { kafka: { brokers: [connection.bootstrap] } } : {}),
    pollIntervalSeconds: connection.pollIntervalSeconds ?? 0.3,
    ...(connection.commandTimeoutSeconds ? { commandTimeoutSeconds: connection.commandTimeoutSeconds } : {}),
  };
  const writeConnections = (connections: object[]) => writeFileSync(paths.connections, JSON.stringify({ connections }, null, 2));
  writeConnections([entry]);
  return { paths, writeConnections, connection: entry };
}
