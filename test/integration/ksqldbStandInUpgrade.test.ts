import { strict as assert } from 'node:assert';
import type { Admin } from 'kafkajs';
import { eventually } from '../support/waitFor';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';

/**
 * The ksqlDB stand-in's answers to what deploy sends: CREATE OR REPLACE (KLIP-28), its
 * refusals in ksqlDB's words, TERMINATE, DROP, parse errors with their line:column, and
 * `ksql.streams.auto.offset.reset`. On the real Kafka broker.
 */
useSandboxServices('kafka');

describe('ksqlDB stand-in: query upgrades, TERMINATE / DROP and offset reset, on the real Kafka broker', function () {
  this.timeout(90_000);
  let bed: KafkaBed;
  let server: KsqlDbStandIn;
  let topic: string;

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    server = await startStandIn(kafkaService().bootstrap, { serviceId: unique('upgrade') });
    topic = unique('orders');
    await bed.createTopic(topic);
    await ksqlOk(server.url, `CREATE STREAM ORDERS (ID INT, REGION VARCHAR, AMOUNT INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    await bed.produce(topic, [1, 2, 3].map((id) => ({ ID: id, REGION: 'north', AMOUNT: id * 10 })));
  });
  after(async () => {
    await server?.close();
    await bed?.close();
  });

  const withAdmin = async <T>(work: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = bed.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  };
  const refusal = (statementText: string, message: string) => ({ status: 400, body: { '@type': 'statement_error', error_code: 40001, message, statementText, entities: [] } });

  it('reads from latest by default and from earliest with ksql.streams.auto.offset.reset', async () => {
    const [latest] = await ksqlOk(server.url, 'CREATE STREAM FROM_LATEST AS SELECT * FROM ORDERS;');
    const [earliest] = await ksqlOk(server.url, 'CREATE STREAM FROM_EARLIEST AS SELECT * FROM ORDERS;', { 'ksql.streams.auto.offset.reset': 'earliest' });
    const sinkOf = (entity: typeof latest) => server.query(entity.commandStatus!.queryId!)!.sink!.topic;
    await eventually(() => bed.count(sinkOf(earliest)), (n) => n === 3, 15_000, 'the three existing records');
    const group = server.query(latest.commandStatus!.queryId!)!.groupId;
    await eventually(() => withAdmin(async (admin) => (await admin.describeGroups([group])).groups[0].state), (state) => state === 'Stable', 15_000, 'the latest query to join its group');
    await bed.produce(topic, [{ ID: 4, REGION: 'south', AMOUNT: 40 }]);
    await eventually(() => bed.count(sinkOf(earliest)), (n) => n === 4, 15_000, 'the new record');
    await eventually(() => bed.count(sinkOf(latest)), (n) => n === 1, 15_000, 'only the record produced after it started');
  });

  it('answers CREATE OR REPLACE with a currentStatus and keeps the query id, or refuses an incompatible one in ksqlDB\'s words', async () => {
    const [created] = await ksqlOk(server.url, 'CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 10;');
    const id = created.commandStatus!.queryId!;
    assert.match(id, /^CSAS_BIG_\d+$/);
    const text = 'CREATE OR REPLACE STREAM BIG AS SELECT ID, AMOUNT, REGION FROM ORDERS WHERE AMOUNT > 20;';
    const replaced = await ksql(server.url, text);
    const [entity] = replaced.body as Array<{ commandSequenceNumber: number }>;
    assert.deepEqual(replaced, {
      status: 200,
      body: [
        {
          '@type': 'currentStatus',
          statementText: text,
          commandId: 'stream/`BIG`/create',
          commandStatus: { status: 'SUCCESS', message: `Created query with ID ${id}`, queryId: id },
          commandSequenceNumber: entity.commandSequenceNumber,
          warnings: [],
        },
      ],
    });

    const dropped = 'CREATE OR REPLACE STREAM BIG AS SELECT ID FROM ORDERS;';
    assert.deepEqual(
      await ksql(server.url, dropped),
      refusal(
        dropped,
        "Cannot upgrade data source: DataSource '`BIG`' has schema = `ID` INT, `AMOUNT` INT, `REGION` VARCHAR which is not upgradeable to `ID` INT. (The following columns are changed, missing or reordered: [`AMOUNT` INT, `REGION` VARCHAR])",
      ),
    );
    const table = 'CREATE OR REPLACE TABLE BIG AS SELECT REGION, COUNT(*) AS N FROM ORDERS GROUP BY REGION;';
    assert.deepEqual(await ksql(server.url, table), refusal(table, "Cannot upgrade data source: DataSource '`BIG`' has type = STREAM which is not upgradeable to TABLE"));
    assert.equal(server.query(id)!.statementText, text, 'the refused statements changed nothing');
  });

  it('refuses aggregate changes but accepts a filter on a column the aggregate already reads', async () => {
    const [created] = await ksqlOk(server.url, 'CREATE TABLE TOTALS AS SELECT REGION, COUNT(AMOUNT) AS N FROM ORDERS GROUP BY REGION;');
    const id = created.commandStatus!.queryId!;
    const [upgraded] = await ksqlOk(server.url, 'CREATE OR REPLACE TABLE TOTALS AS SELECT REGION, COUNT(AMOUNT) AS N FROM ORDERS WHERE AMOUNT > 5 GROUP BY REGION;');
    assert.equal(upgraded.commandStatus!.queryId, id);
    const more = 'CREATE OR REPLACE TABLE TOTALS AS SELECT REGION, COUNT(AMOUNT) AS N, SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY REGION;';
    assert.deepEqual(
      await ksql(server.url, more),
      refusal(more, 'Query is not upgradeable. Plan step of type StreamAggregate must have matching aggregationFunctions. Values differ: [COUNT(AMOUNT)] vs. [COUNT(AMOUNT), SUM(AMOUNT)]'),
    );
    const filter = 'CREATE OR REPLACE TABLE TOTALS AS SELECT REGION, COUNT(AMOUNT) AS N FROM ORDERS WHERE ID > 1 GROUP BY REGION;';
    assert.deepEqual(
      await ksql(server.url, filter),
      refusal(filter, 'Query is not upgradeable. Plan step of type StreamAggregate must have matching nonAggregateColumns. Values differ: [`REGION`, `ROWTIME`, `AMOUNT`] vs. [`REGION`, `ROWTIME`, `AMOUNT`, `ID`]'),
    );
  });

  it('answers TERMINATE and DROP (topic kept) with ksqlDB\'s messages, and syntax errors at their line:column', async () => {
    const sink = unique('copy');
    const [created] = await ksqlOk(server.url, `-- a copy\nCREATE STREAM COPY WITH (KAFKA_TOPIC='${sink}') /* all of it */ AS SELECT * FROM ORDERS;`);
    const id = created.commandStatus!.queryId!;
    const [terminated, dropped] = (await ksqlOk(server.url, `TERMINATE ${id}; DROP STREAM COPY;`)) as unknown as Array<{ commandId: string; commandStatus: object }>;
    assert.deepEqual([terminated.commandId, terminated.commandStatus], [`terminate/${id}/execute`, { status: 'SUCCESS', message: 'Query terminated.', queryId: null }]);
    assert.deepEqual([dropped.commandId, dropped.commandStatus], ['stream/`COPY`/drop', { status: 'SUCCESS', message: `Source \`COPY\` (topic: ${sink}) was dropped.`, queryId: null }]);
    assert.equal(server.query(id), undefined);
    assert.ok(await withAdmin(async (admin) => (await admin.listTopics()).includes(sink)), 'DROP without DELETE TOPIC keeps the topic');

    const bad = 'CREATE STREAM X AS\n  SELECT ID FRM ORDERS;';
    assert.deepEqual(await ksql(server.url, bad), refusal(bad, "line 2:13: Syntax Error\nexpected FROM near 'FRM'"));
  });
});
