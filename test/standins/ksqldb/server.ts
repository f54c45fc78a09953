import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { commandIdOf, Engine, StatementError, TransientQuery, outputColumns, type CommandResult, type PersistentQuery, type SourceDef } from './engine';
import { parseStatement, positionOf, splitStatements, SqlError, type Column, type Statement } from './sql';

/**
 * ksqlDB stand-in: a test double of a ksqlDB server, because ksqlDB is published only to
 * Confluent's own repository and cannot be installed here. It answers the REST shapes of
 * ../shared/reference/ksqldb.md exactly (`/ksql`, `/status/...`, `/info`, `/healthcheck`,
 * `/query-stream`) and runs its persistent queries as real Kafka consumers and producers on the
 * real sandbox broker. Like ksqlDB, every statement that changes something goes through the
 * command topic `_confluent-ksql-<service.id>_command_topic`, which every server of the
 * service consumes and replays from the start when it starts: so a restarted stand-in comes
 * back with its queries, paused ones paused before they read a record, and two stand-ins that
 * share a service id each apply every PAUSE to their own instance of the query.
 *
 * It implements only what the tests use; see README.md beside it. It lives under test/ and is
 * never bundled (esbuild's entry points are cli/, worker/ and extension/).
 */

export interface KsqlDbStandInOptions {
  bootstrap: string;
  /** ksql.service.id: names the command topic and the queries' consumer groups. */
  serviceId: string;
  /** 0 (the default) picks a free port; give the old port to restart "the same server". */
  port?: number;
  /** What GET /info reports; below 0.28.2 the parser does not know PAUSE / RESUME, as in real ksqlDB. */
  version?: string;
  /** ksql.server.command.response.timeout.ms: after this a command is answered QUEUED. */
  commandResponseTimeoutMs?: number;
  /** Other servers of the same service: SHOW QUERIES sums their statuses (UNRESPONSIVE when they do not answer). */
  peers?: string[];
}

const LOCAL_ONLY = 'standin.local.only';
const PEER_TIMEOUT_MS = 1000;
const QUEUED = { status: 'QUEUED', message: 'Statement written to command topic', queryId: null };

interface CommandValue {
  statement: string;
  streamsProperties: Record<string, unknown>;
}

type Status = { status: string; message: string; queryId: string | null };

/** Host status entries of one query as a server reports them. */
interface QueryView {
  running: Record<string, unknown>;
  description: Record<string, unknown>;
  hosts: Record<string, string>;
}

export class KsqlDbStandIn {
  /** Every statement received on POST /ksql, in order (the tests check PAUSE ALL is sent once). */
  readonly statements: string[] = [];
  url = '';
  hostInfo = '';
  private server: Server | null = null;
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private runner: Consumer | null = null;
  private engine: Engine;
  private clusterId = '';
  private readonly statuses = new Map<string, Status>();
  private readonly results = new Map<number, CommandResult>();
  private readonly waiters = new Map<number, Array<(result: CommandResult) => void>>();
  private readonly transient = new Map<string, TransientQuery>();
  private gate: Promise<void> = Promise.resolve();
  private openGate: (() => void) | null = null;
  private peers: string[];
  private readonly commandTopic: string;
  private version: string;
  private readonly responseTimeoutMs: number;
  private commandDelayMs = 0;

  private constructor(private readonly options: KsqlDbStandInOptions) {
    this.kafka = new Kafka({ clientId: `ksqldb-standin-${options.serviceId}`, brokers: [options.bootstrap], logLevel: logLevel.NOTHING });
    this.commandTopic = `_confluent-ksql-${options.serviceId}_command_topic`;
    this.version = options.version ?? '0.29.0';
    this.responseTimeoutMs = options.commandResponseTimeoutMs ?? 5000;
    this.peers = options.peers ?? [];
    this.engine = null as unknown as Engine;
  }

  static async start(options: KsqlDbStandInOptions): Promise<KsqlDbStandIn> {
    const standIn = new KsqlDbStandIn(options);
    try {
      await standIn.boot();
    } catch (error) {
      await standIn.close();
      throw error;
    }
    return standIn;
  }

  get serviceId(): string {
    return this.options.serviceId;
  }

  setPeers(urls: string[]): void {
    this.peers = urls;
  }

  /** Test knob: the command runner stops before its next command (so PAUSE answers QUEUED, or one server lags). */
  holdCommands(): void {
    if (this.openGate) return;
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  releaseCommands(): void {
    this.openGate?.();
    this.openGate = null;
  }

  /** Test knob: an in-place upgrade (a rolling restart onto a new version keeps the same URL and command topic). */
  upgradeTo(version: string): void {
    this.version = version;
  }

  /** Test knob: many dormant persistent queries at once (see Engine.seed); returns their ids. */
  seedQueries(count: number, options: { prefix?: string; chained?: boolean } = {}): string[] {
    return this.engine.seed(count, options.prefix ?? 'SEEDED', options.chained ?? false);
  }

  /** Test knob: the command runner waits this long before applying each command (a busy cluster); 0 ends it. */
  slowCommands(delayMs: number): void {
    this.commandDelayMs = delayMs;
  }

  /** A persistent query of this server, for tests that look inside. */
  query(id: string): PersistentQuery | undefined {
    return this.engine.queries.get(id.toUpperCase());
  }

  async close(): Promise<void> {
    this.releaseCommands();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server = null;
    }
    await Promise.all([...this.transient.values()].map((q) => q.stop()));
    this.transient.clear();
    await this.runner?.disconnect().catch(() => undefined);
    await this.engine?.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async boot(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let replayTo: number;
    try {
      this.clusterId = (await admin.describeCluster()).clusterId;
      if (!(await admin.listTopics()).includes(this.commandTopic)) {
        await admin
          .createTopics({ topics: [{ topic: this.commandTopic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: true })
          .catch((error: Error) => {
            if (!/already exists/i.test(error.message)) throw error;
          });
      }
      replayTo = Number((await admin.fetchTopicOffsets(this.commandTopic))[0]?.high ?? 0);
    } finally {
      await admin.disconnect();
    }
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    this.engine = new Engine(
      this.options.serviceId,
      this.kafka,
      () => this.producer!,
      () => this.renewProducer(),
    );

    // Replay the command topic to its end before any query starts, as ksqlDB does at start.
    let ready!: () => void;
    const replayed = new Promise<void>((resolve) => (ready = resolve));
    const runner = this.kafka.consumer({ groupId: `_confluent-ksql-${this.options.serviceId}_standin_command_runner_${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
    this.runner = runner;
    await runner.connect();
    await runner.subscribe({ topics: [this.commandTopic], fromBeginning: true });
    let started = false;
    const startQueries = async () => {
      if (started) return;
      started = true;
      await this.engine.startAll();
      ready();
    };
    await runner.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        await this.gate;
        if (this.commandDelayMs) await new Promise((resolve) => setTimeout(resolve, this.commandDelayMs));
        const offset = Number(message.offset);
        const value = JSON.parse(String(message.value)) as CommandValue;
        let result: CommandResult;
        try {
          result = await this.engine.apply(parseStatement(value.statement), value.statement, value.streamsProperties ?? {}, offset);
        } catch (error) {
          result = { status: 'ERROR', message: (error as Error).message, queryId: null };
        }
        this.results.set(offset, result);
        this.statuses.set(String(message.key), result);
        for (const resolve of this.waiters.get(offset) ?? []) resolve(result);
        this.waiters.delete(offset);
        if (offset >= replayTo - 1) await startQueries();
      },
    });
    if (replayTo === 0) await startQueries();
    await replayed;

    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    this.hostInfo = `127.0.0.1:${port}`;
    this.url = `http://${this.hostInfo}`;
  }

  private async renewProducer(): Promise<void> {
    const fresh = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await fresh.connect();
    const old = this.producer;
    this.producer = fresh;
    await old?.disconnect().catch(() => undefined);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method === 'POST' && path === '/ksql') return await this.ksql(request, response);
      if (request.method === 'POST' && path === '/query-stream') return await this.queryStream(request, response);
      if (request.method === 'GET' && path === '/info') {
        return send(response, 200, { KsqlServerInfo: { version: this.version, kafkaClusterId: this.clusterId, ksqlServiceId: this.options.serviceId, serverStatus: 'RUNNING' } });
      }
      if (request.method === 'GET' && path === '/healthcheck') {
        return send(response, 200, { isHealthy: true, details: { metastore: { isHealthy: true }, kafka: { isHealthy: true }, commandRunner: { isHealthy: true } }, serverState: 'READY' });
      }
      const status = /^\/status\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
      if (request.method === 'GET' && status) {
        const commandId = status.slice(1, 4).map(decodeURIComponent).join('/');
        const found = this.statuses.get(commandId);
        if (!found) return send(response, 404, { '@type': 'generic_error', error_code: 40400, message: `Command not found: ${commandId}` });
        return send(response, 200, { status: found.status, message: found.message, queryId: found.queryId });
      }
      send(response, 404, { '@type': 'generic_error', error_code: 40400, message: 'HTTP 404 Not Found' });
    } catch (error) {
      if (!response.headersSent) send(response, 500, { '@type': 'generic_error', error_code: 50000, message: (error as Error).message });
    }
  }

  private async ksql(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: { ksql?: unknown; streamsProperties?: Record<string, unknown>; requestProperties?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return send(response, 400, { '@type': 'generic_error', error_code: 40000, message: 'Unrecognized request body: not JSON' });
    }
    if (typeof body.ksql !== 'string') return send(response, 400, { '@type': 'generic_error', error_code: 40000, message: 'Missing ksql statement' });
    const localOnly = body.requestProperties?.[LOCAL_ONLY] === true;
    const entities: unknown[] = [];
    for (const text of splitStatements(body.ksql)) {
      if (!localOnly) this.statements.push(text);
      try {
        const entity = await this.execute(text, body.streamsProperties ?? {}, localOnly);
        if (entity !== undefined) entities.push(entity);
      } catch (error) {
        if (error instanceof StatementError || error instanceof SqlError) {
          return send(response, 400, { '@type': 'statement_error', error_code: 40001, message: error.message, statementText: text, entities });
        }
        throw error;
      }
    }
    send(response, 200, entities);
  }

  private async execute(text: string, properties: Record<string, unknown>, localOnly: boolean): Promise<unknown> {
    let statement: Statement;
    try {
      statement = parseStatement(text);
    } catch (error) {
      throw new StatementError(syntaxError(text, error));
    }
    if ((statement.type === 'pause' || statement.type === 'resume') && !atLeast(this.version, [0, 28, 2])) {
      // Before KLIP-63 the grammar has no PAUSE / RESUME.
      throw new StatementError(`line 1:1: Syntax Error\nUnknown statement '${statement.type.toUpperCase()}'`);
    }
    switch (statement.type) {
      case 'showQueries': {
        const views = await this.queryViews(localOnly);
        return statement.extended
          ? { '@type': 'query_descriptions', statementText: text, queryDescriptions: views.map((v) => v.description), warnings: [] }
          : { '@type': 'queries', statementText: text, queries: views.map((v) => v.running), warnings: [] };
      }
      case 'list': {
        const what = statement.what === 'STREAMS' ? 'STREAM' : 'TABLE';
        const sources = [...this.engine.sources.values()]
          .filter((s) => s.what === what)
          .map((s) => ({ type: what, name: s.name, topic: s.topic, keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false }));
        return statement.what === 'STREAMS' ? { '@type': 'streams', statementText: text, streams: sources, warnings: [] } : { '@type': 'tables', statementText: text, tables: sources, warnings: [] };
      }
      case 'select':
        throw new StatementError("The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT");
      case 'insert':
        return this.insertValues(statement);
      default:
        if (statement.type === 'createSource' && statement.props.KAFKA_TOPIC) await this.engine.prepareTopic(statement.props.KAFKA_TOPIC, statement.props.PARTITIONS);
        return this.command(statement, text, properties);
    }
  }

  /** INSERT INTO ... VALUES: one record, produced by the receiving server (no command); answered with no entity. */
  private async insertValues(statement: Extract<Statement, { type: 'insert' }>): Promise<unknown[] | undefined> {
    const source = this.engine.sources.get(statement.into);
    if (!source) throw new StatementError(`Cannot insert values into an unknown stream/table: ${statement.into}`);
    const columns = statement.columns.length ? statement.columns : source.columns.map((c) => c.name);
    if (columns.length !== statement.values.length) throw new StatementError(`Expected a value for each column. Expected Columns: [${columns.join(', ')}]. Got [${statement.values.join(', ')}]`);
    const row = Object.fromEntries(columns.map((column, index) => [column, statement.values[index]]));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer!.send({ topic: source.topic, acks: -1, messages: [{ key: null, value: JSON.stringify(row) }] });
        return undefined;
      } catch (error) {
        // A topic created a moment ago may not be in the producer's metadata yet.
        if (attempt >= 10 || !/does not host this topic-partition|UNKNOWN_TOPIC/i.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Validates, writes to the command topic, and waits (up to the response timeout) for this server to apply it. */
  private async command(statement: Statement, text: string, properties: Record<string, unknown>): Promise<unknown> {
    this.engine.check(statement);
    const commandId = commandIdOf(statement);
    const value: CommandValue & { originalProperties: object; plan: null } = { statement: text, streamsProperties: properties, originalProperties: {}, plan: null };
    const [written] = await this.producer!.send({ topic: this.commandTopic, acks: -1, messages: [{ key: commandId, value: JSON.stringify(value) }] });
    const offset = Number(written.baseOffset);
    if (!this.results.has(offset)) this.statuses.set(commandId, QUEUED);
    const result = await this.applied(offset);
    if (result?.status === 'ERROR') throw new StatementError(result.message);
    return { '@type': 'currentStatus', statementText: text, commandId, commandStatus: result ?? QUEUED, commandSequenceNumber: offset, warnings: [] };
  }

  private applied(offset: number): Promise<CommandResult | null> {
    const done = this.results.get(offset);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), this.responseTimeoutMs);
      this.waiters.set(offset, [
        ...(this.waiters.get(offset) ?? []),
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      ]);
    });
  }

  /** Every query this server and its peers run, with per-host statuses merged. */
  private async queryViews(localOnly: boolean): Promise<QueryView[]> {
    const views = new Map<string, QueryView>();
    for (const query of this.engine.queries.values()) views.set(query.id, this.persistentView(query));
    for (const query of this.transient.values()) views.set(query.id, this.transientView(query));
    if (!localOnly) {
      await Promise.all(
        this.peers.map(async (peer) => {
          const host = new URL(peer).host;
          let remote: Array<Record<string, unknown>> | null = null;
          try {
            const answer = await fetch(`${peer}/ksql`, {
              method: 'POST',
              headers: { 'content-type': 'application/vnd.ksql.v1+json' },
              body: JSON.stringify({ ksql: 'SHOW QUERIES EXTENDED;', streamsProperties: {}, requestProperties: { [LOCAL_ONLY]: true } }),
              signal: AbortSignal.timeout(PEER_TIMEOUT_MS),
            });
            remote = ((await answer.json()) as Array<{ queryDescriptions: Array<Record<string, unknown>> }>)[0].queryDescriptions;
          } catch {
            remote = null;
          }
          if (!remote) {
            for (const view of views.values()) if (view.description.queryType === 'PERSISTENT') view.hosts[host] = 'UNRESPONSIVE';
            return;
          }
          for (const description of remote) {
            const id = String(description.id);
            const status = (description.ksqlHostQueryStatus as Record<string, string>)[host] ?? 'RUNNING';
            const view = views.get(id);
            if (view) view.hosts[host] = status;
            else views.set(id, { running: remoteRunning(description), description, hosts: { ...(description.ksqlHostQueryStatus as Record<string, string>) } });
          }
        }),
      );
    }
    return [...views.values()].map((view) => finish(view));
  }

  private persistentView(query: PersistentQuery): QueryView {
    const sink = query.sink;
    return {
      running: {
        queryString: query.statementText,
        sinks: sink ? [sink.name] : [],
        sinkKafkaTopics: sink ? [sink.topic] : [],
        id: query.id,
        statusCount: {},
        queryType: 'PERSISTENT',
        state: 'RUNNING',
      },
      description: {
        id: query.id,
        statementText: query.statementText,
        windowType: null,
        fields: fieldsOf(query.outputColumns()),
        sources: [query.source.name],
        sinks: sink ? [sink.name] : [],
        topology: topologyOf(query.source, sink),
        executionPlan: planOf(query),
        overriddenProperties: query.properties,
        ksqlHostQueryStatus: {},
        queryType: 'PERSISTENT',
        queryErrors: query.errors,
        tasksMetadata: [],
        consumerGroupId: query.groupId,
        state: null,
      },
      hosts: { [this.hostInfo]: query.status },
    };
  }

  private transientView(query: TransientQuery): QueryView {
    return {
      running: { queryString: query.sql, sinks: [], sinkKafkaTopics: [], id: query.id, statusCount: {}, queryType: 'PUSH', state: 'RUNNING' },
      description: {
        id: query.id,
        statementText: query.sql,
        windowType: null,
        fields: fieldsOf(outputColumns(query.select, query.source)),
        sources: [query.source.name],
        sinks: [],
        topology: topologyOf(query.source, null),
        executionPlan: '',
        overriddenProperties: {},
        ksqlHostQueryStatus: {},
        queryType: 'PUSH',
        queryErrors: [],
        tasksMetadata: [],
        consumerGroupId: query.groupId,
        state: null,
      },
      hosts: { [this.hostInfo]: 'RUNNING' },
    };
  }

  /** POST /query-stream with a push query: a header line, then one JSON array per row, while the client listens. */
  private async queryStream(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: { sql?: unknown; properties?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return send(response, 400, { '@type': 'generic_error', error_code: 40000, message: 'Unrecognized request body: not JSON' });
    }
    let statement: Statement;
    try {
      statement = parseStatement(String(body.sql ?? ''));
    } catch (error) {
      return send(response, 400, { '@type': 'statement_error', error_code: 40001, message: syntaxError(String(body.sql ?? ''), error), statementText: String(body.sql ?? ''), entities: [] });
    }
    if (statement.type !== 'select' || !statement.select.emitChanges) {
      return send(response, 400, { '@type': 'statement_error', error_code: 40001, message: 'ksqlDB stand-in: only push queries (SELECT ... EMIT CHANGES) are implemented', statementText: String(body.sql), entities: [] });
    }
    const source = this.engine.sources.get(statement.select.from);
    if (!source) return send(response, 400, { '@type': 'statement_error', error_code: 40001, message: `${statement.select.from} does not exist.`, statementText: String(body.sql), entities: [] });
    const query = new TransientQuery(this.kafka, this.options.serviceId, String(body.sql), statement.select, source, body.properties ?? {});
    this.transient.set(query.id, query);
    const columns = outputColumns(statement.select, source);
    response.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1' });
    response.write(`${JSON.stringify({ queryId: query.id, columnNames: columns.map((c) => c.name), columnTypes: columns.map((c) => schemaType(c.type)) })}\n`);
    const stop = () => {
      this.transient.delete(query.id);
      void query.stop();
    };
    response.on('close', stop);
    await query.start((row) => response.write(`${JSON.stringify(row)}\n`)).catch(stop);
  }
}

/** ksqlDB's ParsingException wording: `line L:C: Syntax Error` then the detail. */
function syntaxError(text: string, error: unknown): string {
  const { line, column } = positionOf(text, error instanceof SqlError ? error.at : 0);
  return `line ${line}:${column}: Syntax Error\n${(error as Error).message}`;
}

function finish(view: QueryView): QueryView {
  const statusCount: Record<string, number> = {};
  for (const status of Object.values(view.hosts)) statusCount[status] = (statusCount[status] ?? 0) + 1;
  const state = Object.values(view.hosts).includes('ERROR') ? 'ERROR' : 'RUNNING';
  return {
    ...view,
    running: { ...view.running, statusCount, state },
    description: { ...view.description, ksqlHostQueryStatus: view.hosts, state: Object.keys(view.hosts).length ? state : null },
  };
}

function remoteRunning(description: Record<string, unknown>): Record<string, unknown> {
  return {
    queryString: description.statementText,
    sinks: description.sinks,
    sinkKafkaTopics: [],
    id: description.id,
    statusCount: {},
    queryType: description.queryType,
    state: 'RUNNING',
  };
}

function schemaType(type: string): string {
  const upper = type.toUpperCase();
  if (upper === 'VARCHAR') return 'STRING';
  if (upper === 'INT') return 'INTEGER';
  return upper;
}

function fieldsOf(columns: Column[]): object[] {
  return columns.map((c) => ({ name: c.name, schema: { type: schemaType(c.type), fields: null, memberSchema: null }, ...(c.key ? { type: 'KEY' } : {}) }));
}

function topologyOf(source: SourceDef, sink: SourceDef | null): string {
  return [
    'Topologies:',
    '   Sub-topology: 0',
    `    Source: KSTREAM-SOURCE-0000000000 (topics: [${source.topic}])`,
    `      --> ${sink ? 'KSTREAM-SINK-0000000001' : 'none'}`,
    ...(sink ? ['    Sink: KSTREAM-SINK-0000000001 (topic: ' + sink.topic + ')', '      <-- KSTREAM-SOURCE-0000000000'] : []),
    '',
    '',
  ].join('\n');
}

function planOf(query: PersistentQuery): string {
  const schema = (columns: Column[]) => columns.map((c) => `${c.name} ${schemaType(c.type)}${c.key ? ' KEY' : ''}`).join(', ');
  const sinkLine = query.sink ? ` > [ SINK ] | Schema: ${schema(query.outputColumns())} | Logger: ${query.id}.${query.sink.name}\n\t\t` : ' ';
  return `${sinkLine}> [ SOURCE ] | Schema: ${schema(query.source.columns)} | Logger: ${query.id}.KsqlTopic.Source\n`;
}

function atLeast(version: string, minimum: [number, number, number]): boolean {
  const parts = version.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((parts[i] ?? 0) !== minimum[i]) return (parts[i] ?? 0) > minimum[i];
  }
  return true;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
