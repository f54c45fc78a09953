import { QueueWorker } from '../../worker';

/**
 * A Node worker as its own process (run with `node --require tsx/cjs`), for what only a process
 * can show: how it ends on SIGTERM. Configured by BUCKET, S3_ENDPOINT, WORKER_ID and the AWS profile.
 */
const worker = new QueueWorker({
  bucket: process.env.BUCKET ?? '',
  endpoint: process.env.S3_ENDPOINT,
  workerId: process.env.WORKER_ID,
  pauseCacheTtlMs: 200,
  pollIntervalMs: 100,
});
worker.handle('echo', () => 'ok');
void worker.run();
