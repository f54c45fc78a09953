import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodePauseState } from '../buquet/controlObject';
import { GLOBAL_PAUSE_KEY } from '../buquet/layout';
import { createQueueBucket, sandboxS3Client } from '../sandbox/s3Server';
import { sandboxDown, sandboxUp } from '../sandbox/sandbox';
import { awsEnvironment } from '../sandbox/services';
import { QueueClient, QueueWorker } from '../worker';
import { summarize } from './stats';
import { waitFor } from '../test/support/waitFor';

/**
 * Pause-to-quiescence of a fleet of Node workers over a steady stream of tasks: from the moment
 * S3 acknowledged control/paused.json to the moment the last worker saw it (after which no
 * claim starts), for several fleet sizes at the default settings (TTL 5 s, poll 1 s). Then the
 * S3 requests each worker sends per minute while paused. Against the sandbox's real S3 (moto).
 *   npx tsx bench/pauseQuiescence.ts [trials per fleet size, default 8] [paused window seconds, default 30]
 */
const FLEETS = [1, 10, 50];
const TTL_MS = 5000;
const POLL_MS = 1000;
const silent = { info: () => undefined, warn: () => undefined };

async function main(): Promise<void> {
  const trials = Number(process.argv[2] ?? 8);
  const windowSeconds = Number(process.argv[3] ?? 30);
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-'));
  const services = await sandboxUp(dir, () => undefined);
  Object.assign(process.env, awsEnvironment(services.s3));
  const s3 = sandboxS3Client(services.s3);
  const connection = { endpoint: services.s3.endpoint, profile: services.s3.profile };
  const results: Record<string, object> = {};
  try {
    for (const size of FLEETS) {
      const bucket = `quiescence-${size}`;
      await createQueueBucket(services.s3, bucket);
      const seenPausedAt = new Map<QueueWorker, number>();
      const lastClaimAt = { value: 0 };
      const workers = Array.from({ length: size }, (_, i) => {
        const worker = new QueueWorker({ bucket, ...connection, workerId: `bench-${i}`, pauseCacheTtlMs: TTL_MS, pollIntervalMs: POLL_MS, handleSignals: false, log: silent });
        worker.handle('echo', () => sleep(20));
        worker.on('status', (status) => status === 'paused' && seenPausedAt.set(worker, Date.now()));
        worker.on('claimed', (_task, startedAt) => (lastClaimAt.value = Math.max(lastClaimAt.value, startedAt)));
        return worker;
      });
      const running = workers.map((w) => w.run());
      const producer = steadyStream(new QueueClient({ bucket, ...connection }), 5);

      const quiescence: number[] = [];
      const lastClaim: number[] = [];
      let paused: { perWorkerPerMinute: number; byCommand: Record<string, number> } | null = null;
      for (let trial = 0; trial < trials; trial++) {
        // A random phase against the workers' cache refreshes, so the trials sample the whole TTL.
        await sleep(Math.random() * TTL_MS);
        seenPausedAt.clear();
        const body = encodePauseState({ pausedAt: new Date(), pausedBy: 'bench', reason: null, resumeAt: null });
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: GLOBAL_PAUSE_KEY, Body: body, IfNoneMatch: '*' }));
        const writtenAt = Date.now();
        await until(() => seenPausedAt.size === size, 'every worker paused');
        quiescence.push(Math.max(...seenPausedAt.values()) - writtenAt);
        lastClaim.push(Math.max(0, lastClaimAt.value - writtenAt));
        if (trial === 0) paused = await requestsWhilePaused(workers, windowSeconds);
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: GLOBAL_PAUSE_KEY }));
        await until(() => workers.every((w) => w.status !== 'paused'), 'every worker running again');
      }
      producer.stop();
      for (const worker of workers) worker.stop();
      await Promise.all([...running, producer.done]);
      results[`${size} workers`] = { quiescence: summarize(quiescence), lastClaimAfterPause: summarize(lastClaim), paused };
      console.error(`${size} workers: ${JSON.stringify(results[`${size} workers`])}`);
    }
  } finally {
    s3.destroy();
    await sandboxDown(dir, () => undefined);
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const report = { measuredAt: new Date().toISOString(), trials, ttlMs: TTL_MS, pollIntervalMs: POLL_MS, pausedWindowSeconds: windowSeconds, unit: 'ms', results };
  writeFileSync(join(__dirname, 'results', 'pauseQuiescence.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`TTL ${TTL_MS / 1000} s, poll ${POLL_MS / 1000} s, ${trials} pauses per fleet\n`);
  console.log('| workers | quiescence median ms | p90 ms | max ms | S3 requests / worker / min while paused |\n|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results) as Array<[string, { quiescence: ReturnType<typeof summarize>; paused: { perWorkerPerMinute: number } }]>) {
    console.log(`| ${name.split(' ')[0]} | ${r.quiescence.median.toFixed(0)} | ${r.quiescence.p90.toFixed(0)} | ${r.quiescence.max.toFixed(0)} | ${r.paused.perWorkerPerMinute.toFixed(1)} |`);
  }
}

/**
 * Every worker is paused: the S3 requests each sends per minute, from the spacing of its
 * requests. A count over exactly `seconds` undercounts: the window opens at the pause read that
 * saw the pause, a worker's heartbeat timer is in step with its pause reads (both start with the
 * worker, 10 s = 2 TTLs), and each loop runs a little over its period (the sleep restarts after
 * the request), so the 12th read lands just after the window closes, and so does the 6th
 * heartbeat when the pause was seen just after one.
 */
async function requestsWhilePaused(workers: QueueWorker[], seconds: number): Promise<{ perWorkerPerMinute: number; byCommand: Record<string, number> }> {
  const SAMPLE_MS = 50;
  const seen = workers.map((w) => w.requestCounts());
  const sentAt = workers.map(() => new Map<string, number[]>());
  const openedAt = performance.now();
  while (performance.now() - openedAt < seconds * 1000) {
    await sleep(SAMPLE_MS);
    const at = performance.now();
    workers.forEach((worker, i) => {
      for (const [command, n] of Object.entries(worker.requestCounts())) {
        const fresh = n - (seen[i][command] ?? 0);
        if (fresh <= 0) continue;
        seen[i][command] = n;
        sentAt[i].set(command, [...(sentAt[i].get(command) ?? []), ...Array<number>(fresh).fill(at)]);
      }
    });
  }
  const byCommand: Record<string, number> = {};
  for (const perCommand of sentAt) {
    for (const [command, times] of perCommand) {
      const spanMs = times[times.length - 1] - times[0];
      // n requests span n - 1 intervals; too few to space out, they count over the whole window.
      const perMinute = times.length >= 2 && spanMs > 0 ? ((times.length - 1) * 60_000) / spanMs : (times.length * 60) / seconds;
      byCommand[command] = (byCommand[command] ?? 0) + perMinute / workers.length;
    }
  }
  return { perWorkerPerMinute: Object.values(byCommand).reduce((a, b) => a + b, 0), byCommand };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(what, async () => condition(), timeoutMs, 20);
}

function steadyStream(queue: QueueClient, perSecond: number): { stop(): void; done: Promise<void> } {
  let producing = true;
  const done = (async () => {
    for (let n = 0; producing; n++) {
      await queue.submit('echo', { n });
      await sleep(1000 / perSecond);
    }
    queue.close();
  })();
  return { stop: () => (producing = false), done };
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
