import { strict as assert } from 'node:assert';
import { AgentClient } from '../../client/agentClient';
import { PauseError } from '../../protocol/errors';
import type { ConnectionStatus } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { faultScenarios, printFaultFigures, type FaultFigure } from '../support/faultSuite';
import { FaultProxy } from '../support/faultProxy';
import { services } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';

const PAUSE_KEY = 'control/paused.json';
/** Short, so a fault shows in seconds; the bounds below are generous multiples of it. */
const REQUEST_TIMEOUT_SECONDS = 1;
const DETECT_BOUND_MS = 15_000;
const ANSWER_BOUND_MS = 10_000;

/** Figures for the README: one row per fault scenario. */
const figures: FaultFigure[] = [];

describe('fault injection: S3 behind a faulty proxy', function () {
  this.timeout(60_000);
  let agent: TestAgent;
  let client: AgentClient;
  let proxy: FaultProxy;
  let healthy: string;
  let faulted: string;

  before(async () => {
    useAwsProfiles();
    const s3 = services().s3;
    const target = new URL(s3.endpoint);
    proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
    healthy = uniqueBucket('healthy');
    faulted = uniqueBucket('faulted');
    const home = await testHome([healthy, faulted]);
    home.writeConnections([
      { name: 'direct', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [healthy], pollIntervalSeconds: 0.2, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS },
      {
        name: 'proxied',
        kind: 's3-queue',
        endpoint: `http://127.0.0.1:${proxy.port}`,
        profile: s3.profile,
        buckets: [faulted],
        pollIntervalSeconds: 0.2,
        requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      },
    ]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(connectionStatus, (s) => s.direct === 'ok' && s.proxied === 'ok', DETECT_BOUND_MS, 'both connections ok');
  });
  after(async () => {
    await agent?.close();
    await proxy?.close();
    printFaultFigures('S3', figures, proxy.faultsInjected);
  });

  async function connectionStatus(): Promise<Record<string, ConnectionStatus['status']>> {
    const snapshot = await client.snapshot();
    return Object.fromEntries(snapshot.connections.map((c) => [c.name, c.status]));
  }

  /** The healthy connection still pauses and resumes, with S3 agreeing. */
  async function othersStillServe(): Promise<number> {
    const paused = await client.pause(`direct/${healthy}`, { reason: 'others keep serving' });
    assert.equal(paused.resource.state, 'paused');
    assert.notEqual(await readKey(healthy, PAUSE_KEY), null, 'the healthy pause is really in S3');
    await client.resume(`direct/${healthy}`, {});
    assert.equal(await readKey(healthy, PAUSE_KEY), null, 'the healthy resume is really in S3');
    return 2;
  }

  for (const { fault, shows } of faultScenarios(REQUEST_TIMEOUT_SECONDS * 1000)) {
    it(`${fault.mode}: answers a pause within the bound, never claims what S3 does not hold, heals by itself`, async () => {
      let claims = 0;
      const faultedAt = Date.now();
      proxy.set(fault);
      const status = await eventually(connectionStatus, (s) => shows.includes(s.proxied), DETECT_BOUND_MS, `proxied shows ${shows.join(' or ')}`);
      const detectMs = Date.now() - faultedAt;
      assert.equal(status.direct, 'ok', 'the healthy connection is not dragged down');
      claims += await othersStillServe();

      const asked = Date.now();
      const outcome = await client.pause(`proxied/${faulted}`, { reason: `during ${fault.mode}` }).then(
        () => 'paused' as const,
        (error: PauseError) => error,
      );
      assert.ok(Date.now() - asked < ANSWER_BOUND_MS, `the pause was answered within ${ANSWER_BOUND_MS} ms`);
      if (outcome !== 'paused') {
        assert.ok(outcome instanceof PauseError, String(outcome));
        assert.doesNotMatch(outcome.message, /cannot reach the agent/, 'the agent answered; a slow backend is not blamed on it');
        assert.ok(['BackendUnavailable', 'BackendTimeout'].includes(outcome.code), `${outcome.code}: ${outcome.message}`);
      }

      const healedAt = Date.now();
      proxy.set({ mode: 'pass' });
      await eventually(connectionStatus, (s) => s.proxied === 'ok', DETECT_BOUND_MS, 'proxied back to ok');
      const recoverMs = Date.now() - healedAt;
      // Give a delayed write time to land, then hold the agent to what it told the caller.
      await new Promise((resolve) => setTimeout(resolve, fault.mode === 'delay' ? fault.ms + 1000 : 500));
      const inS3 = (await readKey(faulted, PAUSE_KEY)) !== null;
      if (outcome === 'paused') assert.ok(inS3, 'a pause the agent claimed is in S3');
      else if (outcome.code === 'BackendUnavailable') assert.ok(!inS3, `the agent said the pause failed, yet it landed: ${outcome.message}`);
      else assert.match(outcome.message, /may or may not have been written; run status to see/);
      claims++;
      const shown = await eventually(
        async () => (await client.snapshot()).resources.find((r) => r.id === `proxied/${faulted}`)?.state,
        (state) => state === (inS3 ? 'paused' : 'running'),
        DETECT_BOUND_MS,
        'the agent shows what S3 holds',
      );
      assert.equal(shown, inS3 ? 'paused' : 'running');
      claims++;
      if (inS3) await client.resume(`proxied/${faulted}`, {});
      figures.push({ backend: 's3', fault: fault.mode, detectMs, recoverMs, claims });
    });
  }
});
