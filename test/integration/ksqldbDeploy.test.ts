import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { PauseError } from '../../protocol/errors';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { cli } from '../support/testEnv';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksqlHome, ksqlOk, startStandIn, unique, type Row } from '../standins/ksqldb/testBed';

/**
 * Deploy from the editor, through the agent's HTTP API, against the ksqlDB stand-in whose
 * queries are real consumers and producers on the real Kafka broker. What the tests check about
 * data (sink topics, committed offsets, consumer groups) they read from Kafka directly.
 */
useSandboxServices('kafka');

describe('deploying ksqlDB statements through the agent (ksqlDB stand-in, real Kafka)', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let server: KsqlDbStandIn;
  let agent: TestAgent;
  let client: AgentClient;
  let topic: string;
  let home: ReturnType<typeof ksqlHome>;

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
  });
  after(async () => {
    await bed?.close();
  });
  beforeEach(async () => {
    server = await startStandIn(kafkaService().bootstrap, { serviceId: unique('svc') });
    topic = unique('orders');
    await bed.createTopic(topic);
    await ksqlOk(server.url, `CREATE STREAM ORDERS (ID INT, REGION VARCHAR, AMOUNT INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    home = ksqlHome({ servers: [server.url], bootstrap: kafkaService().bootstrap, pollIntervalSeconds: 30 });
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });
  afterEach(async () => {
    await agent?.close();
    await server?.close();
  });

  const orders = (from: number, amounts: number[]): Row[] => amounts.map((amount, i) => ({ ID: from + i, REGION: ['north', 'south', 'east'][(from + i) % 3], AMOUNT: amount }));
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const deployFailure = async (statement: string, recreate = false): Promise<PauseError> => {
    const error = await client.deploy('ksql', { statement, recreate }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof PauseError, `expected a refusal of ${statement}`);
    return error;
  };
  /** What the server runs, as SHOW QUERIES / LIST STREAMS / LIST TABLES report it. */
  const serverState = async () => {
    const answer = await ksqlOk(server.url, 'SHOW QUERIES; LIST STREAMS; LIST TABLES;');
    const [queries, streams, tables] = answer as unknown as [{ queries: Array<{ id: string; queryString: string }> }, { streams: unknown[] }, { tables: unknown[] }];
    return { queries: queries.queries.map((q) => [q.id, q.queryString]), streams: streams.streams, tables: tables.tables };
  };

  it('creates a query reading from the earliest offset; a filter change upgrades it in place with the same id, consumer group and offsets', async () => {
    await bed.produce(topic, orders(1, range(1, 10)));
    const created = await client.deploy('ksql', { statement: '-- big orders\nCREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 5;' });
    assert.equal(created.action, 'created');
    assert.match(created.message, new RegExp(`^Created query with ID ${created.queryId}$`));
    assert.equal(created.resource?.id, `ksql/${created.queryId}`, 'the agent lists the new query in its answer');
    const query = server.query(created.queryId)!;
    const sink = query.sink!.topic;
    await eventually(() => bed.count(sink), (n) => n === 5, 15_000, 'the records produced before the deploy, read from the earliest offset');
    await eventually(() => bed.committed(query.groupId, topic), (o) => o[0] === 10, 10_000, 'offsets committed');

    const upgraded = await client.deploy('ksql', { statement: 'CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 8;' });
    assert.deepEqual([upgraded.action, upgraded.queryId, upgraded.replacedQueryId], ['upgraded', created.queryId, null]);
    assert.equal(server.query(created.queryId)!.groupId, query.groupId, 'the same consumer group');
    assert.match(server.query(created.queryId)!.statementText, /^CREATE OR REPLACE STREAM BIG AS .* AMOUNT > 8;$/);
    assert.deepEqual(await bed.committed(query.groupId, topic), [10], 'its offsets are kept, not reset');

    await bed.produce(topic, orders(11, range(1, 10)));
    await eventually(() => bed.committed(query.groupId, topic), (o) => o[0] === 20, 15_000, 'the new records processed');
    assert.deepEqual(
      (await bed.readAll(sink)).map((r) => r.value.ID),
      [...range(6, 10), 19, 20],
      'old records were not reprocessed; new ones pass the new filter; each once',
    );
    assert.deepEqual(
      agent.logs.filter((l) => l.msg === 'deployed').map((l) => [l.action, l.queryId]),
      [
        ['created', created.queryId],
        ['upgraded', created.queryId],
      ],
    );
  });

  it('an aggregate change answers RecreateRequired and changes nothing; with recreate it reprocesses everything exactly once', async () => {
    await ksqlOk(server.url, 'CREATE STREAM VALID AS SELECT * FROM ORDERS WHERE AMOUNT > 0;', { 'auto.offset.reset': 'earliest' });
    const counted = await client.deploy('ksql', { statement: 'CREATE TABLE BY_REGION AS SELECT REGION, COUNT(*) AS N FROM VALID GROUP BY REGION EMIT CHANGES;' });
    const sink = server.query(counted.queryId)!.sink!.topic;
    const first = orders(1, [5, 0, 7, 3, 0, 9, 1, 2, 8, 4, 6, 0]);
    await bed.produce(topic, first);
    const valid = (rows: Row[]) => rows.filter((r) => Number(r.AMOUNT) > 0);
    await eventually(() => bed.count(sink), (n) => n === valid(first).length, 15_000, 'one update per valid record');

    const changed = 'CREATE TABLE BY_REGION AS SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM VALID GROUP BY REGION EMIT CHANGES;';
    const before = await serverState();
    const refused = await deployFailure(changed);
    assert.equal(refused.code, 'RecreateRequired');
    assert.match(refused.message, /Query is not upgradeable\. Plan step of type StreamAggregate must have matching aggregationFunctions\. Values differ: \[COUNT\(ROWTIME\)\] vs\. \[COUNT\(ROWTIME\), SUM\(AMOUNT\)\]/);
    assert.deepEqual([refused.details?.queryId, refused.details?.consequence], [counted.queryId, 'Its state is dropped and it reprocesses VALID from the earliest offset.']);
    assert.deepEqual(await serverState(), before, 'nothing changed on the server');
    assert.deepEqual(
      agent.logs.filter((l) => l.msg === 'deploy refused').map((l) => [l.code, l.recreate]),
      [['RecreateRequired', false]],
      'the refusal is in the agent log',
    );

    const second = orders(13, [2, 0, 5]);
    await bed.produce(topic, second);
    const sinkBefore = await eventually(() => bed.count(sink), (n) => n === valid([...first, ...second]).length, 15_000, 'the old query still running');
    const recreated = await client.deploy('ksql', { statement: changed, recreate: true });
    assert.equal(recreated.action, 'recreated');
    assert.equal(recreated.replacedQueryId, counted.queryId);
    assert.notEqual(recreated.queryId, counted.queryId);
    assert.equal(recreated.resource?.id, `ksql/${recreated.queryId}`);
    assert.equal(server.query(counted.queryId), undefined, 'the old query is gone');
    assert.equal(server.query(recreated.queryId)!.sink!.topic, sink, 'the table keeps its topic');

    const all = valid([...first, ...second]);
    const expected = new Map<string, Row>();
    for (const region of ['north', 'south', 'east']) {
      const mine = all.filter((r) => r.REGION === region);
      if (mine.length) expected.set(region, { N: mine.length, TOTAL: mine.reduce((sum, r) => sum + Number(r.AMOUNT), 0) });
    }
    await eventually(() => bed.count(sink), (n) => n === sinkBefore + all.length, 15_000, 'every valid record reprocessed from the earliest offset');
    assert.deepEqual(await bed.latestByKey(sink), expected, 'COUNT and SUM over every record: none lost, none twice');
    assert.deepEqual(
      agent.logs.filter((l) => l.msg === 'deployed').map((l) => l.action),
      ['created', 'recreated'],
    );
  });

  it('a bad statement answers with the server\'s message and position, and changes nothing on the server', async () => {
    const existing = await client.deploy('ksql', { statement: 'CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 5;' });
    const before = await serverState();
    // Statements other than the listings the agent reads with.
    const sent = () => server.statements.filter((text) => !/^(SHOW|LIST)\b/i.test(text));
    const sentBefore = sent().length;

    const syntax = await deployFailure('CREATE STREAM NEW_ONE AS\n  SELECT ID FRM ORDERS;');
    assert.equal(syntax.code, 'BadRequest');
    assert.match(syntax.message, /^line 2:13: Syntax Error\n/);
    assert.deepEqual([syntax.details?.line, syntax.details?.column], [2, 13]);

    // Sent as CREATE OR REPLACE (BIG exists); the column is still the one in the user's text.
    const upgrade = 'CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > > 5;';
    const shifted = await deployFailure(upgrade);
    assert.equal(shifted.code, 'BadRequest');
    assert.deepEqual([shifted.details?.line, shifted.details?.column], [1, upgrade.indexOf('> >') + 3]);

    const unknown = await deployFailure('CREATE STREAM FROM_NOWHERE AS SELECT * FROM NOPE;');
    assert.equal(unknown.code, 'BadRequest');
    assert.match(unknown.message, /^NOPE does not exist\. \(ksqlDB at /);

    const column = await deployFailure('CREATE STREAM BIG AS SELECT ID, COLOUR FROM ORDERS;');
    assert.match(column.message, /^Column 'COLOUR' cannot be resolved\./);
    assert.equal(sent().length, sentBefore + 4, 'each was sent once and refused');

    for (const [statement, reason] of [
      ['DROP STREAM BIG;', /CREATE STREAM\|TABLE \.\.\. AS SELECT statements only, not "DROP STREAM BIG;"/],
      ['CREATE STREAM A AS SELECT * FROM ORDERS; CREATE STREAM B AS SELECT * FROM ORDERS;', /exactly one statement; the text holds 2/],
    ] as const) {
      const refused = await deployFailure(statement);
      assert.equal(refused.code, 'BadRequest');
      assert.match(refused.message, reason);
    }
    assert.equal(sent().length, sentBefore + 4, 'statements that are not one CREATE ... AS SELECT are never sent');
    assert.deepEqual(await serverState(), before, 'SHOW QUERIES, LIST STREAMS and LIST TABLES as before');
    assert.ok(server.query(existing.queryId), 'the existing query still runs');
  });

  it('deploys from a file with the CLI, through the agent or in-process; --recreate is the consent', async () => {
    const file = join(home.paths.home, 'by_region.ksql');
    writeFileSync(file, '-- per region\nCREATE TABLE BY_REGION AS SELECT REGION, COUNT(*) AS N FROM ORDERS GROUP BY REGION;\n');
    const created = await cli(home, ['deploy', 'ksql', file], { useAgent: true });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Created ksql\/CTAS_BY_REGION_\d+$/);

    writeFileSync(file, 'CREATE TABLE BY_REGION AS SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY REGION;');
    const refused = await cli(home, ['deploy', 'ksql', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: ksqlDB cannot upgrade CTAS_BY_REGION_\d+ in place: Query is not upgradeable\..*; run again with --recreate to terminate and recreate it$/);
    const recreated = await cli(home, ['deploy', 'ksql', file, '--recreate', '--json']);
    assert.equal(recreated.code, 0, recreated.stderr);
    assert.equal((JSON.parse(recreated.stdout) as { action: string }).action, 'recreated');

    const bad = await cli(home, ['deploy', 'ksql', join(home.paths.home, 'missing.sql')]);
    assert.deepEqual([bad.code, /^error: cannot read .*missing\.sql: ENOENT/.test(bad.stderr)], [2, true]);
  });

  it('refuses to recreate a stream that other queries read, changing nothing', async () => {
    const valid = await client.deploy('ksql', { statement: 'CREATE STREAM VALID AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 0;' });
    await ksqlOk(server.url, 'CREATE STREAM BIG AS SELECT * FROM VALID WHERE AMOUNT > 5;');
    const before = await serverState();
    const refused = await deployFailure('CREATE STREAM VALID AS SELECT AMOUNT, ID FROM ORDERS;', true);
    assert.equal(refused.code, 'Conflict');
    assert.match(refused.message, new RegExp(`^cannot recreate ${valid.queryId}: VALID is read by CSAS_BIG_\\d+`));
    assert.deepEqual(await serverState(), before);
  });
});
