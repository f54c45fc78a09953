import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../sandbox/paths';
import { freePort, stopProcessGroup, waitForPort } from '../sandbox/process';
import { createQueratorQueue, launchQuerator, stopQuerator } from '../sandbox/querator';
import { DuhClient, leasedItems } from '../test/support/querator';
import { percentile } from './stats';

/**
 * What the pausing gateway adds to each Querator call, against calling the server directly, side
 * by side in one run: a real Querator server, the real agent (its own process, as users run it)
 * with the gateway of one connection, and one client that alternates between the two targets call
 * by call (the order flips every round), so both see the same machine at the same moment.
 *   npx tsx bench/gatewayLatency.ts [rounds, default 2000]
 * Each round: produce (1 item), lease (1 item), complete (that item), queue.stats, storage
 * items.list, once per target. Nothing is paused: this is the cost every call pays.
 */
type Call = 'produce' | 'lease' | 'complete' | 'stats' | 'storage';
const CALLS: Call[] = ['produce', 'lease', 'complete', 'stats', 'storage'];
const WARMUP = 200;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-gw-'));
  const server = await launchQuerator(dir, (line) => console.error(line));
  let agentPid: number | null = null;
  try {
    const queue = 'bench';
    await createQueratorQueue(server.endpoint, queue);
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const gatewayPort = await freePort();
    writeFileSync(join(home, 'connections.json'), JSON.stringify({ connections: [{ name: 'bench', kind: 'querator', endpoint: server.endpoint, gatewayPort, pollIntervalSeconds: 2 }] }));
    const log = join(dir, 'agent.log');
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'cli', 'bin.ts'), '--home', home, 'agent', '--log-file', log], {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, PIPELINE_PAUSE_HOME: home },
    });
    child.unref();
    agentPid = child.pid ?? null;
    await waitForPort(gatewayPort, 30_000, 'the agent’s Querator gateway', log);

    const targets = { direct: new DuhClient(server.endpoint), gateway: new DuhClient(`http://127.0.0.1:${gatewayPort}`) };
    const samples: Record<'direct' | 'gateway', Record<Call, number[]>> = {
      direct: { produce: [], lease: [], complete: [], stats: [], storage: [] },
      gateway: { produce: [], lease: [], complete: [], stats: [], storage: [] },
    };
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const start = performance.now();
      const result = await work();
      return [result, performance.now() - start];
    };
    const round = async (name: 'direct' | 'gateway', keep: boolean) => {
      const client = targets[name];
      const ok = (status: number, what: string) => {
        if (status !== 200) throw new Error(`${name} ${what}: ${status}`);
      };
      const [produced, tProduce] = await timed(() => client.produce(queue, ['payload-0123456789'], '5s'));
      ok(produced.status, 'produce');
      const [leased, tLease] = await timed(() => client.lease(queue, `bench-${name}`, 1, '5s'));
      ok(leased.status, 'lease');
      const { partition, items } = leasedItems(leased);
      const [completed, tComplete] = await timed(() => client.complete(queue, partition, items.map((i) => i.id), '5s'));
      ok(completed.status, 'complete');
      const [stats, tStats] = await timed(() => client.stats(queue));
      ok(stats.status, 'stats');
      const [storage, tStorage] = await timed(() => client.post('/v1/storage/items.list', { queue_name: queue, limit: 10 }));
      ok(storage.status, 'storage');
      if (!keep) return;
      const s = samples[name];
      s.produce.push(tProduce);
      s.lease.push(tLease);
      s.complete.push(tComplete);
      s.stats.push(tStats);
      s.storage.push(tStorage);
    };
    for (let i = 0; i < WARMUP + rounds; i++) {
      const order: Array<'direct' | 'gateway'> = i % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
      for (const name of order) await round(name, i >= WARMUP);
    }
    targets.direct.close();
    targets.gateway.close();

    const results = Object.fromEntries(
      CALLS.map((call) => {
        const d = samples.direct[call];
        const g = samples.gateway[call];
        const row = {
          n: d.length,
          direct: { p50: percentile(d, 50), p99: percentile(d, 99) },
          gateway: { p50: percentile(g, 50), p99: percentile(g, 99) },
        };
        return [call, { ...row, added: { p50: row.gateway.p50 - row.direct.p50, p99: row.gateway.p99 - row.direct.p99 } }];
      }),
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, 'results', 'gatewayLatency.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), rounds, warmup: WARMUP, querator: server.version, cpus: cpus().length, node: process.version, unit: 'ms', results }, null, 2)}\n`,
    );
    const f = (ms: number) => ms.toFixed(2);
    console.log('| call | n | direct p50 | direct p99 | gateway p50 | gateway p99 | added p50 | added p99 |\n|---|---|---|---|---|---|---|---|');
    for (const [call, r] of Object.entries(results)) {
      console.log(`| ${call} | ${r.n} | ${f(r.direct.p50)} | ${f(r.direct.p99)} | ${f(r.gateway.p50)} | ${f(r.gateway.p99)} | ${f(r.added.p50)} | ${f(r.added.p99)} |`);
    }
  } finally {
    if (agentPid) await stopProcessGroup(agentPid);
    await stopQuerator(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
