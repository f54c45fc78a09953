import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentEvents } from '../client/agentEvents';
import { run } from '../cli/main';
import { startAgent } from '../agent/main';
import { silentLogger } from '../agent/core/logger';
import { agentPaths } from '../protocol/paths';
import { sandboxDown, sandboxUp, DEMO_BUCKET } from '../sandbox/sandbox';
import { awsEnvironment } from '../sandbox/services';
import { summarize } from './stats';

/**
 * How long after a pause or resume is written to S3 by someone else (the CLI without the
 * agent) a websocket client of the agent hears of it, for several poll intervals, side by side
 * in one run. The extension renders from exactly these events.
 *   npx tsx bench/changeToClient.ts [trials per interval, default 12]
 */
async function main(): Promise<void> {
  const trials = Number(process.argv[2] ?? 12);
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-'));
  const services = await sandboxUp(dir, () => undefined);
  Object.assign(process.env, awsEnvironment(services.s3));
  const results: Record<string, ReturnType<typeof summarize>> = {};
  try {
    for (const interval of [0.5, 1, 2]) {
      const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-bench-home-')) });
      writeFileSync(paths.connections, JSON.stringify({ connections: [{ name: 'bench', kind: 's3-queue', endpoint: services.s3.endpoint, profile: services.s3.profile, buckets: [DEMO_BUCKET], pollIntervalSeconds: interval }] }));
      const agent = await startAgent({ paths, log: silentLogger() });
      const events = new AgentEvents(async () => ({ baseUrl: `http://127.0.0.1:${agent.port}`, token: agent.token }));
      let waiter: { state: string; resolve: (at: number) => void } | null = null;
      events.on('resource-changed', (message) => {
        if (waiter && message.resource.state === waiter.state) waiter.resolve(performance.now());
      });
      events.setWatching(true); // a watching client: the agent lists at pollIntervalSeconds only then
      events.start();
      const delays: number[] = [];
      const cli = (args: string[]) => run(['--home', paths.home, '--no-agent', ...args], { out: () => undefined, err: (t) => console.error(t) });
      for (let trial = 0; trial < trials; trial++) {
        for (const [args, state] of [[['pause', `bench/${DEMO_BUCKET}`], 'paused'], [['resume', `bench/${DEMO_BUCKET}`], 'running']] as const) {
          // A random phase against the poll timer, so the trials sample the whole interval.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * interval * 1000));
          const heard = new Promise<number>((resolve) => (waiter = { state, resolve }));
          if ((await cli([...args])) !== 0) throw new Error(`${args[0]} failed`);
          const written = performance.now();
          delays.push((await heard) - written);
          waiter = null;
        }
      }
      events.close();
      await agent.close();
      results[`poll ${interval}s`] = summarize(delays);
      console.error(`poll ${interval}s: ${JSON.stringify(results[`poll ${interval}s`])}`);
    }
  } finally {
    await sandboxDown(dir, () => undefined);
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'changeToClient.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), trials, unit: 'ms', results }, null, 2)}\n`);
  console.log('| poll interval | n | median ms | p90 ms | max ms |\n|---|---|---|---|---|');
  for (const [name, s] of Object.entries(results)) console.log(`| ${name.replace('poll ', '')} | ${s.n} | ${s.median.toFixed(0)} | ${s.p90.toFixed(0)} | ${s.max.toFixed(0)} |`);
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
