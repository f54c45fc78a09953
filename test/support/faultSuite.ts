import type { ConnectionStatus } from '../../protocol/resource';
import type { Fault } from './faultProxy';

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
