import { strict as assert } from 'node:assert';
import type { Admin } from 'kafkajs';
import { AgentClient } from '../../client/agentClient';
import { PauseError } from '../../protocol/errors';
import type { PeekResponse } from '../../protocol/peek';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { cli } from '../support/testEnv';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksqlHome, ksqlOk, startStandIn, unique, type Row } from '../standins/ksqldb/testBed';

/**
 * Peek through the agent's HTTP API at a query's sink topic on the real broker, written by the
 * ksqlDB stand-in's real producer. What the records should be is read from Kafka directly; that
 * no consumer group appeared or moved is checked with the broker's own group list and offsets.
 */
useSandboxServices('kafka');

/** Every group on the broker with its committed offsets: what a peek must leave exactly as it was. */
async function groupsAndOffsets(admin: Admin): Promise<Record<string, unknown>> {
  const { groups } = await admin.listGroups();
  const result: Record<string, unknown> = {};
  for (const { groupId } of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    result[groupId] = (await admin.fetchOffsets({ groupId })).map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => `${p.partition}:${p.offset}`).sort() }));
  }
  return result;
}

describe('peek at an output topic through the agent (ksqlDB stand-in, real Kafka)', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let admin: Admin;
  let server: KsqlDbStandIn;
  let agent: TestAgent;
  let client: AgentClient;
  let home: ReturnType<typeof ksqlHome>;
  let queryId: string;
  let sink: string;
  let input: string;
  const base = Date.now() - 60 * 60_000;
  const rows = (from: number, count: number): Row[] => Array.from({ length: count }, (_, i) => ({ ID: from + i, AMOUNT: (from + i) * 10 }));
  // Distinct, increasing timestamps: "the newest" is then one exact list across partitions.
  const produce = (from: number, count: number) => bed.produce(input, rows(from, count), { timestamp: (i) => base + (from + i) * 1000, key: (row) => String(row.ID) });

  before(async function () {
    this.timeout(180_000);
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    admin = bed.kafka.admin();
    await admin.connect();
    server = await startStandIn(kafkaService().bootstrap, { serviceId: unique('peek') });
    input = unique('peek-orders');
    sink = unique('peek-big');
    await bed.createTopic(input, { partitions: 3 });
    await ksqlOk(server.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(server.url, `CREATE STREAM BIG WITH (KAFKA_TOPIC='${sink}', PARTITIONS=3) AS SELECT * FROM ORDERS WHERE AMOUNT > 0 EMIT CHANGES;`, { 'auto.offset.reset': 'earliest' });
    queryId = created.commandStatus!.queryId!;
    await produce(1, 30);
    await eventually(() => bed.count(sink), (n) => n === 30, 20_000, 'the query to write 30 records');

    home = ksqlHome({ servers: [server.url], bootstrap: kafkaService().bootstrap });
    home.writeConnections([
      home.connection,
      { name: 'nokafka', kind: 'ksqldb', servers: [server.url], pollIntervalSeconds: 1 },
      { name: 'down', kind: 'ksqldb', servers: [server.url], kafka: { brokers: ['127.0.0.1:1'] }, pollIntervalSeconds: 5 },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(() => client.resource(`ksql/${queryId}`), (r) => r.lineage.outputs.length === 1, 20_000, 'the agent to list the query');
  });

  after(async () => {
    await agent?.close();
    await server?.close();
    await admin?.disconnect();
    await bed?.close();
  });

  it('returns the latest records across partitions, newest last, and leaves every consumer group as it was', async () => {
    const before = await groupsAndOffsets(admin);
    const seven = await client.peek(`ksql/${queryId}`, { limit: 7 });
    const defaulted = await client.peek(`ksql/${queryId}`, {});
    const after = await groupsAndOffsets(admin);
    assert.deepEqual(after, before, 'no consumer group appeared, and no committed offset moved');

    assert.equal(seven.id, `ksql/${queryId}`);
    assert.deepEqual(seven.topics.map((t) => t.topic), [sink]);
    const [topic] = seven.topics;
    assert.equal(topic.partitions.length, 3);
    assert.equal(topic.partitions.reduce((sum, p) => sum + p.end, 0), 30, 'end offsets of all three partitions');
    assert.ok(new Set(topic.records.map((r) => r.partition)).size > 1, 'the newest records come from more than one partition');

    // Only now read the topic as a consumer would (this does create a group).
    const all = (await bed.readAll(sink)).sort((a, b) => a.timestamp - b.timestamp);
    const shown = (peek: PeekResponse) => peek.topics[0].records.map((r) => [r.offset, r.key, JSON.parse(r.value!), Date.parse(r.timestamp)]);
    const expected = (n: number) => all.slice(-n).map((r) => [r.offset, r.key, r.value, r.timestamp]);
    assert.deepEqual(shown(seven), expected(7), 'exactly the 7 newest records, oldest first');
    assert.deepEqual(shown(defaulted), expected(20), '20 when no limit is given');
    assert.deepEqual(shown(seven).map((r) => (r[2] as Row).ID), [24, 25, 26, 27, 28, 29, 30]);
    assert.ok(topic.records.every((r) => !r.binary && !r.truncated && r.headers === 0));
  });

  it('shows records written since the last peek', async () => {
    await produce(31, 3);
    await eventually(() => bed.count(sink), (n) => n === 33, 20_000, 'the query to write 3 more');
    const peek = await client.peek(`ksql/${queryId}`, { limit: 3 });
    assert.deepEqual(peek.topics[0].records.map((r) => (JSON.parse(r.value!) as Row).ID), [31, 32, 33]);

    const printed = await cli(home, ['peek', `ksql/${queryId}`, '--limit', '2'], { useAgent: true });
    assert.equal(printed.code, 0, printed.stderr);
    const lines = printed.stdout.trimEnd().split('\n');
    assert.match(lines[0], new RegExp(`^# ksql/${queryId} · latest 2 records per output topic`));
    assert.match(lines.at(-2)!, /^\S+Z p\d@\d+ key=32 \{"ID":32,"AMOUNT":320\}$/);
    assert.match(lines.at(-1)!, /key=33 \{"ID":33,"AMOUNT":330\}$/);
    const refused = await cli(home, ['peek', `ksql/${queryId}`, '--limit', '0'], { useAgent: true });
    assert.equal(refused.code, 2, 'bad input');
  });

  it('refuses bad limits, unknown resources, connections without Kafka, and says when Kafka is unreachable', async () => {
    const failure = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PauseError, String(error));
      return error;
    };
    for (const limit of [0, 501, 2.5]) {
      const error = await failure(client.peek(`ksql/${queryId}`, { limit }));
      assert.equal(error.code, 'BadRequest', `limit ${limit}`);
      assert.match(error.message, /^limit: /);
    }
    const raw = await fetch(agent.url(`/api/v1/resources/ksql/${queryId}/peek?limit=abc`), { headers: { authorization: `Bearer ${agent.token}` } });
    assert.equal(raw.status, 400);

    const unknown = await failure(client.peek('ksql/NO_SUCH_QUERY', {}));
    assert.equal(unknown.code, 'NotFound');
    assert.match(unknown.message, /no query "NO_SUCH_QUERY"/);

    const noKafka = await failure(client.peek(`nokafka/${queryId}`, {}));
    assert.equal(noKafka.code, 'Unsupported');
    assert.match(noKafka.message, new RegExp(`connection "nokafka" names no Kafka cluster; add "kafka".* to peek at ${sink}`));

    const down = await failure(client.peek(`down/${queryId}`, {}));
    assert.equal(down.code, 'BackendUnavailable');
    assert.match(down.message, new RegExp(`^cannot read ${sink} from Kafka at 127\\.0\\.0\\.1:1: .*check that the brokers are up and reachable from the agent`));
  });
});
