import { strict as assert } from 'node:assert';
import type { AgentClient } from '../../client/agentClient';
import { PauseError } from '../../protocol/errors';
import type { ConnectionStatus } from '../../protocol/resource';
import { eventually } from './waitFor';
import { readKey } from './bucket';
import type { Fault, FaultProxy } from './faultProxy';

/** What the fault suites measured, one row per scenario, printed for the README's table. */
export interface FaultFigure {
  backend: string;
  fault: string;
  detectMs: number;
  recoverMs: number;
  claims: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
}

export function printFaultFigures(backend: string, figures: FaultFigure[], faultsInjected: number): void {
  if (!figures.length) return;
  console.log(
    `  fault figures (${backend}): ${figures.length} scenarios, ${faultsInjected} faulty connections injected, ` +
      `${figures.reduce((n, f) => n + f.claims, 0)} claims checked, ` +
      `median detect ${median(figures.map((f) => f.detectMs))} ms, median recover ${median(figures.map((f) => f.recoverMs))} ms`,
  );
}

/**
 * The faults every backend meets, and how its connection may show each: refused at once is
 * unreachable; silent, or answering after the agent's deadline for one call (the write may
 * land after the caller gave up), is slow; cut mid-answer is either.
 */
export function faultScenarios(callTimeoutMs: number): Array<{ fault: Fault; shows: Array<ConnectionStatus['status']> }> {
  return [
    { fault: { mode: 'refuse' }, shows: ['unreachable'] },
    { fault: { mode: 'blackhole' }, shows: ['slow'] },
    { fault: { mode: 'delay', ms: callTimeoutMs + 2000 }, shows: ['slow'] },
    { fault: { mode: 'cut', afterBytes: 20 }, shows: ['unreachable', 'slow'] },
  ];
}

/** Generous multiples of the 1 s deadlines the suites configure. */
export const DETECT_BOUND_MS = 15_000;
export const ANSWER_BOUND_MS = 10_000;

export interface FaultBed {
  api: AgentClient;
  proxy: FaultProxy;
  /** The connection behind the proxy, and the row of it the scenario pauses. */
  connection: string;
  resource: string;
  /** A healthy S3 connection's bucket, `direct/<bucket>`, that must keep serving. */
  besideBucket: string;
}

export interface FaultedPause {
  /** What the agent answered the pause asked during the fault. */
  outcome: 'paused' | PauseError;
  detectMs: number;
  recoverMs: number;
  claims: number;
}

/**
 * The steps every backend's scenario shares: fault the proxy, see the connection show it, pause
 * and resume the healthy S3 row beside it, ask a pause of the faulted row (answered in time, as
 * paused or as the backend's failure), heal the proxy and see the connection ok again. What the
 * backend really holds afterwards is the caller's check.
 */
export async function pauseDuringFault(bed: FaultBed, { fault, shows }: { fault: Fault; shows: Array<ConnectionStatus['status']> }): Promise<FaultedPause> {
  const connectionStatus = async () => (await bed.api.snapshot()).connections.find((c) => c.name === bed.connection)?.status;
  const faultedAt = Date.now();
  bed.proxy.set(fault);
  await eventually(connectionStatus, (status) => status !== undefined && shows.includes(status), DETECT_BOUND_MS, `${bed.connection} shows ${shows.join(' or ')}`);
  const detectMs = Date.now() - faultedAt;

  await bed.api.pause(`direct/${bed.besideBucket}`, { reason: `beside a faulty ${bed.connection}` });
  assert.notEqual(await readKey(bed.besideBucket, 'control/paused.json'), null, 'the S3 pause is really there');
  await bed.api.resume(`direct/${bed.besideBucket}`, {});

  const asked = Date.now();
  const outcome = await bed.api.pause(bed.resource, { reason: `during ${fault.mode}` }).then(
    () => 'paused' as const,
    (error: PauseError) => error,
  );
  assert.ok(Date.now() - asked < ANSWER_BOUND_MS, `the pause was answered within ${ANSWER_BOUND_MS} ms`);
  if (outcome !== 'paused') {
    assert.ok(outcome instanceof PauseError, String(outcome));
    assert.ok(['BackendUnavailable', 'BackendTimeout'].includes(outcome.code), `${outcome.code}: ${outcome.message}`);
  }

  const healedAt = Date.now();
  bed.proxy.set({ mode: 'pass' });
  await eventually(connectionStatus, (status) => status === 'ok', DETECT_BOUND_MS, `${bed.connection} back to ok`);
  const recoverMs = Date.now() - healedAt;
  // A change sent just before the heal may still be on its way (delay holds each answer back).
  await new Promise((resolve) => setTimeout(resolve, fault.mode === 'delay' ? fault.ms + 1000 : 1000));
  return { outcome, detectMs, recoverMs, claims: 1 };
}

/** A failure either says the outcome is unknown or is held to it; a claimed pause is really there. */
export function assertNeverFalselyClaimed(outcome: FaultedPause['outcome'], reallyPaused: boolean, backend: string): void {
  if (outcome === 'paused') assert.ok(reallyPaused, `a pause the agent claimed is in ${backend}`);
  else if (!/may or may not have been applied; run status to see/.test(outcome.message)) assert.ok(!reallyPaused, `the agent said the pause failed, yet ${backend} paused: ${outcome.message}`);
}
