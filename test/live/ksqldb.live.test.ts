import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { KafkaBed, ksql, ksqlHome, ksqlOk, orders, totalsByWho, type Row } from '../standins/ksqldb/testBed';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The ksqlDB adapter against a real ksqlDB (0.28.2+ / Confluent Platform 7.3+), run only when
 * KSQLDB_URL names one: KLIP-63's test plan as the stand-in suite runs it, through the agent.
 * - KSQLDB_URL: the REST endpoint, e.g. http://localhost:8088
 * - KSQLDB_KAFKA_BOOTSTRAP (optional): its Kafka, host:port, reachable without TLS or SASL. The
 *   tests that feed topics and read sinks, lag and proof of pause need it and are skipped without.
 * - KSQLDB_USERNAME / KSQLDB_PASSWORD (optional): HTTP basic auth.
 * Safe on a shared server: it touches only streams, tables and topics it creates, named
 * PP_LIVE_<random>_* (topics in lower case), terminates and drops them (with their topics and
 * consumer groups) afterwards, pauses only its own queries by id, and never sends PAUSE ALL,
 * which would pause everyone's queries.
 */
const url = (process.env.KSQLDB_URL ?? '').replace(/\/+$/, '');
const bootstrap = process.env.KSQLDB_KAFKA_BOOTSTRAP;
const auth = process.env.KSQLDB_USERNAME ? { usernameEnv: 'KSQLDB_USERNAME', passwordEnv: 'KSQLDB_PASSWORD' } : undefined;
const EARLIEST = { 'auto.offset.reset': 'earliest' };

interface ListedQuery {
  id: string;
  queryString: string;
  statusCount: Record<string, number>;
  state: string;
}

describe(`live ksqlDB pause (${url || 'KSQLDB_URL not set'})`, function () {
  this.timeout(120_000);
  const prefix = `PP_LIVE_${randomBytes(3).toString('hex').toUpperCase()}`;
  /** Everything created, in order: dropped in reverse after the run. */
  const created: Array<{ what: 'STREAM' | 'TABLE'; name: string }> = [];
  const queries: string[] = [];
  let agent: TestAgent | null = null;
  let client: AgentClient;
  let home: ReturnType<typeof ksqlHome>;
  let bed: KafkaBed | null = null;

  const headers = (): Record<string, string> =>
    auth ? { authorization: `Basic ${Buffer.from(`${process.env.KSQLDB_USERNAME}:${process.env.KSQLDB_PASSWORD ?? ''}`).toString('base64')}` } : {};
  const run = (text: string, properties: Record<string, unknown> = {}) => ksqlOk(url, text, properties, headers());
  const name = (suffix: string) => `${prefix}_${suffix}`;
  const resource = (queryId: string) => client.resource(`live/${queryId}`);
  const until = (queryId: string, accept: (r: Resource) => boolean, what: string) => eventually(() => resource(queryId), accept, 60_000, what);
  const needsKafka = (context: Mocha.Context) => {
    if (!bed) context.skip(); // feeding topics and reading sinks, lag and offsets take KSQLDB_KAFKA_BOOTSTRAP
    return bed!;
  };

  /** A JSON stream over a new one-partition topic (ksqlDB creates it), and its topic. */
  async function inputStream(suffix: string): Promise<{ stream: string; topic: string }> {
    const stream = name(suffix);
    const topic = stream.toLowerCase();
    await run(`CREATE STREAM ${stream} (ID INT, AMOUNT INT, WHO VARCHAR) WITH (KAFKA_TOPIC='${topic}', PARTITIONS=1, VALUE_FORMAT='JSON');`);
    created.push({ what: 'STREAM', name: stream });
    return { stream, topic };
  }

  /** CREATE STREAM|TABLE <prefix>_<suffix> AS ..., reading from the earliest offset; its query id and sink topic. */
  async function persistentQuery(what: 'STREAM' | 'TABLE', suffix: string, select: string): Promise<{ queryId: string; sink: string }> {
    const sink = name(suffix).toLowerCase();
    const [answer] = await run(`CREATE ${what} ${name(suffix)} WITH (KAFKA_TOPIC='${sink}') AS ${select} EMIT CHANGES;`, EARLIEST);
    created.push({ what, name: name(suffix) });
    const queryId = answer.commandStatus?.queryId;
    assert.ok(queryId, `ksqlDB named the query: ${JSON.stringify(answer)}`);
    queries.push(queryId);
    return { queryId, sink };
  }

  async function listed(queryId: string): Promise<ListedQuery> {
    const [answer] = (await run('SHOW QUERIES;')) as unknown as Array<{ queries: ListedQuery[] }>;
    const found = answer.queries.find((q) => q.id.toUpperCase() === queryId.toUpperCase());
    assert.ok(found, `SHOW QUERIES lists ${queryId}`);
    return found;
  }

  /** Journal entries about this run's queries only: on a shared server the agent also sees everyone else's. */
  async function journaled(queryId: string): Promise<string[]> {
    return (await new Journal(home.paths.journal).read()).filter((e) => e.resource === `live/${queryId}`).map((e) => e.action);
  }

  before(async function () {
    if (!url) throw new Error('set KSQLDB_URL to a ksqlDB server (0.28.2+) to run the live suite');
    if (bootstrap) bed = await new KafkaBed(bootstrap).open();
    home = ksqlHome({ name: 'live', servers: [url], bootstrap, pollIntervalSeconds: 1 });
    if (auth) home.writeConnections([{ ...home.connection, auth }]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });

  after(async () => {
    await agent?.close();
    if (url) {
      const described = await run('SHOW QUERIES EXTENDED;').catch(() => []);
      const groups = ((described[0] as unknown as { queryDescriptions?: Array<{ id: string; consumerGroupId?: string }> })?.queryDescriptions ?? [])
        .filter((q) => q.id.toUpperCase().includes(prefix))
        .map((q) => q.consumerGroupId)
        .filter((g): g is string => Boolean(g));
      for (const queryId of queries.reverse()) await run(`TERMINATE ${queryId};`).catch(() => undefined);
      // A source table's query goes with its table; the queries' sinks go before their inputs.
      for (const { what, name: dropped } of created.reverse()) await run(`DROP ${what} IF EXISTS ${dropped} DELETE TOPIC;`).catch(() => undefined);
      if (bed && groups.length) {
        const admin = bed.kafka.admin();
        await admin.connect();
        await admin.deleteGroups(groups).catch(() => undefined); // ours only: every id carries the run's prefix
        await admin.disconnect();
      }
    }
    await bed?.close();
  });

  it('lists a query with its lineage, pauses it (statusCount PAUSED while state stays RUNNING) and resumes it', async () => {
    const { stream, topic } = await inputStream('IN');
    const { queryId, sink } = await persistentQuery('STREAM', 'OUT', `SELECT * FROM ${stream}`);
    const running = await until(queryId, (r) => r.state === 'running', 'the query listed, running');
    assert.deepEqual(running.lineage.inputs, [`kafka-topic:${topic}`]);
    assert.deepEqual(running.lineage.outputs, [`kafka-topic:${sink}`]);

    const paused = await client.pause(`live/${queryId}`, { reason: 'live suite', pausedBy: 'ci' });
    assert.deepEqual([paused.resource.state, paused.resource.pause?.pausedBy, paused.resource.pause?.reason], ['paused', 'ci', 'live suite']);
    const query = await listed(queryId);
    assert.ok((query.statusCount.PAUSED ?? 0) >= 1, JSON.stringify(query));
    assert.equal(query.statusCount.RUNNING ?? 0, 0, JSON.stringify(query));
    assert.equal(query.state, 'RUNNING', 'ksqlDB keeps state RUNNING for a paused query: the agent must not read it');

    await client.resume(`live/${queryId}`, {});
    await until(queryId, (r) => r.state === 'running' && r.pause === null, 'running again');
    assert.equal((await listed(queryId)).statusCount.PAUSED ?? 0, 0);
    assert.deepEqual(await journaled(queryId), ['pause', 'resume']);
  });

  it('a paused query processes nothing while its input grows: the lag grows with the pause proven, then drains after resume', async function () {
    const kafka = needsKafka(this);
    const { stream, topic } = await inputStream('GROW_IN');
    const { queryId, sink } = await persistentQuery('STREAM', 'GROW_OUT', `SELECT * FROM ${stream}`);
    await kafka.produce(topic, orders(1, 5));
    await until(queryId, (r) => r.state === 'running' && r.backlog.pending === 0, 'the first 5 processed and committed');
    await eventually(() => kafka.count(sink), (n) => n === 5, 30_000, 'the first 5 in the sink');

    await client.pause(`live/${queryId}`, { reason: 'live: lag grows' });
    await sleep(3000); // a commit in flight at the pause may still land; the baseline comes after it
    const sinkAtPause = await kafka.count(sink);

    await kafka.produce(topic, orders(6, 10));
    const first = await until(queryId, (r) => r.backlog.pending === 10 && r.pauseEffect?.status === 'confirmed', 'lag 10 with the pause proven');
    await kafka.produce(topic, orders(16, 10));
    const second = await until(queryId, (r) => r.backlog.pending === 20, 'lag grown to 20');
    assert.deepEqual([second.state, second.pauseEffect?.status, second.pauseEffect?.since], ['paused', 'confirmed', first.pauseEffect!.since], 'still proven, from the same moment');
    assert.match(second.pauseEffect!.detail, /while 20 new records arrived$/);
    assert.ok(second.backlog.oldestPendingAt && second.backlog.dataLossAt, 'the oldest waiting record and when retention may delete it');
    await sleep(3000);
    assert.equal(await kafka.count(sink), sinkAtPause, 'the paused query wrote nothing');

    await client.resume(`live/${queryId}`, {});
    await until(queryId, (r) => r.state === 'running' && r.backlog.pending === 0 && r.pauseEffect === null, 'the lag drained after resume');
    await eventually(() => kafka.count(sink), (n) => n === 25, 30_000, 'all 25 records in the sink');
    assert.deepEqual(
      (await kafka.readAll(sink)).map((r) => r.value.ID),
      Array.from({ length: 25 }, (_, i) => i + 1),
      'each record once, in order',
    );
  });

  it('after resume a SUM / COUNT aggregate over all input is exact: nothing lost, nothing counted twice', async function () {
    const kafka = needsKafka(this);
    const { stream, topic } = await inputStream('AGG_IN');
    const { queryId, sink } = await persistentQuery('TABLE', 'TOTALS', `SELECT WHO, SUM(AMOUNT) AS TOTAL, COUNT(*) AS N FROM ${stream} GROUP BY WHO`);
    const before = orders(1, 30);
    await kafka.produce(topic, before);
    await until(queryId, (r) => r.state === 'running' && r.backlog.pending === 0, 'the first 30 aggregated');
    // ksqlDB may hold table updates in its cache until a commit, so only the latest value per key counts.
    const totals = async () => new Map([...(await kafka.latestByKey(sink))].map(([who, row]) => [who, { TOTAL: row.TOTAL, N: row.N }]));
    const settled = async (expected: Map<string, Row>) => eventually(totals, (t) => isDeepStrictEqual(t, expected), 30_000, 'the totals').catch(() => totals());
    assert.deepEqual(await settled(totalsByWho(before)), totalsByWho(before), 'the totals over the first 30');

    await client.pause(`live/${queryId}`, { reason: 'live: aggregate' });
    await sleep(3000);
    const sinkAtPause = await kafka.count(sink);
    const during = orders(31, 30);
    await kafka.produce(topic, during);
    await until(queryId, (r) => r.backlog.pending === 30 && r.pauseEffect?.status === 'confirmed', 'lag 30 with the pause proven');
    await sleep(3000);
    assert.equal(await kafka.count(sink), sinkAtPause, 'no update while paused');
    assert.deepEqual(await totals(), totalsByWho(before), 'the totals still over the first 30 only');

    await client.resume(`live/${queryId}`, {});
    await until(queryId, (r) => r.state === 'running' && r.backlog.pending === 0, 'caught up after resume');
    const expected = totalsByWho([...before, ...during]);
    assert.deepEqual(await settled(expected), expected, 'SUM and COUNT over all 60 records');
  });

  it('of two queries reading one topic, pausing one leaves the other processing', async function () {
    const kafka = needsKafka(this);
    const { stream, topic } = await inputStream('TWO_IN');
    const all = await persistentQuery('STREAM', 'TWO_ALL', `SELECT * FROM ${stream}`);
    const big = await persistentQuery('STREAM', 'TWO_BIG', `SELECT ID, AMOUNT FROM ${stream} WHERE AMOUNT > 10`);
    await kafka.produce(topic, orders(1, 20));
    await eventually(async () => [await kafka.count(all.sink), await kafka.count(big.sink)], (c) => c[0] === 20 && c[1] === 10, 30_000, 'both sinks fed');

    await client.pause(`live/${all.queryId}`, { reason: 'live: only this one' });
    await sleep(3000);
    await kafka.produce(topic, orders(21, 20));
    await eventually(() => kafka.count(big.sink), (n) => n === 30, 30_000, 'the other query to keep processing');
    const [paused, running] = await Promise.all([resource(all.queryId), resource(big.queryId)]);
    assert.deepEqual([paused.state, running.state], ['paused', 'running']);
    await sleep(2000);
    assert.equal(await kafka.count(all.sink), 20, 'the paused query wrote nothing more');

    await client.resume(`live/${all.queryId}`, {});
    await eventually(() => kafka.count(all.sink), (n) => n === 40, 30_000, 'the resumed query to catch up');
    assert.deepEqual(
      (await kafka.readAll(all.sink)).map((r) => r.value.ID),
      Array.from({ length: 40 }, (_, i) => i + 1),
      'each record once, in order',
    );
  });

  it('does not offer pause for a source-table query, and shows ksqlDB\'s own refusal when asked', async () => {
    const table = name('USERS');
    const [answer] = await run(`CREATE SOURCE TABLE ${table} (NAME VARCHAR PRIMARY KEY, TIER INT) WITH (KAFKA_TOPIC='${table.toLowerCase()}', PARTITIONS=1, VALUE_FORMAT='JSON');`);
    created.push({ what: 'TABLE', name: table });
    // Not every version names the query in its answer; SHOW QUERIES does.
    const [shown] = (await run('SHOW QUERIES;')) as unknown as Array<{ queries: ListedQuery[] }>;
    const queryId = answer.commandStatus?.queryId ?? shown.queries.find((q) => q.id.toUpperCase().startsWith(`CST_${table}`))?.id;
    assert.ok(queryId, `a query materialises ${table}: ${JSON.stringify(shown.queries.map((q) => q.id))}`);

    const linked = await until(queryId, (r) => r.state === 'running', 'the source-table query listed');
    assert.deepEqual([linked.capabilities.pause, linked.capabilities.resume, linked.capabilities.scheduledResume], [false, false, false]);
    assert.match(linked.capabilities.pauseUnavailable ?? '', /linked to a source table/);
    await assert.rejects(client.pause(`live/${queryId}`, {}), (error: Error) => {
      assert.equal(error.message, `Cannot pause query '${queryId}' because it is linked to a source table. (ksqlDB at ${url})`);
      return true;
    });
    const direct = await ksql(url, `RESUME ${queryId};`, {}, headers());
    assert.equal(direct.status, 400);
    assert.equal((direct.body as { message: string }).message, `Cannot resume query '${queryId}' because it is linked to a source table.`);
    assert.equal((await listed(queryId)).statusCount.PAUSED ?? 0, 0, 'the refused pause changed nothing');
  });

  it('shows the server\'s own words for an unknown query id', async () => {
    await assert.rejects(client.pause(`live/${prefix}_NO_SUCH_QUERY`, {}), (error: Error) => {
      assert.equal(error.message, `Unknown queryId: ${prefix}_NO_SUCH_QUERY (ksqlDB at ${url})`);
      return true;
    });
  });
});
