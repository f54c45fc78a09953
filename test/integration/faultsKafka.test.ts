import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { PauseError } from '../../protocol/errors';
import type { Resource } from '../../protocol/resource';
import { FILE_SINK } from '../../sandbox/connect';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { connectRest } from '../support/connectRest';
import { faultScenarios, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { connectService, kafkaService, services, useSandboxServices } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksqlOk, orders, startStandIn, unique } from '../standins/ksqldb/testBed';

useSandboxServices('kafka', 'connect');

/** Short, so a fault shows in seconds; the bounds below are generous multiples of it. */
const REQUEST_TIMEOUT_SECONDS = 1;
const DETECT_BOUND_MS = 20_000;
const ANSWER_BOUND_MS = 10_000;
const figures: FaultFigure[] = [];

/**
 * The real Kafka broker behind a faulty proxy, as the agent reaches it for lag, pause proof and
 * peek (ksqlDB and Connect themselves, and the test's own checks, reach it directly). The proxy
 * sits on the broker's PROXIED listener, whose advertised address is the proxy, so every request
 * of the agent's Kafka client goes through it, metadata included. The agent keeps serving S3 and
 * the pauses themselves, never shows a stale lag or an unproven pause as proven, and heals.
 */
describe('fault injection: the Kafka broker behind a faulty proxy (ksqlDB and Connect lag, peek)', function () {
  this.timeout(180_000);
  const connector = `pp-fault-kafka-${Date.now().toString(36)}`;
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let proxy: FaultProxy;
  let agent: TestAgent;
  let client: AgentClient;
  let bucket: string;
  let input: string;
  let sink: string;
  let queryId: string;
  let sinkFile: string;
  let produced = 0;

  before(async function () {
    this.timeout(180_000);
    useAwsProfiles();
    const kafka = kafkaService();
    proxy = await FaultProxy.start({ host: '127.0.0.1', port: kafka.proxied.brokerPort }, kafka.proxied.advertisedPort);
    bed = await new KafkaBed(kafka.bootstrap).open();
    standIn = await startStandIn(kafka.bootstrap, { serviceId: unique('fault') });
    input = unique('fault-orders');
    sink = unique('fault-copy');
    await bed.createTopic(input);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT, WHO VARCHAR) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(standIn.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${sink}') AS SELECT * FROM ORDERS EMIT CHANGES;`, { 'auto.offset.reset': 'earliest' });
    queryId = created.commandStatus!.queryId!;
    sinkFile = join(mkdtempSync(join(tmpdir(), 'pp-fault-kafka-')), 'out.txt');
    const made = await connectRest('POST', '/connectors', { name: connector, config: { 'connector.class': FILE_SINK, 'tasks.max': '1', file: sinkFile, topics: input } });
    assert.equal(made.status, 201, made.text);
    await produce(10);

    bucket = uniqueBucket('beside-kafka');
    const home = await testHome([bucket]);
    const s3 = services().s3;
    const throughProxy = { brokers: [`127.0.0.1:${kafka.proxied.advertisedPort}`], requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS };
    home.writeConnections([
      { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'ksql', kind: 'ksqldb', servers: [standIn.url], kafka: throughProxy, pollIntervalSeconds: 0.3 },
      { name: 'connect', kind: 'kafka-connect', url: connectService().url, connectors: [connector], kafka: throughProxy, pollIntervalSeconds: 0.3, settleSeconds: 2 },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await bothCaughtUp('both caught up before any fault');
  });
  after(async () => {
    await agent?.close();
    await proxy?.close();
    await connectRest('DELETE', `/connectors/${connector}`);
    await standIn?.close();
    await bed?.close();
    printFaultFigures('Kafka broker', figures, proxy?.faultsInjected ?? 0);
  });

  const queryRow = () => `ksql/${queryId}`;
  const connectorRow = () => `connect/${connector}`;
  async function rows(): Promise<{ query?: Resource; connector?: Resource }> {
    const { resources } = await client.snapshot();
    return { query: resources.find((r) => r.id === queryRow()), connector: resources.find((r) => r.id === connectorRow()) };
  }
  async function produce(count: number): Promise<void> {
    await bed.produce(input, orders(produced + 1, count));
    produced += count;
  }
  const sinkLines = async () => readFileSync(sinkFile, 'utf8').split('\n').filter(Boolean).length;
  const bothCaughtUp = (what: string) =>
    eventually(rows, ({ query, connector }) => query?.backlog.pending === 0 && connector?.backlog.pending === 0 && !query.lastError && !connector.lastError, DETECT_BOUND_MS, what);

  for (const { fault } of faultScenarios(REQUEST_TIMEOUT_SECONDS * 1000)) {
    it(`${fault.mode}: lag shows unknown (never stale), pauses and S3 still answer, peek fails fast, and it heals`, async () => {
      let claims = 0;
      const faultedAt = Date.now();
      proxy.set(fault);
      // Records the agent cannot see arrive (ksqlDB and Connect, reaching the broker directly,
      // consume them): a lag still shown as a number would be stale.
      await produce(5);
      const blind = await eventually(
        rows,
        ({ query, connector }) => [query, connector].every((r) => r?.backlog.pending === null && /lag unknown: Kafka at 127\.0\.0\.1:\d+/.test(r.lastError ?? '')),
        DETECT_BOUND_MS,
        'both rows to say their lag is unknown',
      );
      const detectMs = Date.now() - faultedAt;
      assert.deepEqual([blind.query?.state, blind.connector?.state], ['running', 'running'], 'the states come from ksqlDB and Connect, which answer');
      claims++;

      await client.pause(`direct/${bucket}`, { reason: 'beside a faulty broker' });
      assert.notEqual(await readKey(bucket, 'control/paused.json'), null, 'the S3 pause is really there');
      await client.resume(`direct/${bucket}`, {});
      claims++;

      let asked = Date.now();
      const paused = await client.pause(queryRow(), { reason: `during ${fault.mode}` });
      assert.ok(Date.now() - asked < ANSWER_BOUND_MS, `the pause was answered within ${ANSWER_BOUND_MS} ms, not after the lag read gave up`);
      assert.equal(paused.resource.state, 'paused');
      assert.equal(standIn.query(queryId)?.paused, true, 'ksqlDB holds the pause the agent claimed');
      assert.notEqual(paused.resource.pauseEffect?.status, 'confirmed', 'no proof without committed offsets');
      claims += 2;

      asked = Date.now();
      await assert.rejects(
        client.peek(queryRow()),
        (error: PauseError) => ['BackendUnavailable', 'BackendTimeout'].includes(error.code) && /cannot read .* from Kafka at 127\.0\.0\.1:\d+/.test(error.message),
      );
      assert.ok(Date.now() - asked < ANSWER_BOUND_MS, `peek gave up within ${ANSWER_BOUND_MS} ms`);
      claims++;

      const healedAt = Date.now();
      proxy.set({ mode: 'pass' });
      const seen = await eventually(
        rows,
        ({ query, connector }) => [query, connector].every((r) => r?.backlog.pending === 0 && !r.lastError),
        DETECT_BOUND_MS,
        'lag readable again',
      );
      const recoverMs = Date.now() - healedAt;
      assert.equal(seen.query?.state, 'paused');
      claims++;
      await produce(3);
      const proven = await eventually(() => client.resource(queryRow()), (r) => r.backlog.pending === 3 && r.pauseEffect?.status === 'confirmed', DETECT_BOUND_MS, 'the pause proven once offsets are readable');
      assert.match(proven.pauseEffect!.detail, /while \d+ new records arrived/);
      claims++;

      await client.resume(queryRow(), {});
      await eventually(() => bed.count(sink), (n) => n === produced, DETECT_BOUND_MS, `the query to copy all ${produced} records`);
      await eventually(sinkLines, (n) => n === produced, DETECT_BOUND_MS, `the connector to write all ${produced} records`);
      await bothCaughtUp('both caught up again');
      claims++;
      figures.push({ backend: 'kafka', fault: fault.mode, detectMs, recoverMs, claims });
    });
  }

  it('every record went through once: nothing lost or doubled across the faults', async () => {
    const copied = (await bed.readAll(sink)).map((r) => r.value.ID);
    assert.deepEqual(copied, Array.from({ length: produced }, (_, i) => i + 1));
    assert.equal(await sinkLines(), produced);
  });
});
