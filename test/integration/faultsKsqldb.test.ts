import { AgentClient } from '../../client/agentClient';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { assertNeverFalselyClaimed, DETECT_BOUND_MS, faultScenarios, pauseDuringFault, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { kafkaService, services, useSandboxServices } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';

useSandboxServices('kafka');

/** Short, so a fault shows in seconds. */
const REQUEST_TIMEOUT_SECONDS = 1;
const figures: FaultFigure[] = [];

/**
 * The ksqlDB stand-in behind a faulty proxy (its queries on the real broker), beside a healthy S3
 * connection: the agent keeps serving S3, never says "failed" for a PAUSE ksqlDB applied, and
 * heals by itself. What the query really is, the test asks the stand-in itself.
 */
describe('fault injection: ksqlDB (stand-in) behind a faulty proxy', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let proxy: FaultProxy;
  let agent: TestAgent;
  let client: AgentClient;
  let bucket: string;
  let queryId: string;

  before(async () => {
    useAwsProfiles();
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('fault-ksql') });
    const input = unique('fault-ksql-in');
    await bed.createTopic(input);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(standIn.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('fault-ksql-out')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    queryId = created.commandStatus!.queryId!;
    const target = new URL(standIn.url);
    proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });

    bucket = uniqueBucket('beside-ksql');
    const home = await testHome([bucket]);
    const s3 = services().s3;
    home.writeConnections([
      { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'ksql', kind: 'ksqldb', servers: [`http://127.0.0.1:${proxy.port}`], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.2, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS, commandTimeoutSeconds: 3 },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(shownState, (state) => state === 'running', 30_000, 'the query running');
  });
  after(async () => {
    await agent?.close();
    await proxy?.close();
    await standIn?.close();
    await bed?.close();
    printFaultFigures('ksqlDB stand-in', figures, proxy?.faultsInjected ?? 0);
  });

  async function shownState(): Promise<string | undefined> {
    return (await client.snapshot()).resources.find((r) => r.id === `ksql/${queryId}`)?.state;
  }
  /** What the stand-in itself holds, not what the proxy or the product says. */
  const reallyPaused = () => standIn.query(queryId)?.paused === true;

  for (const scenario of faultScenarios(REQUEST_TIMEOUT_SECONDS * 1000)) {
    it(`${scenario.fault.mode}: S3 keeps serving, a pause is answered in time and never falsely called failed, and it heals`, async () => {
      const { outcome, detectMs, recoverMs, claims } = await pauseDuringFault({ api: client, proxy, connection: 'ksql', resource: `ksql/${queryId}`, besideBucket: bucket }, scenario);
      assertNeverFalselyClaimed(outcome, reallyPaused(), 'ksqlDB');
      const real = reallyPaused() ? 'paused' : 'running';
      await eventually(shownState, (state) => state === real, DETECT_BOUND_MS, 'the agent shows what the stand-in holds');
      if (real === 'paused') {
        await ksqlOk(standIn.url, `RESUME ${queryId};`);
        await eventually(shownState, (state) => state === 'running', 30_000, 'running again for the next scenario');
      }
      figures.push({ backend: 'ksqldb', fault: scenario.fault.mode, detectMs, recoverMs, claims: claims + 2 });
    });
  }
});
