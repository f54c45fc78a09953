import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueClient, QueueWorker, type WorkerLogger } from '../../worker';
import type { S3Service } from '../services';
import { DEMO, demoFiles } from './pipeline';

/** What the demo workers say stays out of the agent's log, the one thing start prints. */
const quiet: WorkerLogger = { info: () => undefined, warn: () => undefined };

/**
 * The demo's data, flowing until close(): clicks appended to the file the Connect source tails,
 * a thumbnail task submitted to the buquet queue every 1.5 s and run by two Node workers (about
 * a second each, so pausing the queue lets the backlog grow), and Querator items produced and
 * consumed through the agent's gateway. Every loop survives its backend being paused or down.
 */
export class DemoTraffic {
  private readonly stopping = new AbortController();
  private readonly workers: QueueWorker[];
  private readonly queue: QueueClient;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: { sandbox: string; s3: S3Service; queratorGateway: string; log: (line: string) => void }) {
    const s3 = { bucket: DEMO.bucket, endpoint: options.s3.endpoint, region: options.s3.region, profile: options.s3.profile };
    this.queue = new QueueClient(s3);
    this.workers = [1, 2].map((n) =>
      new QueueWorker({ ...s3, workerId: `demo-worker-${n}`, handleSignals: false, log: quiet, pauseCacheTtlMs: 1000 }).handle('thumbnail', () => sleep(1000, 'done')),
    );
  }

  start(): void {
    // A worker that cannot start (the S3 server gone, say) is reported; the rest of the demo goes on.
    for (const worker of this.workers) this.loops.push(worker.run().catch((error: Error) => this.options.log(`demo: a queue worker stopped: ${error.message}`)));
    const files = demoFiles(this.options.sandbox);
    let click = 0;
    let task = 0;
    let item = 0;
    this.every(1000, () => appendFile(files.clicks, `${JSON.stringify({ click: ++click, page: `/products/${click % 7}`, at: new Date().toISOString() })}\n`));
    this.every(1500, () => this.queue.submit('thumbnail', { image: `photo-${++task}.jpg` }).then(() => undefined));
    this.every(1000, () => this.gateway('/v1/queue.produce', { queue_name: DEMO.queratorQueue, request_timeout: '10s', items: [{ utf8: `job-${++item}` }] }));
    this.every(0, () => this.consumeOnce());
  }

  async close(): Promise<void> {
    this.stopping.abort();
    for (const worker of this.workers) worker.stop();
    await Promise.allSettled(this.loops);
    this.queue.close();
  }

  /** Runs `step` again `ms` after each run ends; a failing step (a paused or stopped backend) waits and goes on. */
  private every(ms: number, step: () => Promise<unknown>): void {
    const signal = this.stopping.signal;
    this.loops.push(
      (async () => {
        while (!signal.aborted) {
          const failed = await step().then(() => false, () => true);
          await sleep(failed ? Math.max(ms, 1000) : ms, undefined, { signal }).catch(() => undefined);
        }
      })(),
    );
  }

  private async consumeOnce(): Promise<void> {
    const leased = (await this.gateway('/v1/queue.lease', { queue_name: DEMO.queratorQueue, batch_size: 5, client_id: 'demo-consumer', request_timeout: '5s' })) as { partition?: number; items?: Array<{ id: string }> };
    if (!leased.items?.length) return;
    await sleep(500, undefined, { signal: this.stopping.signal });
    await this.gateway('/v1/queue.complete', { queue_name: DEMO.queratorQueue, partition: leased.partition ?? 0, request_timeout: '10s', ids: leased.items.map((leasedItem) => leasedItem.id) });
  }

  private async gateway(path: string, body: object): Promise<unknown> {
    const response = await fetch(`${this.options.queratorGateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(15_000)]),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }
}
