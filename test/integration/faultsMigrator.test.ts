import { AgentClient } from '../../client/agentClient';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { assertNeverFalselyClaimed, DETECT_BOUND_MS, faultScenarios, pauseDuringFault, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { services } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';
import { RelationalMigratorStandIn } from '../standins/migrator/migratorStandIn';

/** Short, so a fault shows in seconds. */
const REQUEST_TIMEOUT_SECONDS = 1;
const figures: FaultFigure[] = [];

/**
 * The Relational Migrator stand-in behind a faulty proxy, beside a healthy S3 connection: the
 * agent keeps serving S3, never says "failed" for a pause the Migrator applied, and heals by
 * itself. What the job really is, the stand-in itself says.
 */
describe('fault injection: Relational Migrator (stand-in) behind a faulty proxy', function () {
  this.timeout(120_000);
  let standIn: RelationalMigratorStandIn;
  let proxy: FaultProxy;
  let agent: TestAgent;
  let client: AgentClient;
  let bucket: string;
  let jobId: string;

  before(async () => {
    useAwsProfiles();
    standIn = await RelationalMigratorStandIn.start();
    jobId = String(standIn.submit({ projectId: 'faults' }).id);
    standIn.setStage(jobId, 'cdc');
    proxy = await FaultProxy.start({ host: '127.0.0.1', port: standIn.port });
    bucket = uniqueBucket('beside-migrator');
    const home = await testHome([bucket]);
    const s3 = services().s3;
    home.writeConnections([
      { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'migrator', kind: 'relational-migrator', url: `http://127.0.0.1:${proxy.port}`, pollIntervalSeconds: 0.2, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS, settleSeconds: 2 },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(shownState, (state) => state === 'running', 30_000, 'the job running');
  });
  after(async () => {
    await agent?.close();
    await proxy?.close();
    await standIn?.close();
    printFaultFigures('Relational Migrator stand-in', figures, proxy?.faultsInjected ?? 0);
  });

  async function shownState(): Promise<string | undefined> {
    return (await client.snapshot()).resources.find((r) => r.id === `migrator/${jobId}`)?.state;
  }
  /** What the stand-in itself holds, not what the proxy or the product says. */
  const reallyPaused = () => standIn.job(jobId).cdcStatus === 'PAUSED';

  for (const scenario of faultScenarios(REQUEST_TIMEOUT_SECONDS * 1000)) {
    it(`${scenario.fault.mode}: S3 keeps serving, a pause is answered in time and never falsely called failed, and it heals`, async () => {
      const { outcome, detectMs, recoverMs, claims } = await pauseDuringFault({ api: client, proxy, connection: 'migrator', resource: `migrator/${jobId}`, besideBucket: bucket }, scenario);
      assertNeverFalselyClaimed(outcome, reallyPaused(), 'the Migrator');
      const real = reallyPaused() ? 'paused' : 'running';
      await eventually(shownState, (state) => state === real, DETECT_BOUND_MS, 'the agent shows what the stand-in holds');
      if (real === 'paused') {
        const resumed = await fetch(`${standIn.url}/api/v1/jobs/${jobId}/resume`, { method: 'POST' });
        if (!resumed.ok) throw new Error(`resuming the job directly answered ${resumed.status}`);
        await eventually(shownState, (state) => state === 'running', 30_000, 'running again for the next scenario');
      }
      figures.push({ backend: 'migrator', fault: scenario.fault.mode, detectMs, recoverMs, claims: claims + 2 });
    });
  }
});
