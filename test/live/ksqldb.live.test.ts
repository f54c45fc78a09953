import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/bucket';
import { ksqlHome, sleep } from '../standins/ksqldb/testBed';

/**
 * The ksqlDB adapter against a real ksqlDB (0.28.2+ / Confluent Platform 7.3+), run only when
 * KSQLDB_URL names one: the same pause / resume / lag checks the stand-in suite makes.
 * - KSQLDB_URL: the REST endpoint, e.g. http://localhost:8088
 * - KSQLDB_KAFKA_BOOTSTRAP (optional): its Kafka, host:port; adds the lag, proof-of-pause and
 *   sink checks, which read the topics directly.
 * - KSQLDB_USERNAME / KSQLDB_PASSWORD (optional): HTTP basic auth.
 * It creates two streams and one query named PP_LIVE_<random>_*, and drops them (with their
 * topics) afterwards. It never sends PAUSE ALL, which would pause everyone's queries.
 */
const url = (process.env.KSQLDB_URL ?? '').replace(/\/+$/, '');
const bootstrap = process.env.KSQLDB_KAFKA_BOOTSTRAP;
const auth = process.env.KSQLDB_USERNAME ? { usernameEnv: 'KSQLDB_USERNAME', passwordEnv: 'KSQLDB_PASSWORD' } : undefined;

describe(`live ksqlDB pause (${url || 'KSQLDB_URL not set'})`, function () {
  this.timeout(120_000);
  const prefix = `PP_LIVE_${randomBytes(3).toString('hex').toUpperCase()}`;
  const input = `${prefix}_IN`;
  const output = `${prefix}_OUT`;
  const inputTopic = input.toLowerCase();
  const outputTopic = output.toLowerCase();
  let queryId = '';
  let agent: TestAgent | null = null;
  let client: AgentClient;
  let home: ReturnType<typeof ksqlHome>;
  let admin: Admin | null = null;

  const headers = (): Record<string, string> => (auth ? { authorization: `Basic ${Buffer.from(`${process.env.KSQLDB_USERNAME}:${process.env.KSQLDB_PASSWORD ?? ''}`).toString('base64')}` } : {});
  const statement = async (text: string, properties: Record<string, unknown> = {}) => {
    const response = await fetch(`${url}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', ...headers() },
      body: JSON.stringify({ ksql: text, streamsProperties: properties }),
    });
    const body = (await response.json()) as unknown;
    if (!response.ok) throw new Error(`${text} -> ${response.status} ${JSON.stringify(body)}`);
    return body as Array<Record<string, unknown>>;
  };
  const insert = (from: number, count: number) => statement(Array.from({ length: count }, (_, i) => `INSERT INTO ${input} (ID, AMOUNT) VALUES (${from + i}, ${from + i});`).join('\n'));
  const resource = () => client.resource(`live/${queryId}`);
  const until = (accept: (r: Resource) => boolean, what: string) => eventually(resource, accept, 60_000, what);
  const endOffset = async (topic: string) => (await admin!.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);

  before(async function () {
    if (!url) throw new Error('set KSQLDB_URL to a ksqlDB server (0.28.2+) to run the live suite');
    await statement(`CREATE STREAM ${input} (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${inputTopic}', PARTITIONS=1, VALUE_FORMAT='JSON');`);
    const [created] = await statement(`CREATE STREAM ${output} WITH (KAFKA_TOPIC='${outputTopic}') AS SELECT * FROM ${input} EMIT CHANGES;`, { 'auto.offset.reset': 'earliest' });
    queryId = String((created.commandStatus as { queryId: string }).queryId);
    home = ksqlHome({ name: 'live', servers: [url], bootstrap, pollIntervalSeconds: 1 });
    if (auth) home.writeConnections([{ ...home.connection, auth }]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    if (bootstrap) {
      admin = new Kafka({ clientId: 'pp-live', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
    }
  });

  after(async () => {
    await agent?.close();
    await admin?.disconnect();
    if (!url) return;
    if (queryId) await statement(`TERMINATE ${queryId};`).catch(() => undefined);
    await statement(`DROP STREAM IF EXISTS ${output} DELETE TOPIC;`).catch(() => undefined);
    await statement(`DROP STREAM IF EXISTS ${input} DELETE TOPIC;`).catch(() => undefined);
  });

  it('lists the query with its lineage, pauses it (statusCount PAUSED, state still RUNNING) and resumes it', async () => {
    await insert(1, 5);
    const running = await until((r) => r.state === 'running' && (!bootstrap || r.backlog.pending === 0), 'the query running, caught up');
    assert.deepEqual(running.lineage.inputs, [`kafka-topic:${inputTopic}`]);
    assert.deepEqual(running.lineage.outputs, [`kafka-topic:${outputTopic}`]);

    const paused = await client.pause(`live/${queryId}`, { reason: 'live suite', pausedBy: 'ci' });
    assert.deepEqual([paused.resource.state, paused.resource.pause?.pausedBy, paused.resource.pause?.reason], ['paused', 'ci', 'live suite']);
    const [listed] = await statement('SHOW QUERIES;');
    const query = (listed.queries as Array<{ id: string; statusCount: Record<string, number>; state: string }>).find((q) => q.id === queryId)!;
    assert.ok((query.statusCount.PAUSED ?? 0) >= 1, JSON.stringify(query));
    assert.equal(query.statusCount.RUNNING ?? 0, 0);

    if (bootstrap) {
      await sleep(3000); // let a last commit land before the baseline
      const sinkAtPause = await endOffset(outputTopic);
      await insert(6, 10);
      const lagging = await until((r) => r.backlog.pending === 10 && r.pauseEffect?.status === 'confirmed', 'lag 10 with a confirmed pause');
      assert.ok(lagging.backlog.dataLossAt, 'a deadline from the topic retention');
      await sleep(3000);
      assert.equal(await endOffset(outputTopic), sinkAtPause, 'the paused query wrote nothing');
    } else {
      await insert(6, 10);
    }

    await client.resume(`live/${queryId}`, {});
    await until((r) => r.state === 'running' && (!bootstrap || r.backlog.pending === 0), 'running and caught up');
    if (bootstrap) await eventually(() => endOffset(outputTopic), (n) => n === 15, 30_000, 'all 15 records in the sink');
    assert.deepEqual((await new Journal(home.paths.journal).read()).map((e) => e.action), ['pause', 'resume']);
  });

  it('shows the server\'s own words for an unknown query id', async () => {
    await assert.rejects(client.pause('live/PP_LIVE_NO_SUCH_QUERY', {}), (error: Error) => {
      assert.match(error.message, /^Unknown queryId: PP_LIVE_NO_SUCH_QUERY \(ksqlDB at /);
      return true;
    });
  });
});
