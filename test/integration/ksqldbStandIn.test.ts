import { strict as assert } from 'node:assert';
import { eventually } from '../support/waitFor';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The ksqlDB stand-in answers the wire contract of ../shared/reference/ksqldb.md exactly: the
 * adapter is built against these shapes, so the stand-in must not drift from them. Each
 * expected body below is the reference's, with only ids, offsets and hosts filled in.
 */
useSandboxServices('kafka');

describe('ksqlDB stand-in: the documented REST contract, on the real Kafka broker', function () {
  this.timeout(90_000);
  let bed: KafkaBed;
  let servers: KsqlDbStandIn[] = [];
  let server: KsqlDbStandIn;
  let serviceId: string;
  let topic: string;
  let queryId: string;
  let sourceTableQuery: string;

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    serviceId = unique('contract');
    server = await startStandIn(kafkaService().bootstrap, { serviceId });
    servers.push(server);
    topic = unique('orders');
    await bed.createTopic(topic);
    await ksqlOk(server.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(server.url, `CREATE STREAM SINK WITH (KAFKA_TOPIC='${unique('sink')}') AS SELECT * FROM ORDERS EMIT CHANGES;`, { 'auto.offset.reset': 'earliest' });
    queryId = created.commandStatus!.queryId!;
    const usersTopic = unique('users');
    await bed.createTopic(usersTopic);
    const [table] = await ksqlOk(server.url, `CREATE SOURCE TABLE USERS (ID VARCHAR PRIMARY KEY, NAME VARCHAR) WITH (KAFKA_TOPIC='${usersTopic}', VALUE_FORMAT='JSON');`);
    sourceTableQuery = table.commandStatus!.queryId!;
  });
  after(async () => {
    for (const s of servers) await s.close();
    servers = [];
    await bed?.close();
  });

  it('answers PAUSE and RESUME with a currentStatus, ALL with pause/ALL/execute', async () => {
    const paused = await ksql(server.url, `PAUSE ${queryId};`);
    assert.equal(paused.status, 200);
    const [entity] = paused.body as Array<{ commandSequenceNumber: number }>;
    assert.deepEqual(paused.body, [
      {
        '@type': 'currentStatus',
        statementText: `PAUSE ${queryId};`,
        commandId: `pause/${queryId}/execute`,
        commandStatus: { status: 'SUCCESS', message: 'Query paused.', queryId: null },
        commandSequenceNumber: entity.commandSequenceNumber,
        warnings: [],
      },
    ]);
    const resumed = (await ksql(server.url, `RESUME ${queryId.toLowerCase()};`)).body as Array<{ commandId: string; commandStatus: object }>;
    assert.deepEqual([resumed[0].commandId, resumed[0].commandStatus], [`resume/${queryId}/execute`, { status: 'SUCCESS', message: 'Query resumed.', queryId: null }]);
    const all = (await ksql(server.url, 'PAUSE ALL;')).body as Array<{ commandId: string }>;
    assert.equal(all[0].commandId, 'pause/ALL/execute');
    await ksqlOk(server.url, 'RESUME ALL;');
  });

  it('answers QUEUED after the response timeout, and GET /status gives the bare status until it applies', async () => {
    const queued = await startStandIn(kafkaService().bootstrap, { serviceId: unique('contract'), commandResponseTimeoutMs: 200 });
    servers.push(queued);
    const ordersTopic = unique('orders');
    await bed.createTopic(ordersTopic);
    await ksqlOk(queued.url, `CREATE STREAM ORDERS (ID INT) WITH (KAFKA_TOPIC='${ordersTopic}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(queued.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const id = created.commandStatus!.queryId!;
    queued.holdCommands();
    const answer = (await ksql(queued.url, `PAUSE ${id};`)).body as Array<{ commandStatus: object }>;
    assert.deepEqual(answer[0].commandStatus, { status: 'QUEUED', message: 'Statement written to command topic' , queryId: null });
    const status = async () => (await fetch(`${queued.url}/status/pause/${id}/execute`)).json();
    assert.deepEqual(await status(), { status: 'QUEUED', message: 'Statement written to command topic', queryId: null });
    queued.releaseCommands();
    await eventually(status, (s) => (s as { status: string }).status === 'SUCCESS', 5000, 'the command applied');
    assert.deepEqual(await status(), { status: 'SUCCESS', message: 'Query paused.', queryId: null });
  });

  it('words errors as ksqlDB does: unknown id, a source-table query, a generic error; a transient id does nothing', async () => {
    assert.deepEqual(await ksql(server.url, 'PAUSE unknown_id;'), {
      status: 400,
      body: { '@type': 'statement_error', error_code: 40001, message: 'Unknown queryId: UNKNOWN_ID', statementText: 'PAUSE unknown_id;', entities: [] },
    });
    for (const verb of ['pause', 'resume']) {
      const refused = await ksql(server.url, `${verb.toUpperCase()} ${sourceTableQuery};`);
      assert.equal(refused.status, 400);
      assert.equal((refused.body as { message: string }).message, `Cannot ${verb} query '${sourceTableQuery}' because it is linked to a source table.`);
    }
    const transient = (await ksql(server.url, 'PAUSE transient_ORDERS_1234;')).body as Array<{ commandStatus: { status: string } }>;
    assert.equal(transient[0].commandStatus.status, 'SUCCESS');
    const notJson = await fetch(`${server.url}/ksql`, { method: 'POST', body: 'nope' });
    assert.deepEqual([notJson.status, ((await notJson.json()) as { '@type': string; error_code: number })['@type']], [400, 'generic_error']);
    const old = await startStandIn(kafkaService().bootstrap, { serviceId: unique('contract'), version: '0.27.2' });
    servers.push(old);
    const tooOld = await ksql(old.url, 'PAUSE ALL;');
    assert.equal(tooOld.status, 400, 'before 0.28.2 the parser has no PAUSE');
    assert.match((tooOld.body as { message: string }).message, /Syntax Error/);
  });

  it('lists queries: state never PAUSED, statusCount and ksqlHostQueryStatus do show it; consumer group as ksqlDB names it', async () => {
    await ksqlOk(server.url, `PAUSE ${queryId};`);
    try {
      const [queries, extended] = (await ksqlOk(server.url, 'SHOW QUERIES; SHOW QUERIES EXTENDED;')) as unknown as [
        { '@type': string; queries: Array<Record<string, unknown>> },
        { '@type': string; queryDescriptions: Array<Record<string, unknown>> },
      ];
      assert.equal(queries['@type'], 'queries');
      const listed = queries.queries.find((q) => q.id === queryId)!;
      assert.deepEqual(Object.keys(listed), ['queryString', 'sinks', 'sinkKafkaTopics', 'id', 'statusCount', 'queryType', 'state']);
      assert.deepEqual([listed.statusCount, listed.queryType, listed.state, listed.sinks], [{ PAUSED: 1 }, 'PERSISTENT', 'RUNNING', ['SINK']]);
      assert.equal(extended['@type'], 'query_descriptions');
      const description = extended.queryDescriptions.find((q) => q.id === queryId)!;
      assert.deepEqual(Object.keys(description), [
        'id',
        'statementText',
        'windowType',
        'fields',
        'sources',
        'sinks',
        'topology',
        'executionPlan',
        'overriddenProperties',
        'ksqlHostQueryStatus',
        'queryType',
        'queryErrors',
        'tasksMetadata',
        'consumerGroupId',
        'state',
      ]);
      assert.deepEqual(description.ksqlHostQueryStatus, { [server.hostInfo]: 'PAUSED' });
      assert.deepEqual([description.sources, description.sinks, description.state], [['ORDERS'], ['SINK'], 'RUNNING']);
      assert.equal(description.consumerGroupId, `_confluent-ksql-${serviceId}query_${queryId}`);

      const [streams, tables] = (await ksqlOk(server.url, 'LIST STREAMS; LIST TABLES;')) as unknown as [{ streams: unknown[] }, { tables: unknown[] }];
      assert.deepEqual(streams.streams[0], { type: 'STREAM', name: 'ORDERS', topic, keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false });
      assert.equal((tables.tables[0] as { type: string }).type, 'TABLE');

      // Committed offsets stop moving while paused; they are the query's consumer group's.
      await bed.produce(topic, [{ ID: 1, AMOUNT: 1 }]);
      await sleep(1500);
      assert.deepEqual(await bed.committed(description.consumerGroupId as string, topic), [-1], 'nothing consumed yet');
    } finally {
      await ksqlOk(server.url, `RESUME ${queryId};`);
    }
    await eventually(() => bed.committed(`_confluent-ksql-${serviceId}query_${queryId}`, topic), (c) => c[0] === 1, 10_000, 'the record consumed and committed after resume');
  });

  it('answers /info and /healthcheck, and keeps its commands in the command topic', async () => {
    const info = await (await fetch(`${server.url}/info`)).json();
    assert.deepEqual(info, { KsqlServerInfo: { version: '0.29.0', kafkaClusterId: kafkaService().clusterId, ksqlServiceId: serviceId, serverStatus: 'RUNNING' } });
    const health = await fetch(`${server.url}/healthcheck`);
    assert.deepEqual([health.status, await health.json()], [
      200,
      { isHealthy: true, details: { metastore: { isHealthy: true }, kafka: { isHealthy: true }, commandRunner: { isHealthy: true } }, serverState: 'READY' },
    ]);
    const commands = await bed.readAll(`_confluent-ksql-${serviceId}_command_topic`);
    assert.ok(commands.some((c) => c.key === `pause/${queryId}/execute` && c.value.statement === `PAUSE ${queryId};`));
  });

  it('sums statuses over the servers of a service, UNRESPONSIVE for one that does not answer', async () => {
    const peer = await startStandIn(kafkaService().bootstrap, { serviceId });
    servers.push(peer);
    server.setPeers([peer.url]);
    try {
      await eventually(async () => peer.query(queryId) !== undefined, (v) => v, 10_000, 'the peer to replay the command topic');
      const both = async () => ((await ksqlOk(server.url, 'SHOW QUERIES;')) as unknown as [{ queries: Array<{ id: string; statusCount: object }> }])[0].queries.find((q) => q.id === queryId)!.statusCount;
      assert.deepEqual(await both(), { RUNNING: 2 });
      peer.holdCommands();
      await ksqlOk(server.url, `PAUSE ${queryId};`);
      assert.deepEqual(await both(), { PAUSED: 1, RUNNING: 1 }, 'a pause seen on one of two servers');
      peer.releaseCommands();
      await eventually(both, (c) => JSON.stringify(c) === JSON.stringify({ PAUSED: 2 }), 5000, 'both paused');
      await peer.close();
      servers = servers.filter((s) => s !== peer);
      assert.deepEqual(await both(), { PAUSED: 1, UNRESPONSIVE: 1 });
    } finally {
      server.setPeers([]);
      await ksqlOk(server.url, `RESUME ${queryId};`);
    }
  });
});
