import { strict as assert } from 'node:assert';
import { CALL_TIMEOUT_MS } from '../../agent/backends/querator/client';
import { createQueueBucket } from '../../sandbox/s3Server';
import { createQueratorQueue } from '../../sandbox/querator';
import { faultScenarios, pauseDuringFault, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { CONNECTION, queratorEnv, uniqueQueue, waitForResource, waitingCalls, type QueratorEnv } from '../support/querator';
import { queratorService, services, useSandboxServices } from '../support/sandboxFixture';
import { uniqueBucket, useAwsProfiles } from '../support/testEnv';

useSandboxServices('querator');

const figures: FaultFigure[] = [];

/**
 * The real Querator server behind a faulty proxy, beside a healthy S3 connection. A Querator
 * pause lives in the agent's gateway, so "what the backend holds" is what the gateway does with
 * a producer's call once the proxy heals: held when the agent said paused, passed otherwise.
 */
describe('fault injection: Querator behind a faulty proxy', function () {
  this.timeout(120_000);
  let env: QueratorEnv;
  let proxy: FaultProxy;
  let bucket: string;
  let queue: string;

  before(async () => {
    useAwsProfiles();
    const target = new URL(queratorService().endpoint);
    proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
    queue = uniqueQueue('fault');
    await createQueratorQueue(queratorService().endpoint, queue);
    bucket = uniqueBucket('beside-querator');
    const s3 = services().s3;
    await createQueueBucket(s3, bucket);
    env = await queratorEnv({ overrides: { endpoint: `http://127.0.0.1:${proxy.port}` } });
    env.writeConnections([env.connection(), { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 }]);
    await env.startAgent();
    await waitForResource(env, queue, (r) => r.state === 'running', 'the queue listed', 30_000);
  });
  after(async () => {
    await env?.close();
    await proxy?.close();
    printFaultFigures('Querator', figures, proxy?.faultsInjected ?? 0);
  });

  for (const scenario of faultScenarios(CALL_TIMEOUT_MS)) {
    it(`${scenario.fault.mode}: S3 keeps serving, a pause is answered in time and held to, and it heals`, async () => {
      const { outcome, detectMs, recoverMs, claims } = await pauseDuringFault({ api: env.api, proxy, connection: CONNECTION, resource: `${CONNECTION}/${queue}`, besideBucket: bucket }, scenario);
      const claimedPaused = outcome === 'paused';
      await waitForResource(env, queue, (r) => r.state === (claimedPaused ? 'paused' : 'running'), 'the agent shows what it claimed');
      // What a producer meets is the truth of a gateway pause.
      const produced = env.gateway.produce(queue, [`after ${scenario.fault.mode}`], '5s');
      if (claimedPaused) {
        await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'the produce held by the pause');
        await env.api.resume(`${CONNECTION}/${queue}`, { force: true });
      }
      assert.equal((await produced).status, 200, 'the produce went through (after the resume, when paused)');
      figures.push({ backend: 'querator', fault: scenario.fault.mode, detectMs, recoverMs, claims: claims + 2 });
    });
  }
});
