import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../sandbox/paths';
import { buquetEnvironment } from '../../sandbox/services';
import { services } from './sandboxFixture';

const DRIVER = join(PROJECT_ROOT, 'sandbox', 'buquet_driver.py');

/** Submits tasks with real buquet (Python) and returns their ids. */
export async function buquetSubmit(bucket: string, count: number, taskType = 'echo'): Promise<string[]> {
  const sandbox = services();
  const { stdout } = await promisify(execFile)(sandbox.python.python, [DRIVER, 'submit', '--count', String(count), '--task-type', taskType], {
    env: { ...process.env, ...buquetEnvironment(sandbox.s3, bucket) },
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`buquet submit failed: ${error.stderr?.trim().split('\n').slice(-3).join(' | ') ?? error.message}`);
  });
  return (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ids: string[] }).ids;
}

/** Starts a real buquet.Worker that runs for `seconds` (it registers in workers/ as it starts). */
export function buquetWorker(bucket: string, workerId: string, seconds: number, options: { taskSeconds?: number } = {}): ChildProcess {
  const sandbox = services();
  return spawn(
    sandbox.python.python,
    [DRIVER, 'work', '--worker-id', workerId, '--seconds', String(seconds), '--task-seconds', String(options.taskSeconds ?? 0.01)],
    { env: { ...process.env, ...buquetEnvironment(sandbox.s3, bucket) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
