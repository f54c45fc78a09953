import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { FILE_SINK } from '../../sandbox/connect';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { connectRest, connectStatus } from '../support/connectRest';
import { assertNeverFalselyClaimed, DETECT_BOUND_MS, faultScenarios, pauseDuringFault, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { connectService, services, useSandboxServices } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';

useSandboxServices('kafka', 'connect');

/** Short, so a fault shows in seconds. */
const REQUEST_TIMEOUT_SECONDS = 1;
const figures: FaultFigure[] = [];

/**
 * The real Connect worker behind a faulty proxy, beside a healthy S3 connection: the agent keeps
 * serving S3, never says "failed" for a pause Connect applied, and heals by itself.
 */
describe('fault injection: Kafka Connect behind a faulty proxy', function () {
  this.timeout(120_000);
  const connector = `pp-fault-${Date.now().toString(36)}`;
  let agent: TestAgent;
  let client: AgentClient;
  let proxy: FaultProxy;
  let bucket: string;

  before(async () => {
    useAwsProfiles();
    const target = new URL(connectService().url);
    proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
    const file = join(mkdtempSync(join(tmpdir(), 'pp-fault-connect-')), 'out.txt');
    const created = await connectRest('POST', '/connectors', { name: connector, config: { 'connector.class': FILE_SINK, 'tasks.max': '1', file, topics: `${connector}-in` } });
    assert.equal(created.status, 201, created.text);
    bucket = uniqueBucket('beside-connect');
    const home = await testHome([bucket]);
    const s3 = services().s3;
    home.writeConnections([
      { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'connect', kind: 'kafka-connect', url: `http://127.0.0.1:${proxy.port}`, connectors: [connector], pollIntervalSeconds: 0.2, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS, settleSeconds: 2 },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(shownState, (state) => state === 'running', 30_000, 'the connector running');
  });
  after(async () => {
    await agent?.close();
    await proxy?.close();
    await connectRest('DELETE', `/connectors/${connector}`);
    printFaultFigures('Kafka Connect', figures, proxy?.faultsInjected ?? 0);
  });

  async function shownState(): Promise<string | undefined> {
    return (await client.snapshot()).resources.find((r) => r.id === `connect/${connector}`)?.state;
  }
  /** What the worker itself says, asked directly, not through the proxy or the product. */
  const workerState = async () => (await connectStatus(connector)).connector.state;

  for (const scenario of faultScenarios(REQUEST_TIMEOUT_SECONDS * 1000)) {
    it(`${scenario.fault.mode}: S3 keeps serving, a pause is answered in time and never falsely called failed, and it heals`, async () => {
      const { outcome, detectMs, recoverMs, claims } = await pauseDuringFault({ api: client, proxy, connection: 'connect', resource: `connect/${connector}`, besideBucket: bucket }, scenario);
      const real = await workerState();
      assertNeverFalselyClaimed(outcome, real === 'PAUSED', 'Connect');
      await eventually(shownState, (state) => state === real.toLowerCase(), DETECT_BOUND_MS, 'the agent shows what the worker says');
      if (real === 'PAUSED') {
        await connectRest('PUT', `/connectors/${connector}/resume`);
        await eventually(shownState, (state) => state === 'running', 30_000, 'running again for the next scenario');
      }
      figures.push({ backend: 'connect', fault: scenario.fault.mode, detectMs, recoverMs, claims: claims + 2 });
    });
  }
});
