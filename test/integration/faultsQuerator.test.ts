import { strict as assert } from 'node:assert';
import { CALL_TIMEOUT_MS } from '../../agent/backends/querator/client';
import { PauseError } from '../../protocol/errors';
import type { ConnectionStatus } from '../../protocol/resource';
import { createQueueBucket } from '../../sandbox/s3Server';
import { createQueratorQueue } from '../../sandbox/querator';
import { eventually, readKey } from '../support/bucket';
import { faultScenarios, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { CONNECTION, queratorEnv, uniqueQueue, waitForResource, waitingCalls, type QueratorEnv } from '../support/querator';
import { queratorService, services, useSandboxServices } from '../support/sandboxFixture';
import { uniqueBucket, useAwsProfiles } from '../support/testEnv';

useSandboxServices('querator');

const DETECT_BOUND_MS = 15_000;
const ANSWER_BOUND_MS = 10_000;
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

  async function connectionStatus(): Promise<ConnectionStatus['status'] | undefined> {
    return (await env.api.snapshot()).connections.find((c) => c.name === CONNECTION)?.status;
  }

  for (const { fault, shows } of faultScenarios(CALL_TIMEOUT_MS)) {
    it(`${fault.mode}: S3 keeps serving, a pause is answered in time and held to, and it heals`, async () => {
      let claims = 0;
      const faultedAt = Date.now();
      proxy.set(fault);
      await eventually(connectionStatus, (status) => status !== undefined && shows.includes(status), DETECT_BOUND_MS, `querator shows ${shows.join(' or ')}`);
      const detectMs = Date.now() - faultedAt;

      await env.api.pause(`direct/${bucket}`, { reason: 'beside a faulty Querator' });
      assert.notEqual(await readKey(bucket, 'control/paused.json'), null, 'the S3 pause is really there');
      await env.api.resume(`direct/${bucket}`, {});
      claims++;

      const asked = Date.now();
      const outcome = await env.api.pause(`${CONNECTION}/${queue}`, { reason: `during ${fault.mode}` }).then(
        () => 'paused' as const,
        (error: PauseError) => error,
      );
      assert.ok(Date.now() - asked < ANSWER_BOUND_MS, `the pause was answered within ${ANSWER_BOUND_MS} ms`);
      if (outcome !== 'paused') assert.ok(outcome instanceof PauseError && ['BackendUnavailable', 'BackendTimeout'].includes(outcome.code), String(outcome));

      const healedAt = Date.now();
      proxy.set({ mode: 'pass' });
      await eventually(connectionStatus, (status) => status === 'ok', DETECT_BOUND_MS, 'querator back to ok');
      const recoverMs = Date.now() - healedAt;
      const claimedPaused = outcome === 'paused';
      await waitForResource(env, queue, (r) => r.state === (claimedPaused ? 'paused' : 'running'), 'the agent shows what it claimed');
      claims++;
      // What a producer meets is the truth of a gateway pause.
      const produced = env.gateway.produce(queue, [`after ${fault.mode}`], '5s');
      if (claimedPaused) {
        await waitForResource(env, queue, (r) => waitingCalls(r) === 1, 'the produce held by the pause');
        await env.api.resume(`${CONNECTION}/${queue}`, { force: true });
      }
      assert.equal((await produced).status, 200, 'the produce went through (after the resume, when paused)');
      claims++;
      figures.push({ backend: 'querator', fault: fault.mode, detectMs, recoverMs, claims });
    });
  }
});
