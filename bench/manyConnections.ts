import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../protocol/messages';
import { agentPaths, type AgentPaths } from '../protocol/paths';
import { createQueueBucket } from '../sandbox/s3Server';
import { awsEnvironment, readServices } from '../sandbox/services';
import { BaselineCheckout, PROJECT_ROOT } from './support/baseline';
import { CountingProxy } from './support/countingProxy';
import { percentile } from './stats';

/**
 * 1,000 S3 connections (one bucket each, over a few real buckets) against the sandbox's S3
 * server through a counting proxy: the most requests in flight at once and the agent's RSS over
 * one window, for the pre-issue-12 agent and this one (with a watching client, and with none),
 * spawned one after the other with the same connections file in one run.
 *   PIPELINE_PAUSE_SANDBOX=<dir> npx tsx bench/manyConnections.ts [connections, default 1000] [window s, default 20]
 */
const BUCKETS = 10;
const DRAIN_MS = 15_000;

interface Phase {
  name: string;
  agent: string;
  watching: boolean | null;
}

interface Measured {
  phase: string;
  connections: number;
  windowSeconds: number;
  peakInFlight: number;
  requests: number;
  requestsPerSecond: number;
  rssMedianMB: number;
  rssMaxMB: number;
}

async function main(): Promise<void> {
  const connections = Number(process.argv[2] ?? 1000);
  const windowSeconds = Number(process.argv[3] ?? 20);
  const services = readServices();
  if (!services) throw new Error('no sandbox: set PIPELINE_PAUSE_SANDBOX to a running sandbox (npm run sandbox:up)');
  Object.assign(process.env, awsEnvironment(services.s3));
  const buckets = Array.from({ length: BUCKETS }, (_, i) => `bench-many-${i}`);
  for (const bucket of buckets) await createQueueBucket(services.s3, bucket);

  const baseline = BaselineCheckout.create();
  const phases: Phase[] = [
    { name: `old (${baseline.rev.split(' ')[0]}), no client`, agent: baseline.path('cli', 'bin.ts'), watching: null },
    { name: 'new, a watching client', agent: join(PROJECT_ROOT, 'cli', 'bin.ts'), watching: true },
    { name: 'new, no client', agent: join(PROJECT_ROOT, 'cli', 'bin.ts'), watching: null },
  ];
  const results: Measured[] = [];
  try {
    for (const phase of phases) {
      // The S3 server may still be answering the last agent's backlog: let it drain first.
      if (results.length) await sleep(DRAIN_MS);
      const proxy = await CountingProxy.start(services.s3.endpoint);
      try {
        const home = mkdtempSync(join(tmpdir(), 'pp-bench-many-'));
        const paths = agentPaths({ home });
        mkdirSync(home, { recursive: true });
        const list = Array.from({ length: connections }, (_, i) => ({ name: `c${i}`, kind: 's3-queue', endpoint: proxy.url, profile: services.s3.profile, buckets: [buckets[i % BUCKETS]] }));
        writeFileSync(paths.connections, JSON.stringify({ connections: list }));
        results.push(await measure(phase, paths, proxy, connections, windowSeconds));
        rmSync(home, { recursive: true, force: true });
      } finally {
        await proxy.close();
      }
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    baseline.remove();
  }

  const [old, watched, idle] = results;
  const ratios = {
    peakInFlightOldOverWatched: round(old.peakInFlight / Math.max(1, watched.peakInFlight)),
    peakInFlightOldOverIdle: round(old.peakInFlight / Math.max(1, idle.peakInFlight)),
    rssMedianOldOverWatched: round(old.rssMedianMB / watched.rssMedianMB),
    rssMedianOldOverIdle: round(old.rssMedianMB / idle.rssMedianMB),
    requestsOldOverIdle: round(old.requests / Math.max(1, idle.requests)),
  };
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'manyConnections.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), baseline: baseline.rev, connections, buckets: BUCKETS, windowSeconds, results, ratios }, null, 2)}\n`,
  );
  console.log(JSON.stringify(ratios));
}

/** Spawns one agent, follows it for the window (from its start, so the first burst counts), then stops it. */
async function measure(phase: Phase, paths: AgentPaths, proxy: CountingProxy, connections: number, windowSeconds: number): Promise<Measured> {
  proxy.reset();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', phase.agent, '--home', paths.home, 'agent', '--log-file', paths.log], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  const rss: number[] = [];
  let socket: WebSocket | null = null;
  try {
    while (Date.now() - started < windowSeconds * 1000) {
      rss.push(rssMB(child));
      if (phase.watching !== null && !socket && existsSync(paths.agentInfo)) socket = watch(paths, phase.watching);
      await sleep(500);
    }
  } finally {
    socket?.terminate();
    child.kill('SIGTERM');
    await exited;
  }
  const { requests } = proxy.total();
  const sampled = rss.filter((value) => value > 0);
  return {
    phase: phase.name,
    connections,
    windowSeconds,
    peakInFlight: proxy.peakConcurrency(),
    requests,
    requestsPerSecond: round(requests / windowSeconds),
    rssMedianMB: round(percentile(sampled, 50)),
    rssMaxMB: round(Math.max(...sampled)),
  };
}

function watch(paths: AgentPaths, watching: boolean): WebSocket | null {
  try {
    const { port } = JSON.parse(readFileSync(paths.agentInfo, 'utf8')) as { port: number };
    const token = readFileSync(paths.token, 'utf8').trim();
    const socket = new WebSocket(`ws://127.0.0.1:${port}${WEBSOCKET_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'interest', watching })));
    socket.on('error', () => undefined);
    return socket;
  } catch {
    return null; // agent.json half written: try again on the next sample
  }
}

function rssMB(child: ChildProcess): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

void main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
