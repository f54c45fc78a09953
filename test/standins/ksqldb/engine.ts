import { randomBytes } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { evaluate, parseStatement, SqlError, type Column, type Select, type Statement } from './sql';

/**
 * ksqlDB stand-in: the metastore and the persistent queries of one server. Each persistent query
 * is a real kafkajs consumer in the consumer group ksqlDB would use
 * (`_confluent-ksql-<service.id>query_<QUERY_ID>`), producing to its sink topic on the real
 * broker. Offsets are committed only after the sink write, and a paused query stops between two
 * records and resumes from its committed offsets, so no record is lost or produced twice.
 */

export class StatementError extends Error {}

export interface SourceDef {
  name: string;
  what: 'STREAM' | 'TABLE';
  topic: string;
  columns: Column[];
  isSource: boolean;
}

export type QueryStatus = 'RUNNING' | 'PAUSED' | 'ERROR';

export interface QueryErrorInfo {
  timestamp: number;
  errorMessage: string;
  type: 'UNKNOWN' | 'USER' | 'SYSTEM';
}

export interface CommandResult {
  status: 'SUCCESS' | 'ERROR';
  message: string;
  queryId: string | null;
}

const SESSION = { sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

export class PersistentQuery {
  paused = false;
  errors: QueryErrorInfo[] = [];
  runtime: QueryRuntime | null = null;

  constructor(
    readonly id: string,
    readonly kind: 'CSAS' | 'CTAS' | 'CST',
    readonly statementText: string,
    readonly source: SourceDef,
    readonly sink: SourceDef | null,
    readonly select: Select | null,
    readonly properties: Record<string, unknown>,
    readonly groupId: string,
  ) {}

  get status(): QueryStatus {
    if (this.runtime?.failed) return 'ERROR';
    return this.paused ? 'PAUSED' : 'RUNNING';
  }

  outputColumns(): Column[] {
    if (this.kind === 'CST' || !this.select) return this.source.columns;
    return outputColumns(this.select, this.source);
  }
}

export function outputColumns(select: Select, source: SourceDef): Column[] {
  const columns: Column[] = [];
  for (const item of select.items) {
    if (item.kind === 'star') columns.push(...source.columns);
    else if (item.kind === 'column') {
      const found = source.columns.find((c) => c.name === item.name);
      columns.push({ name: item.alias, type: found?.type ?? 'STRING', key: select.groupBy === item.name });
    } else columns.push({ name: item.alias, type: item.fn === 'COUNT' ? 'BIGINT' : (source.columns.find((c) => c.name === item.column)?.type ?? 'BIGINT'), key: false });
  }
  return columns;
}

export class Engine {
  readonly sources = new Map<string, SourceDef>();
  readonly queries = new Map<string, PersistentQuery>();
  private started = false;

  constructor(
    readonly serviceId: string,
    private readonly kafka: Kafka,
    /** The server's producer; renewed after DROP ... DELETE TOPIC (kafkajs keeps failing on a deleted topic it once wrote). */
    private readonly producer: () => Producer,
    private readonly onTopicDeleted: () => Promise<void>,
  ) {}

  /** Checks a statement against the metastore as the receiving server does before writing it to the command topic. */
  check(statement: Statement): void {
    switch (statement.type) {
      case 'createSource':
        this.requireNew(statement.name, statement.what);
        if (!statement.props.KAFKA_TOPIC) throw new StatementError('Missing required property "KAFKA_TOPIC" which has no default value.');
        if ((statement.props.VALUE_FORMAT ?? 'JSON').toUpperCase() !== 'JSON') throw new StatementError('ksqlDB stand-in: only VALUE_FORMAT=\'JSON\' is implemented');
        return;
      case 'createAs': {
        const replaced = statement.orReplace ? this.writerOf(statement.name) : undefined;
        if (!replaced) this.requireNew(statement.name, statement.what);
        const source = this.requireSource(statement.select.from);
        const { select } = statement;
        if (statement.what === 'TABLE') {
          if (!select.groupBy) throw new StatementError('ksqlDB stand-in: CREATE TABLE AS SELECT needs GROUP BY (only aggregates are implemented)');
          if (!select.items.some((i) => i.kind === 'aggregate')) throw new StatementError('ksqlDB stand-in: CREATE TABLE AS SELECT needs SUM or COUNT');
          for (const item of select.items) {
            if (item.kind === 'star') throw new StatementError('ksqlDB stand-in: SELECT * with GROUP BY is not implemented');
            if (item.kind === 'column' && item.name !== select.groupBy) throw new StatementError(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${item.name}`);
          }
        } else if (select.groupBy || select.items.some((i) => i.kind === 'aggregate')) {
          throw new StatementError('Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.');
        }
        for (const name of referencedColumns(select)) {
          if (!source.columns.some((c) => c.name === name)) throw new StatementError(`Column '${name}' cannot be resolved.`);
        }
        if (replaced) checkUpgrade(replaced, statement, source);
        return;
      }
      case 'pause':
      case 'resume':
      case 'terminate': {
        if (statement.target === 'ALL' || statement.target.toLowerCase().includes('transient_')) return;
        const query = this.queries.get(statement.target.toUpperCase());
        if (!query) throw new StatementError(`Unknown queryId: ${statement.target.toUpperCase()}`);
        if (query.kind === 'CST') throw new StatementError(`Cannot ${statement.type} query '${query.id}' because it is linked to a source table.`);
        return;
      }
      case 'drop': {
        const source = this.sources.get(statement.name);
        if (!source) {
          if (statement.ifExists) return;
          throw new StatementError(`${statement.what === 'STREAM' ? 'Stream' : 'Table'} ${statement.name} does not exist.`);
        }
        const users = [...this.queries.values()].filter((q) => q.kind !== 'CST' && (q.source.name === source.name || q.sink?.name === source.name)).map((q) => q.id);
        if (users.length) throw new StatementError(`Cannot drop ${source.name}.\nThe following queries read from or write to this source: [${users.join(', ')}].\nYou need to terminate them before dropping ${source.name}.`);
        return;
      }
      default:
        throw new StatementError('ksqlDB stand-in: not a command');
    }
  }

  /** Applies one command from the command topic; `offset` names the queries it creates. */
  async apply(statement: Statement, statementText: string, properties: Record<string, unknown>, offset: number): Promise<CommandResult> {
    try {
      this.check(statement);
    } catch (error) {
      return { status: 'ERROR', message: (error as Error).message, queryId: null };
    }
    switch (statement.type) {
      case 'createSource': {
        const def: SourceDef = { name: statement.name, what: statement.what, topic: statement.props.KAFKA_TOPIC, columns: statement.columns, isSource: statement.source };
        this.sources.set(def.name, def);
        if (statement.source && statement.what === 'TABLE') {
          const query = this.register(`CST_${def.name}_${offset}`, 'CST', statementText, def, null, null, properties);
          return { status: 'SUCCESS', message: 'Table created', queryId: query.id };
        }
        return { status: 'SUCCESS', message: `${statement.what === 'STREAM' ? 'Stream' : 'Table'} created`, queryId: null };
      }
      case 'createAs': {
        const source = this.requireSource(statement.select.from);
        const replaced = statement.orReplace ? this.writerOf(statement.name) : undefined;
        if (replaced) return this.replace(replaced, statement, statementText, source, properties);
        const sink: SourceDef = {
          name: statement.name,
          what: statement.what,
          topic: statement.props.KAFKA_TOPIC ?? statement.name,
          columns: outputColumns(statement.select, source),
          isSource: false,
        };
        await this.ensureTopic(sink.topic, source.topic);
        this.sources.set(sink.name, sink);
        const prefix = statement.what === 'STREAM' ? 'CSAS' : 'CTAS';
        const query = this.register(`${prefix}_${sink.name}_${offset}`, prefix, statementText, source, sink, statement.select, properties);
        return { status: 'SUCCESS', message: `Created query with ID ${query.id}`, queryId: query.id };
      }
      case 'pause':
      case 'resume': {
        const paused = statement.type === 'pause';
        const targets = statement.target === 'ALL' ? [...this.queries.values()] : [this.queries.get(statement.target.toUpperCase())].filter((q): q is PersistentQuery => q !== undefined);
        for (const query of targets) {
          query.paused = paused;
          if (paused) query.runtime?.pause();
          else query.runtime?.resume();
        }
        return { status: 'SUCCESS', message: paused ? 'Query paused.' : 'Query resumed.', queryId: null };
      }
      case 'terminate': {
        const targets = statement.target === 'ALL' ? [...this.queries.values()] : [this.queries.get(statement.target.toUpperCase())].filter((q): q is PersistentQuery => q !== undefined);
        for (const query of targets) {
          this.queries.delete(query.id);
          await query.runtime?.stop();
        }
        return { status: 'SUCCESS', message: 'Query terminated.', queryId: null };
      }
      case 'drop': {
        const source = this.sources.get(statement.name);
        if (!source) return { status: 'SUCCESS', message: `Source \`${statement.name}\` does not exist.`, queryId: null };
        this.sources.delete(source.name);
        for (const query of [...this.queries.values()].filter((q) => q.kind === 'CST' && q.source.name === source.name)) {
          this.queries.delete(query.id);
          await query.runtime?.stop();
        }
        if (statement.deleteTopic) await this.deleteTopic(source.topic);
        return { status: 'SUCCESS', message: `Source \`${source.name}\` (topic: ${source.topic}) was dropped.`, queryId: null };
      }
      default:
        return { status: 'ERROR', message: 'ksqlDB stand-in: not a command', queryId: null };
    }
  }

  /**
   * Test knob: `count` persistent queries registered at once, each writing its own stream, all
   * reading one source (or, `chained`, each the one before it). They skip the command topic and
   * run no consumer (dormant): listed, paused and resumed like any other query but processing
   * nothing, so a cluster of thousands fits on one machine. A restart does not bring them back.
   */
  seed(count: number, prefix: string, chained: boolean): string[] {
    const columns: Column[] = [
      { name: 'ID', type: 'INT', key: false },
      { name: 'AMOUNT', type: 'INT', key: false },
    ];
    let source: SourceDef = { name: `${prefix}_SRC`, what: 'STREAM', topic: `${prefix.toLowerCase()}_src`, columns, isSource: false };
    this.sources.set(source.name, source);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const sink: SourceDef = { name: `${prefix}_${i}`, what: 'STREAM', topic: `${prefix.toLowerCase()}_${i}`, columns, isSource: false };
      const text = `CREATE STREAM ${sink.name} AS SELECT * FROM ${source.name} WHERE AMOUNT > ${i} EMIT CHANGES;`;
      const statement = parseStatement(text) as Extract<Statement, { type: 'createAs' }>;
      const id = `CSAS_${sink.name}_${i}`;
      this.sources.set(sink.name, sink);
      this.queries.set(id, new PersistentQuery(id, 'CSAS', text, source, sink, statement.select, {}, `_confluent-ksql-${this.serviceId}query_${id}`));
      ids.push(id);
      if (chained) source = sink;
    }
    return ids;
  }

  /** The persistent query that writes a stream or table, if any. */
  private writerOf(name: string): PersistentQuery | undefined {
    return [...this.queries.values()].find((q) => q.kind !== 'CST' && q.sink?.name === name);
  }

  /**
   * CREATE OR REPLACE, an in-place upgrade: the same query id and consumer group, so the new
   * logic resumes from the old query's committed offsets; aggregate state is kept, as ksqlDB
   * keeps its state stores. The old consumer stops first (it commits only after its sink write).
   */
  private async replace(old: PersistentQuery, statement: Extract<Statement, { type: 'createAs' }>, statementText: string, source: SourceDef, properties: Record<string, unknown>): Promise<CommandResult> {
    const sink: SourceDef = { ...old.sink!, columns: outputColumns(statement.select, source) };
    const query = new PersistentQuery(old.id, old.kind, statementText, source, sink, statement.select, { ...old.properties, ...properties }, old.groupId);
    query.paused = old.paused;
    const previous = old.runtime;
    await previous?.stop();
    this.sources.set(sink.name, sink);
    this.queries.set(query.id, query);
    if (this.started) void this.startQuery(query, previous?.state);
    return { status: 'SUCCESS', message: `Created query with ID ${query.id}`, queryId: query.id };
  }

  private async deleteTopic(topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
    await this.onTopicDeleted();
  }

  /** CREATE ... WITH (PARTITIONS=n) creates a missing topic, as the receiving server does before writing the command. */
  async prepareTopic(topic: string, partitions: string | undefined): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) return;
      if (partitions === undefined) {
        throw new StatementError(
          `Topic '${topic}' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and, optionally, 'REPLICAS').`,
        );
      }
      await admin.createTopics({ topics: [{ topic, numPartitions: Number(partitions), replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  /** After the command topic has been replayed: start every query, the paused ones paused. */
  async startAll(): Promise<void> {
    this.started = true;
    for (const query of this.queries.values()) await this.startQuery(query);
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.queries.values()].map((q) => q.runtime?.stop()));
  }

  private register(id: string, kind: PersistentQuery['kind'], statementText: string, source: SourceDef, sink: SourceDef | null, select: Select | null, properties: Record<string, unknown>): PersistentQuery {
    const query = new PersistentQuery(id, kind, statementText, source, sink, select, properties, `_confluent-ksql-${this.serviceId}query_${id}`);
    this.queries.set(id, query);
    if (this.started) void this.startQuery(query);
    return query;
  }

  private async startQuery(query: PersistentQuery, state?: QueryState): Promise<void> {
    const runtime = new QueryRuntime(this.kafka, this.producer, query, state);
    query.runtime = runtime;
    try {
      await runtime.start();
    } catch (error) {
      runtime.failed = true;
      query.errors.push({ timestamp: Date.now(), errorMessage: (error as Error).message, type: 'UNKNOWN' });
    }
  }

  private requireNew(name: string, what: 'STREAM' | 'TABLE'): void {
    const existing = this.sources.get(name);
    if (existing) {
      const kind = existing.what === 'STREAM' ? 'stream' : 'table';
      throw new StatementError(`Cannot add ${what === 'STREAM' ? 'stream' : 'table'} '${name}': A ${kind} with the same name already exists`);
    }
  }

  private requireSource(name: string): SourceDef {
    const source = this.sources.get(name);
    if (!source) throw new StatementError(`${name} does not exist.`);
    return source;
  }

  private async ensureTopic(topic: string, like: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) return;
      const partitions = (await admin.fetchTopicMetadata({ topics: [like] })).topics[0]?.partitions.length ?? 1;
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }).catch((error: Error) => {
        if (!/already exists/i.test(error.message)) throw error;
      });
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * ksqlDB's rules for an in-place upgrade (KLIP-28), in its words: the sink's type, topic and
 * schema may only grow (DataSource.canUpgradeTo: columns appended, none changed, dropped or
 * reordered), and the plan's enforcing steps must match (ExecutionStep.validateUpgrade): the
 * same source, and for an aggregate the same GROUP BY, aggregate functions and the columns it
 * reads (GROUP BY columns included). Filters and projections are passive steps and may change.
 */
function checkUpgrade(old: PersistentQuery, next: Extract<Statement, { type: 'createAs' }>, source: SourceDef): void {
  const sink = old.sink!;
  const dataSource = (property: string, from: string, to: string, extra = '') =>
    new StatementError(`Cannot upgrade data source: DataSource '\`${sink.name}\`' has ${property} = ${from} which is not upgradeable to ${to}${extra}`);
  if (next.what !== sink.what) throw dataSource('type', sink.what, next.what);
  const topic = next.props.KAFKA_TOPIC ?? sink.topic;
  if (topic !== sink.topic) throw dataSource('kafkaTopicName', sink.topic, topic);
  const before = old.outputColumns();
  const after = outputColumns(next.select, source);
  const changed = before.filter((column, index) => !sameColumn(column, after[index]));
  if (changed.length) {
    throw dataSource('schema', schemaText(before), schemaText(after), `. (The following columns are changed, missing or reordered: [${schemaText(changed)}])`);
  }
  const step = (type: string, property: string, from: string, to: string) =>
    new StatementError(`Query is not upgradeable. Plan step of type ${type} must have matching ${property}. Values differ: ${from} vs. ${to}`);
  if (old.source.name !== source.name) throw step('StreamSource', 'topicName', old.source.topic, source.topic);
  if (old.kind !== 'CTAS' || !old.select) return;
  const list = (items: string[]) => `[${items.join(', ')}]`;
  const functions = (select: Select) => select.items.flatMap((i) => (i.kind === 'aggregate' ? [`${i.fn}(${i.column ?? 'ROWTIME'})`] : []));
  if (list(functions(old.select)) !== list(functions(next.select))) throw step('StreamAggregate', 'aggregationFunctions', list(functions(old.select)), list(functions(next.select)));
  const inputs = (select: Select) => [...new Set([select.groupBy!, 'ROWTIME', ...referencedColumns(select).filter((c) => c !== select.groupBy)])].map((c) => `\`${c}\``);
  if (list(inputs(old.select)) !== list(inputs(next.select))) throw step('StreamAggregate', 'nonAggregateColumns', list(inputs(old.select)), list(inputs(next.select)));
}

function sameColumn(a: Column, b: Column | undefined): boolean {
  return b !== undefined && a.name === b.name && a.type.toUpperCase() === b.type.toUpperCase() && a.key === b.key;
}

function schemaText(columns: Column[]): string {
  return columns.map((c) => `\`${c.name}\` ${c.type.toUpperCase()}${c.key ? ' KEY' : ''}`).join(', ');
}

/** Column names a SELECT reads from its source. */
function referencedColumns(select: Select): string[] {
  const names = new Set<string>();
  for (const item of select.items) {
    if (item.kind === 'column') names.add(item.name);
    if (item.kind === 'aggregate' && item.column) names.add(item.column);
  }
  if (select.groupBy) names.add(select.groupBy);
  const walk = (expr: Select['where']) => {
    if (!expr) return;
    if (expr.kind === 'column') names.add(expr.name);
    if (expr.kind === 'compare' || expr.kind === 'and' || expr.kind === 'or') {
      walk(expr.left);
      walk(expr.right);
    }
    if (expr.kind === 'not') walk(expr.inner);
  };
  walk(select.where);
  return [...names];
}

/** A record's JSON value as ksqlDB sees it: fields by upper-cased name. */
export function rowOf(message: KafkaMessage): Map<string, unknown> | null {
  if (!message.value) return null;
  try {
    const value = JSON.parse(message.value.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return new Map(Object.entries(value).map(([k, v]) => [k.toUpperCase(), v]));
  } catch {
    return null; // ksqlDB logs a deserialization error to its processing log and skips the record
  }
}

export function project(select: Select, source: SourceDef, row: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of select.items) {
    if (item.kind === 'star') for (const column of source.columns.filter((c) => !c.key)) out[column.name] = row.get(column.name) ?? null;
    else if (item.kind === 'column') out[item.alias] = row.get(item.name) ?? null;
  }
  return out;
}

type Aggregates = Record<string, number>;
type QueryState = Map<string, Aggregates | Record<string, unknown>>;

/** One persistent query's consumer and its processing. */
export class QueryRuntime {
  failed = false;
  private consumer: Consumer | null = null;
  private stopped = false;
  constructor(
    private readonly kafka: Kafka,
    private readonly producer: () => Producer,
    private readonly query: PersistentQuery,
    /** CTAS: aggregates per group key; CST: latest row per key. An in-place upgrade hands it on. */
    readonly state: QueryState = new Map(),
  ) {}

  async start(): Promise<void> {
    const reset = String(this.query.properties['auto.offset.reset'] ?? this.query.properties['ksql.streams.auto.offset.reset'] ?? 'latest');
    const consumer = this.kafka.consumer({ groupId: this.query.groupId, ...SESSION, retry: { retries: 5 } });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.stopped) return;
      const error = event.payload.error;
      this.query.errors.push({ timestamp: Date.now(), errorMessage: error.message, type: 'UNKNOWN' });
      if (!event.payload.restart) this.failed = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.query.source.topic], fromBeginning: reset === 'earliest' });
    if (this.stopped) return this.disconnect();
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: (payload) => this.eachBatch(payload) });
    if (this.stopped) return this.disconnect();
    if (this.query.paused) this.pause();
  }

  /** A stop that came while starting: the consumer must not stay behind. */
  private async disconnect(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  pause(): void {
    try {
      this.consumer?.pause([{ topic: this.query.source.topic }]);
    } catch {
      // not running yet: eachBatch checks the flag before it processes anything
    }
  }

  resume(): void {
    try {
      this.consumer?.resume([{ topic: this.query.source.topic }]);
    } catch {
      // not running yet
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    if (this.query.paused) {
      pause();
      return;
    }
    const outputs: Array<{ key: Buffer | string | null; value: string; timestamp: string }> = [];
    const touched = new Map<string, Aggregates | Record<string, unknown>>();
    let last: string | null = null;
    for (const message of batch.messages) {
      // A pause takes effect between two records: nothing after it is processed or committed.
      if (this.query.paused || !isRunning() || isStale()) break;
      const output = this.process(message, touched);
      if (output) outputs.push(output);
      last = message.offset;
    }
    if (last !== null) {
      if (outputs.length && this.query.sink) await this.producer().send({ topic: this.query.sink.topic, acks: -1, messages: outputs });
      for (const [key, value] of touched) this.state.set(key, value);
      resolveOffset(last);
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
    }
    if (this.query.paused) pause();
    await heartbeat();
  }

  private process(message: KafkaMessage, touched: Map<string, Aggregates | Record<string, unknown>>): { key: Buffer | string | null; value: string; timestamp: string } | null {
    const row = rowOf(message);
    if (!row) return null;
    const { select, source } = this.query;
    if (this.query.kind === 'CST') {
      touched.set(String(message.key ?? ''), Object.fromEntries(row));
      return null;
    }
    if (!select) return null;
    if (select.where && evaluate(select.where, row) !== true) return null;
    if (this.query.kind === 'CSAS') return { key: message.key, value: JSON.stringify(project(select, source, row)), timestamp: message.timestamp };
    const group = row.get(select.groupBy!);
    if (group === null || group === undefined) return null; // ksqlDB drops rows with a null grouping key
    const key = String(group);
    const current = { ...((touched.get(key) ?? this.state.get(key) ?? {}) as Aggregates) };
    const value: Record<string, unknown> = {};
    for (const item of select.items) {
      if (item.kind !== 'aggregate') continue;
      const input = item.column ? row.get(item.column) : 1;
      const previous = current[item.alias] ?? 0;
      if (item.fn === 'COUNT') current[item.alias] = previous + (input === null || input === undefined ? 0 : 1);
      else current[item.alias] = previous + (typeof input === 'number' ? input : 0);
      value[item.alias] = current[item.alias];
    }
    touched.set(key, current);
    return { key, value: JSON.stringify(value), timestamp: message.timestamp };
  }
}

/** A push query (`SELECT ... EMIT CHANGES` on /query-stream): listed while its client stays connected. */
export class TransientQuery {
  readonly id: string;
  readonly groupId: string;
  private consumer: Consumer | null = null;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    serviceId: string,
    readonly sql: string,
    readonly select: Select,
    readonly source: SourceDef,
    private readonly properties: Record<string, unknown>,
  ) {
    this.id = `transient_${source.name}_${BigInt(`0x${randomBytes(8).toString('hex')}`) & 0x7fffffffffffffffn}`;
    this.groupId = `_confluent-ksql-${serviceId}${this.id}`;
  }

  async start(onRow: (row: unknown[]) => void): Promise<void> {
    const reset = String(this.properties['auto.offset.reset'] ?? 'latest');
    const consumer = this.kafka.consumer({ groupId: this.groupId, ...SESSION });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.source.topic], fromBeginning: reset === 'earliest' });
    if (this.stopped) return void (await consumer.disconnect());
    const columns = outputColumns(this.select, this.source);
    await consumer.run({
      eachMessage: async ({ message }) => {
        const row = rowOf(message);
        if (!row || (this.select.where && evaluate(this.select.where, row) !== true)) return;
        const projected = project(this.select, this.source, row);
        onRow(columns.map((c) => projected[c.name] ?? null));
      },
    });
    if (this.stopped) await consumer.disconnect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

export function commandIdOf(statement: Statement): string {
  switch (statement.type) {
    case 'createSource':
    case 'createAs':
      return `${statement.what === 'STREAM' ? 'stream' : 'table'}/\`${statement.name}\`/create`;
    case 'drop':
      return `${statement.what === 'STREAM' ? 'stream' : 'table'}/\`${statement.name}\`/drop`;
    case 'pause':
    case 'resume':
    case 'terminate':
      return `${statement.type}/${statement.target === 'ALL' ? 'ALL' : statement.target.toUpperCase()}/execute`;
    default:
      throw new SqlError('not a command');
  }
}

