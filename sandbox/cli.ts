import { sandboxDir } from './paths';
import { sandboxDown, sandboxUp } from './sandbox';
import { awsEnvironment, readServices } from './services';

/** `tsx sandbox/cli.ts up|down|env`: start or stop the local services, or print their environment. */
async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up':
      await sandboxUp();
      return;
    case 'down':
      await sandboxDown();
      return;
    case 'env': {
      const services = readServices();
      if (!services) throw new Error('the sandbox is not running; start it with `npm run sandbox:up`');
      for (const [key, value] of Object.entries(awsEnvironment(services.s3))) console.log(`export ${key}=${value}`);
      console.log(`export PIPELINE_PAUSE_SANDBOX=${sandboxDir()}`);
      return;
    }
    default:
      throw new Error('usage: sandbox/cli.ts up | down | env');
  }
}

main(process.argv[2]).catch((error: Error) => {
  console.error(`sandbox: ${error.message}`);
  process.exit(1);
});
