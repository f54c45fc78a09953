import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { createQueueBucket } from '../sandbox/s3Server';
import { awsEnvironment, readServices } from '../sandbox/services';
import { QueueClient } from '../worker';
import { BaselineCheckout, PROJECT_ROOT } from './support/baseline';
import { CountingProxy } from './support/countingProxy';
import { READY_LIST, byTaskRead, taskReads } from './support/taskReads';

/**
 * A Node worker with a handler for type `a` over a queue holding N pending tasks of type `b`
 * (real S3 server of the sandbox, counting proxy in front): task GETs per minute once its first
 * poll has read them all, for the pre-issue-12 worker and this one, one after the other in one run.
 *   PIPELINE_PAUSE_SANDBOX=<dir> npx tsx bench/workerForeignTasks.ts [foreign tasks, default 1189] [window s, default 30]
 */
type WorkerModule = typeof import('../worker');

interface Measured {
  phase: string;
  foreignTasks: number;
  windowSeconds: number;
  polls: number;
  taskGets: number;
  taskGetsPerMinute: number;
  requestsPerMinute: number;
}

async function main(): Promise<void> {
  const foreignTasks = Number(process.argv[2] ?? 1189);
  const windowSeconds = Number(process.argv[3] ?? 30);
  if (!(foreignTasks > 0) || !(windowSeconds > 0)) throw new Error('usage: npx tsx bench/workerForeignTasks.ts [foreign tasks] [window s]');
  const services = readServices();
  if (!services) throw new Error('no sandbox: set PIPELINE_PAUSE_SANDBOX to a running sandbox (npm run sandbox:up)');
  Object.assign(process.env, awsEnvironment(services.s3));
  const bucket = `bench-foreign-${Date.now().toString(36)}`;
  await createQueueBucket(services.s3, bucket);
  const queue = new QueueClient({ bucket, endpoint: services.s3.endpoint, profile: services.s3.profile });
  const limit = pLimit(16);
  await Promise.all(Array.from({ length: foreignTasks }, (_, n) => limit(() => queue.submit('b', { n }))));
  queue.close();
  console.error(`${foreignTasks} tasks of type b submitted to ${bucket}`);

  const baseline = BaselineCheckout.create();
  const results: Measured[] = [];
  try {
    const phases: Array<[string, WorkerModule]> = [
      [`old (${baseline.rev.split(' ')[0]})`, (await import(baseline.path('worker', 'index.ts'))) as WorkerModule],
      ['new', await import('../worker')],
    ];
    for (const [phase, module] of phases) {
      results.push(await measure(phase, module, services.s3, bucket, foreignTasks, windowSeconds));
      console.log(JSON.stringify(results.at(-1)));
    }
  } finally {
    baseline.remove();
  }
  const [old, now] = results;
  // The new worker's task GETs per minute may well be 0: the ratio of all requests stays finite.
  const ratios = {
    taskGetsPerMinuteOldOverNew: now.taskGetsPerMinute ? round(old.taskGetsPerMinute / now.taskGetsPerMinute) : null,
    requestsPerMinuteOldOverNew: round(old.requestsPerMinute / Math.max(1, now.requestsPerMinute)),
  };
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'workerForeignTasks.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), baseline: baseline.rev, foreignTasks, windowSeconds, pollIntervalMs: 1000, results, ratios }, null, 2)}\n`,
  );
  console.log(JSON.stringify(ratios));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs one worker until its first poll read every task, then counts over the window. */
async function measure(phase: string, module: WorkerModule, s3: { endpoint: string; profile: string }, bucket: string, foreignTasks: number, windowSeconds: number): Promise<Measured> {
  const proxy = await CountingProxy.start(s3.endpoint, byTaskRead);
  const log = { info: () => undefined, warn: (fields: object, message: string) => console.error(message, JSON.stringify(fields)) };
  const worker = new module.QueueWorker({ bucket, endpoint: proxy.url, profile: s3.profile, handleSignals: false, log });
  worker.handle('a', (input) => input);
  const running = worker.run();
  try {
    while (taskReads(proxy.counts()) < foreignTasks) await sleep(100);
    proxy.reset();
    await sleep(windowSeconds * 1000);
    const counts = proxy.counts();
    const taskGets = taskReads(counts);
    return {
      phase,
      foreignTasks,
      windowSeconds,
      polls: counts[READY_LIST]?.requests ?? 0,
      taskGets,
      taskGetsPerMinute: Math.round((taskGets * 60) / windowSeconds),
      requestsPerMinute: Math.round((proxy.total().requests * 60) / windowSeconds),
    };
  } finally {
    worker.stop();
    await running;
    await proxy.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
