import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createStore, type QueueStore } from '../buquet/client';
import { PauseControl } from '../buquet/pauseControl';
import { WEBSOCKET_PATH } from '../protocol/messages';
import { agentPaths, type AgentPaths } from '../protocol/paths';
import { createQueueBucket } from '../sandbox/s3Server';
import { awsEnvironment, readServices, type S3Service } from '../sandbox/services';
import { BaselineCheckout, PROJECT_ROOT } from './support/baseline';
import { CountingProxy } from './support/countingProxy';
import { fillReadyIndex } from './support/readyKeys';
import { percentile } from './stats';
import { waitFor } from '../test/support/waitFor';

/**
 * What one S3 queue costs an agent per minute at 0 / 1k / 10k / 50k pending tasks, with no client
 * and with a watching client, and how long a pause made elsewhere takes to reach a watching
 * client. The pre-issue-12 agent and this one are spawned one after the other in one run, each
 * with one connection per queue, each connection through its own counting proxy in front of the
 * sandbox's real S3 server.
 * With no client the agent lists about once a minute, so that window is longer (a 60 s one
 * catches one listing or two).
 *   PIPELINE_PAUSE_SANDBOX=<dir> npx tsx bench/pollCost.ts [--window 60] [--idle-window 120] [--sizes 0,1000,10000,50000] [--pauses 20]
 */
const WARMUP_MS = 10_000;
const DRAIN_MS = 10_000;
const LATENCY_QUEUE = 'latency';

interface Queue {
  name: string;
  bucket: string;
  pending: number;
}

interface WindowCost {
  requestsPerMinute: number;
  bytesPerMinute: number;
  byClass: Record<string, number>;
}

interface AgentResult {
  agent: string;
  perQueue: Array<{ queue: string; pending: number; noClient: WindowCost; watched: WindowCost }>;
  agentCpuPercent: { noClient: number; watched: number };
  /** ms from S3 acknowledging a pause (or resume) written by another client to the watching client hearing of it. */
  changeToClientMs: { n: number; p50: number; p90: number; p99: number; max: number; missed: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { window: { type: 'string', default: '60' }, 'idle-window': { type: 'string', default: '120' }, sizes: { type: 'string', default: '0,1000,10000,50000' }, pauses: { type: 'string', default: '20' } },
  });
  const windowMs = Number(values.window) * 1000;
  const idleWindowMs = Number(values['idle-window']) * 1000;
  const sizes = values.sizes.split(',').map(Number);
  const pauses = Number(values.pauses);
  const services = readServices();
  if (!services) throw new Error('no sandbox: set PIPELINE_PAUSE_SANDBOX to a running sandbox (npm run sandbox:up)');
  Object.assign(process.env, awsEnvironment(services.s3));
  const direct = createStore({ endpoint: services.s3.endpoint, region: services.s3.region, profile: services.s3.profile });

  const queues: Queue[] = sizes.map((pending) => ({ name: `q${pending}`, bucket: `bench-poll-cost-${pending}`, pending }));
  const fill: Array<{ pending: number; written: number; seconds: number }> = [];
  for (const queue of queues) {
    await createQueueBucket(services.s3, queue.bucket);
    const started = Date.now();
    const written = await fillReadyIndex(direct, queue.bucket, queue.pending);
    fill.push({ pending: queue.pending, written, seconds: round((Date.now() - started) / 1000) });
    console.log(JSON.stringify(fill.at(-1)));
  }
  const latencyBucket = 'bench-poll-cost-latency';
  await createQueueBucket(services.s3, latencyBucket);
  await new PauseControl(direct).resume(latencyBucket, { force: true, scope: null, onlyIfVersion: null }).catch(() => undefined);

  const baseline = BaselineCheckout.create();
  const results: AgentResult[] = [];
  try {
    for (const agent of [
      { name: `old (${baseline.rev.split(' ')[0]})`, bin: baseline.path('cli', 'bin.ts'), sendsInterest: false },
      { name: 'new', bin: join(PROJECT_ROOT, 'cli', 'bin.ts'), sendsInterest: true },
    ]) {
      if (results.length) await sleep(DRAIN_MS);
      results.push(await measureAgent(agent, services.s3, direct, queues, latencyBucket, { windowMs, idleWindowMs }, pauses));
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    baseline.remove();
    direct.s3.destroy();
  }

  const [old, current] = results;
  const ratios = old.perQueue.map((before, i) => {
    const after = current.perQueue[i];
    return {
      pending: before.pending,
      noClientRequests: ratio(before.noClient.requestsPerMinute, after.noClient.requestsPerMinute),
      noClientBytes: ratio(before.noClient.bytesPerMinute, after.noClient.bytesPerMinute),
      watchedRequests: ratio(before.watched.requestsPerMinute, after.watched.requestsPerMinute),
      watchedBytes: ratio(before.watched.bytesPerMinute, after.watched.bytesPerMinute),
    };
  });
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'pollCost.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), baseline: baseline.rev, windowSeconds: windowMs / 1000, idleWindowSeconds: idleWindowMs / 1000, pauses, fill, results, ratios }, null, 2)}\n`,
  );
  console.log(JSON.stringify(ratios));
}

/** One agent: a window with no client, a window with a watching client, then pauses timed while it still watches. */
async function measureAgent(
  agent: { name: string; bin: string; sendsInterest: boolean },
  s3: S3Service,
  direct: QueueStore,
  queues: Queue[],
  latencyBucket: string,
  windows: { windowMs: number; idleWindowMs: number },
  pauses: number,
): Promise<AgentResult> {
  const proxies = await Promise.all(queues.map(() => CountingProxy.start(s3.endpoint)));
  const latencyProxy = await CountingProxy.start(s3.endpoint);
  const home = mkdtempSync(join(tmpdir(), 'pp-bench-poll-'));
  const paths = agentPaths({ home });
  // Each connection at its default pollIntervalSeconds, as a user's file has it.
  const connections = [
    ...queues.map((queue, i) => ({ name: queue.name, kind: 's3-queue', endpoint: proxies[i].url, profile: s3.profile, buckets: [queue.bucket] })),
    { name: LATENCY_QUEUE, kind: 's3-queue', endpoint: latencyProxy.url, profile: s3.profile, buckets: [latencyBucket] },
  ];
  writeFileSync(paths.connections, JSON.stringify({ connections }));
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', agent.bin, '--home', paths.home, 'agent', '--log-file', paths.log], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let socket: WebSocket | null = null;
  try {
    await waitForFile(paths.agentInfo);
    await sleep(WARMUP_MS); // the first listing reads everything once
    const noClient = await window(proxies, child.pid!, windows.idleWindowMs);
    const watching = await watch(paths, agent.sendsInterest);
    socket = watching.socket;
    await sleep(2000); // the listing a rise in interest starts at once
    const watched = await window(proxies, child.pid!, windows.windowMs);
    const latencies = await timePauses(direct, latencyBucket, watching, pauses);
    return {
      agent: agent.name,
      perQueue: queues.map((queue, i) => ({ queue: queue.name, pending: queue.pending, noClient: noClient.costs[i], watched: watched.costs[i] })),
      agentCpuPercent: { noClient: noClient.cpuPercent, watched: watched.cpuPercent },
      changeToClientMs: latencies,
    };
  } finally {
    socket?.terminate();
    child.kill('SIGTERM');
    await exited;
    for (const proxy of [...proxies, latencyProxy]) await proxy.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Each proxy's cost over one window, per minute, and the agent's CPU over it. */
async function window(proxies: CountingProxy[], pid: number, windowMs: number): Promise<{ costs: WindowCost[]; cpuPercent: number }> {
  for (const proxy of proxies) proxy.reset();
  const cpuBefore = cpuMs(pid);
  const started = Date.now();
  await sleep(windowMs);
  const elapsed = Date.now() - started;
  const perMinute = (value: number) => round((value * 60_000) / elapsed);
  const costs = proxies.map((proxy) => {
    const total = proxy.total();
    return {
      requestsPerMinute: perMinute(total.requests),
      bytesPerMinute: perMinute(total.bytesReceived + total.bytesSent),
      byClass: Object.fromEntries(Object.entries(proxy.counts()).map(([name, cost]) => [name.replace(/^(GET|PUT|DELETE|HEAD) \/[^/]+\//, '$1 '), perMinute(cost.requests)])),
    };
  });
  return { costs, cpuPercent: round(((cpuMs(pid) - cpuBefore) / elapsed) * 100) };
}

interface Watching {
  socket: WebSocket;
  /** Resolves when the watched latency queue is pushed in `state`. */
  next(state: string): Promise<number>;
}

async function watch(paths: AgentPaths, sendsInterest: boolean): Promise<Watching> {
  const { port } = JSON.parse(readFileSync(paths.agentInfo, 'utf8')) as { port: number };
  const token = readFileSync(paths.token, 'utf8').trim();
  const socket = new WebSocket(`ws://127.0.0.1:${port}${WEBSOCKET_PATH}`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // The old agent knows no interest message; it polls at one pace whoever is connected.
  if (sendsInterest) socket.send(JSON.stringify({ type: 'interest', watching: true }));
  let waiter: { state: string; resolve: (at: number) => void } | null = null;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; resource?: { connection: string; state: string } };
    if (message.type === 'resource-changed' && message.resource?.connection === LATENCY_QUEUE && waiter && message.resource.state === waiter.state) {
      waiter.resolve(performance.now());
      waiter = null;
    }
  });
  return { socket, next: (state) => new Promise((resolve) => (waiter = { state, resolve })) };
}

/** Pauses and resumes the latency queue from another S3 client, timing each change until the watching client hears of it. */
async function timePauses(direct: QueueStore, bucket: string, watching: Watching, changes: number): Promise<AgentResult['changeToClientMs']> {
  const control = new PauseControl(direct);
  const times: number[] = [];
  let missed = 0;
  for (let i = 0; i < changes; i += 1) {
    await sleep(300 + Math.random() * 1200); // a random phase against the agent's polling
    const paused = i % 2 === 0;
    const seen = watching.next(paused ? 'paused' : 'running');
    if (paused) await control.pause(bucket, { reason: `bench ${i}`, pausedBy: 'user:bench', resumeAfterMs: null, resumeAt: null, force: true, scope: null });
    else await control.resume(bucket, { force: true, scope: null, onlyIfVersion: null });
    const written = performance.now();
    const at = await Promise.race([seen, sleep(10_000).then(() => null)]);
    if (at === null) missed += 1;
    else times.push(Math.max(0, at - written));
  }
  if (changes % 2 === 1) await control.resume(bucket, { force: true, scope: null, onlyIfVersion: null });
  const rounded = (p: number) => Math.round(percentile(times, p));
  return { n: times.length, p50: rounded(50), p90: rounded(90), p99: rounded(99), max: Math.round(Math.max(...times)), missed };
}

async function waitForFile(path: string): Promise<void> {
  await waitFor(`the agent to write ${path} (see its log)`, async () => existsSync(path), 30_000, 100);
  await sleep(200); // written, but maybe not complete
}

/** User + system CPU of a process so far, from /proc (clock ticks of 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** old / new; null when the new agent sent nothing in the window (every request gone). */
function ratio(before: number, after: number): number | null {
  return after === 0 ? null : round(before / after);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

void main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
