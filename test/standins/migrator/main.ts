import { RelationalMigratorStandIn } from './migratorStandIn';

/**
 * Runs the Relational Migrator stand-in by hand, for trying the extension against it:
 *   npx tsx test/standins/migrator/main.ts [port]     (default 8278, the Migrator's port)
 * It starts with one continuous job in its CDC stage and one in its snapshot stage. Test code only.
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 8278);
  const standIn = await RelationalMigratorStandIn.start({ port });
  const cdc = standIn.submit({ projectId: 'demo' });
  standIn.setStage(String(cdc.id), 'cdc');
  standIn.submit({ projectId: 'demo' });
  console.log(`Relational Migrator STAND-IN (not the real Migrator) at ${standIn.url}/api/v1; stage changes: POST /stand-in/jobs/<id>/stage {"stage":"cdc"|"completing"|"completed"|"failed"}`);
  const stop = () => void standIn.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
