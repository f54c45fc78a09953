import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDown, sandboxUp } from '../../sandbox/sandbox';
import { parseServiceList, readServices, type ConnectService, type FlinkService, type KafkaService, type OptionalService, type QueratorService, type Services } from '../../sandbox/services';

/**
 * Mocha global fixture: one real sandbox (moto with credential checks) for the whole run,
 * in a temporary directory, unless PIPELINE_PAUSE_SANDBOX names one that is already running.
 *
 * Kafka and Kafka Connect are JVMs that take seconds of CPU to start, so they run only when the
 * run needs them: a test file calls `useSandboxServices('kafka', 'connect')` at its top level
 * (mocha loads every spec file before the global setup runs, so the setup sees the union), and
 * PIPELINE_PAUSE_SANDBOX_SERVICES=kafka,connect adds them by hand. A reused sandbox that lacks a
 * needed service gets it added (and keeps it; `npm run sandbox:down` stops it).
 */
let ownedDir: string | null = null;
const needed = new Set<OptionalService>();

/** Declares, at a spec file's top level, the services beside S3 that its tests use. */
export function useSandboxServices(...names: OptionalService[]): void {
  for (const name of names) needed.add(name);
}

export async function mochaGlobalSetup(): Promise<void> {
  const wanted = [...new Set([...needed, ...parseServiceList(process.env.PIPELINE_PAUSE_SANDBOX_SERVICES)])];
  const log = (line: string) => console.log(`  ${line}`);
  const reused = process.env.PIPELINE_PAUSE_SANDBOX;
  if (reused && readServices(reused)) {
    if (wanted.length > 0) await sandboxUp(reused, log, { with: wanted });
    return;
  }
  ownedDir = mkdtempSync(join(tmpdir(), 'pp-sandbox-'));
  process.env.PIPELINE_PAUSE_SANDBOX = ownedDir;
  await sandboxUp(ownedDir, log, { with: wanted });
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (!ownedDir) return;
  await sandboxDown(ownedDir, () => undefined);
  rmSync(ownedDir, { recursive: true, force: true });
}

export function services(): Services {
  const dir = process.env.PIPELINE_PAUSE_SANDBOX;
  const found = dir ? readServices(dir) : null;
  if (!found) throw new Error('the sandbox fixture did not start; run the integration suite through `npm run test:integration`');
  return found;
}

export function kafkaService(): KafkaService {
  const kafka = services().kafka;
  if (!kafka) throw new Error("the sandbox has no Kafka broker: call useSandboxServices('kafka') at the top of the test file");
  return kafka;
}

export function connectService(): ConnectService {
  const connect = services().connect;
  if (!connect) throw new Error("the sandbox has no Kafka Connect worker: call useSandboxServices('connect') at the top of the test file");
  return connect;
}

export function queratorService(): QueratorService {
  const querator = services().querator;
  if (!querator) throw new Error("the sandbox has no Querator server: call useSandboxServices('querator') at the top of the test file");
  return querator;
}

export function flinkService(): FlinkService {
  const flink = services().flink;
  if (!flink) throw new Error("the sandbox has no Flink cluster: call useSandboxServices('flink') at the top of the test file");
  return flink;
}
