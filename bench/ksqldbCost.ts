import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket } from 'ws';
import { AgentClient } from '../client/agentClient';
import { WEBSOCKET_PATH } from '../protocol/messages';
import { agentPaths, type AgentPaths } from '../protocol/paths';
import { readServices } from '../sandbox/services';
import { KsqlDbStandIn } from '../test/standins/ksqldb/server';
import { BaselineCheckout, PROJECT_ROOT } from './support/baseline';
import { CountingProxy, type RequestCost } from './support/countingProxy';

/**
 * What a ksqlDB connection of 200 and of 2,000 persistent queries costs the cluster: the agent's
 * requests and bytes a minute with no client and with a watching one, and a timed pause-all of
 * every query (wall time, requests, bytes). The pre-issue-12 agent and this one each get their
 * own ksqlDB stand-in (dormant seeded queries plus one source-table query, so a timed pause-all
 * goes query by query) behind a counting proxy, one after the other in one run. The old
 * pause-all is cut off at --old-cap seconds and reported as how far it got.
 *   PIPELINE_PAUSE_SANDBOX=<dir> npx tsx bench/ksqldbCost.ts [--window 60] [--sizes 200,2000] [--old-cap 120]
 */
interface Side {
  name: string;
  cli: string;
}

interface Rate {
  windowSeconds: number;
  requestsPerMinute: number;
  bytesPerMinute: number;
  /** Listings (POST /ksql) a minute and what one costs on average: the poll's size, apart from its pace. */
  listingsPerMinute: number;
  bytesPerListing: number | null;
}

interface PauseAllCost {
  finished: boolean;
  wallSeconds: number;
  /** PAUSE statements the cluster received before the end (or the cap). */
  paused: number;
  of: number;
  requests: number;
  bytes: number;
  note: string | null;
}

interface Measured {
  side: string;
  queries: number;
  idle: Rate;
  watched: Rate;
  pauseAll: PauseAllCost;
}

const SETTLE_MS = 5000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { window: { type: 'string', default: '60' }, sizes: { type: 'string', default: '200,2000' }, 'old-cap': { type: 'string', default: '120' } }, strict: true });
  const windowSeconds = Number(values.window);
  const sizes = values.sizes.split(',').map(Number);
  const oldCapSeconds = Number(values['old-cap']);
  const services = readServices();
  if (!services?.kafka) throw new Error('no sandbox with Kafka: set PIPELINE_PAUSE_SANDBOX to a running sandbox (npm run sandbox:up -- --with kafka)');
  const bootstrap = services.kafka.bootstrap;

  const baseline = BaselineCheckout.create();
  const sides: Side[] = [
    { name: `old (${baseline.rev.split(' ')[0]})`, cli: baseline.path('cli', 'bin.ts') },
    { name: 'new', cli: join(PROJECT_ROOT, 'cli', 'bin.ts') },
  ];
  const results: Measured[] = [];
  try {
    for (const queries of sizes) {
      for (const side of sides) {
        const old = side !== sides[1];
        results.push(await measure(side, queries, bootstrap, windowSeconds, old ? oldCapSeconds : null));
        console.log(JSON.stringify(results.at(-1)));
      }
    }
  } finally {
    baseline.remove();
  }

  const ratios = sizes.map((queries) => {
    const [old, now] = sides.map((side) => results.find((r) => r.queries === queries && r.side === side.name)!);
    const fraction = (p: PauseAllCost) => p.paused / p.wallSeconds; // queries paused a second
    return {
      queries,
      idleBytesOldOverNew: ratio(old.idle.bytesPerMinute, now.idle.bytesPerMinute),
      watchedBytesOldOverNew: ratio(old.watched.bytesPerMinute, now.watched.bytesPerMinute),
      watchedRequestsOldOverNew: ratio(old.watched.requestsPerMinute, now.watched.requestsPerMinute),
      bytesPerListingOldOverNew: old.watched.bytesPerListing && now.watched.bytesPerListing ? ratio(old.watched.bytesPerListing, now.watched.bytesPerListing) : null,
      pauseAllWallOldOverNew: old.pauseAll.finished ? ratio(old.pauseAll.wallSeconds, now.pauseAll.wallSeconds) : null,
      pauseAllRateNewOverOld: ratio(fraction(now.pauseAll), fraction(old.pauseAll)),
      pauseAllBytesPerQueryOldOverNew: ratio(old.pauseAll.bytes / Math.max(1, old.pauseAll.paused), now.pauseAll.bytes / Math.max(1, now.pauseAll.paused)),
    };
  });
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'ksqldbCost.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), baseline: baseline.rev, windowSeconds, oldCapSeconds, results, ratios }, null, 2)}\n`,
  );
  console.log(JSON.stringify(ratios));
}

/** One agent against its own stand-in of `queries` queries: idle, watched, then a timed pause-all. */
async function measure(side: Side, queries: number, bootstrap: string, windowSeconds: number, capSeconds: number | null): Promise<Measured> {
  const serviceId = `bench_${queries}_${Date.now().toString(36)}`;
  const standIn = await KsqlDbStandIn.start({ bootstrap, serviceId });
  const proxy = await CountingProxy.start(standIn.url);
  const home = mkdtempSync(join(tmpdir(), 'pp-bench-ksql-'));
  let agent: ChildProcess | null = null;
  let socket: WebSocket | null = null;
  try {
    standIn.seedQueries(queries, { prefix: 'BENCH' });
    await sourceTable(standIn, bootstrap, serviceId);
    const paths = agentPaths({ home });
    writeFileSync(paths.connections, JSON.stringify({ connections: [{ name: 'ksql', kind: 'ksqldb', servers: [proxy.url] }] }));
    agent = spawn(process.execPath, ['--require', 'tsx/cjs', side.cli, '--home', home, 'agent', '--log-file', paths.log], { stdio: 'ignore' });
    const { port, token } = await agentAddress(paths);
    await sleep(SETTLE_MS); // past the first listings of a fresh agent

    const idle = await rate(proxy, windowSeconds);
    socket = await watch(port, token);
    await sleep(SETTLE_MS);
    const watched = await rate(proxy, windowSeconds);
    socket.terminate();
    socket = null;

    standIn.statements.length = 0;
    proxy.reset();
    const client = new AgentClient(`http://127.0.0.1:${port}`, token, (capSeconds ?? 60) * 1000);
    const started = performance.now();
    let note: string | null = null;
    let finished = true;
    try {
      const answer = await client.pauseAll('ksql', { resumeAfter: '1h', reason: 'bench' });
      const failed = answer.filter((r) => !r.ok).length;
      note = `${answer.length - failed} paused, ${failed} refused (the source-table query cannot auto-resume)`;
    } catch (error) {
      finished = false;
      note = `did not finish in ${capSeconds ?? 60} s: ${(error as Error).message}`;
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const cost = proxy.total();
    const paused = standIn.statements.filter((s) => /^PAUSE /.test(s)).length;
    return { side: side.name, queries, idle, watched, pauseAll: { finished, wallSeconds: round(wallSeconds), paused, of: queries, requests: cost.requests, bytes: bytesOf(cost), note } };
  } finally {
    socket?.terminate();
    if (agent) {
      const exited = new Promise<void>((resolve) => agent!.once('exit', () => resolve()));
      agent.kill('SIGTERM'); // an old agent may still be pausing: it stops here
      await exited;
    }
    await proxy.close();
    await standIn.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The cluster's one source-table query: a timed pause-all must leave it out, so it goes query by query. */
async function sourceTable(standIn: KsqlDbStandIn, bootstrap: string, serviceId: string): Promise<void> {
  const topic = `${serviceId}_users`;
  const admin = new Kafka({ clientId: 'bench-ksqldb', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const answer = await fetch(`${standIn.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: `CREATE SOURCE TABLE USERS (NAME VARCHAR PRIMARY KEY, TIER INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`, streamsProperties: {} }),
  });
  if (!answer.ok) throw new Error(`CREATE SOURCE TABLE answered ${answer.status}: ${await answer.text()}`);
}

async function rate(proxy: CountingProxy, windowSeconds: number): Promise<Rate> {
  proxy.reset();
  await sleep(windowSeconds * 1000);
  const cost = proxy.total();
  const listings = proxy.counts()['POST /ksql'] ?? { requests: 0, bytesSent: 0, bytesReceived: 0 };
  return {
    windowSeconds,
    requestsPerMinute: round((cost.requests * 60) / windowSeconds),
    bytesPerMinute: Math.round((bytesOf(cost) * 60) / windowSeconds),
    listingsPerMinute: round((listings.requests * 60) / windowSeconds),
    bytesPerListing: listings.requests ? Math.round(bytesOf(listings) / listings.requests) : null,
  };
}

async function agentAddress(paths: AgentPaths): Promise<{ port: number; token: string }> {
  for (let i = 0; i < 600; i++) {
    try {
      if (existsSync(paths.agentInfo)) {
        const { port } = JSON.parse(readFileSync(paths.agentInfo, 'utf8')) as { port: number };
        return { port, token: readFileSync(paths.token, 'utf8').trim() };
      }
    } catch {
      // agent.json half written: read it again
    }
    await sleep(100);
  }
  throw new Error(`no agent started in ${paths.home}`);
}

/** A client that says it watches (an editor in focus); the old agent ignores the message. */
async function watch(port: number, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${WEBSOCKET_PATH}`, { headers: { authorization: `Bearer ${token}` }, maxPayload: 1024 ** 3 });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'interest', watching: true }));
  return socket;
}

function bytesOf(cost: RequestCost): number {
  return cost.bytesSent + cost.bytesReceived;
}

/** a / b; null when b is nothing (the new agent sent nothing in the window), as no ratio says that. */
function ratio(a: number, b: number): number | null {
  return b > 0 ? round(a / b) : null;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

void main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
