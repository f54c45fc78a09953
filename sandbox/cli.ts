import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './paths';
import { DEMO_BUCKET, sandboxDown, sandboxEnvironment, sandboxUp } from './sandbox';
import { awsEnvironment, buquetEnvironment, parseServiceList, readServices } from './services';
import { createStore } from '../buquet/client';
import { READY_PREFIX } from '../buquet/layout';
import { listObjects } from '../buquet/objects';

/** Pending tasks the demo queue starts with (the README's example status shows them). */
const DEMO_TASKS = 25;

/**
 * `tsx sandbox/cli.ts up|down|env|demo-tasks`: start or stop the local services, print their
 * environment, or queue demo work. `up` starts S3; `up --with kafka,connect` (or
 * PIPELINE_PAUSE_SANDBOX_SERVICES=kafka,connect) also a Kafka broker and a Connect worker, and adds
 * them to a sandbox that is already running; `--with querator` a Querator server (needs Go);
 * `--with flink` a Flink session cluster and SQL Gateway.
 */
async function main(command: string | undefined, args: string[]): Promise<void> {
  switch (command) {
    case 'up': {
      const flag = args.findIndex((arg) => arg === '--with' || arg.startsWith('--with='));
      const named = flag < 0 ? undefined : args[flag].startsWith('--with=') ? args[flag].slice('--with='.length) : args[flag + 1];
      if (flag >= 0 && !named) throw new Error('usage: sandbox/cli.ts up [--with kafka,connect,querator,flink]');
      await sandboxUp(undefined, undefined, {
        with: [...parseServiceList(process.env.PIPELINE_PAUSE_SANDBOX_SERVICES), ...parseServiceList(named)],
      });
      return;
    }
    case 'down':
      await sandboxDown();
      return;
    case 'demo-tasks': {
      const services = readServices();
      if (!services) throw new Error('the sandbox is not running; start it with `npm run sandbox:up`');
      // Tops the queue up to DEMO_TASKS pending, so a second ./scripts/start shows what the README shows.
      Object.assign(process.env, awsEnvironment(services.s3));
      const store = createStore({ endpoint: services.s3.endpoint, region: services.s3.region, profile: services.s3.profile });
      const missing = DEMO_TASKS - (await listObjects(store, DEMO_BUCKET, READY_PREFIX)).length;
      if (missing <= 0) {
        console.error(`sandbox: ${DEMO_BUCKET} already has ${DEMO_TASKS} or more pending tasks`);
        return;
      }
      const { stdout } = await promisify(execFile)(services.python.python, [join(PROJECT_ROOT, 'sandbox', 'buquet_driver.py'), 'submit', '--count', String(missing)], {
        env: { ...process.env, ...buquetEnvironment(services.s3, DEMO_BUCKET) },
      });
      console.error(`sandbox: buquet submitted ${(JSON.parse(stdout) as { ids: string[] }).ids.length} demo tasks to ${DEMO_BUCKET}`);
      return;
    }
    case 'env': {
      const services = readServices();
      if (!services) throw new Error('the sandbox is not running; start it with `npm run sandbox:up`');
      for (const [key, value] of Object.entries(sandboxEnvironment(services))) console.log(`export ${key}=${value}`);
      return;
    }
    default:
      throw new Error('usage: sandbox/cli.ts up [--with kafka,connect,querator,flink] | down | env | demo-tasks');
  }
}

main(process.argv[2], process.argv.slice(3)).catch((error: Error) => {
  console.error(`sandbox: ${error.message}`);
  process.exit(1);
});
