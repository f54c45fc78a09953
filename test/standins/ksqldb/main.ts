import { parseArgs } from 'node:util';
import { KsqlDbStandIn } from './server';

/**
 * One ksqlDB stand-in server as its own process, so that what takes a URL (the live suite,
 * curl, the ksql CLI's REST calls) can be pointed at it. Test code only, never shipped:
 *
 *   npx tsx test/standins/ksqldb/main.ts --bootstrap 127.0.0.1:9092 [--port 8088]
 *     [--service-id pp_standin] [--version 0.29.0] [--peer http://127.0.0.1:8089 ...]
 *
 * Prints one line `ksqlDB stand-in ready at <url> ...` once it answers, and stops cleanly
 * (its consumers leave their groups) on SIGINT or SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bootstrap: { type: 'string' },
      port: { type: 'string', default: '0' },
      'service-id': { type: 'string', default: 'pp_standin' },
      version: { type: 'string' },
      peer: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const bootstrap = values.bootstrap ?? process.env.KSQLDB_KAFKA_BOOTSTRAP;
  if (!bootstrap) throw new Error('usage: main.ts --bootstrap host:port [--port N] [--service-id id] [--version v] [--peer url ...]');
  const standIn = await KsqlDbStandIn.start({ bootstrap, serviceId: values['service-id'], port: Number(values.port), version: values.version, peers: values.peer });
  console.log(`ksqlDB stand-in ready at ${standIn.url} (service id ${standIn.serviceId}, Kafka at ${bootstrap})`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    standIn.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`ksqlDB stand-in: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`ksqlDB stand-in: ${error.message}`);
  process.exit(1);
});
