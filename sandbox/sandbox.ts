import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxDir } from './paths';
import { isAlive, stopProcessGroup } from './process';
import { ensurePythonEnv } from './python';
import { createQueueBucket, startS3Server } from './s3Server';
import { readServices, servicesFile, writeServices, type Services } from './services';

export const DEMO_BUCKET = 'demo-queue';
export const SANDBOX_CONNECTION = 'sandbox';

/** Starts every sandbox service (or reuses the running ones) and records them in services.json. */
export async function sandboxUp(dir = sandboxDir(), log: (line: string) => void = console.error): Promise<Services> {
  const running = readServices(dir);
  if (running && isAlive(running.s3.pid)) {
    log(`sandbox: already running (${servicesFile(dir)})`);
    return running;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const python = ensurePythonEnv(log);
  log('sandbox: starting the S3 server (moto) on a free loopback port');
  const s3 = await startS3Server(python, dir);
  await createQueueBucket(s3, DEMO_BUCKET);
  const services: Services = { createdAt: new Date().toISOString(), python, s3 };
  writeServices(services, dir);
  writeSandboxConnections(services, dir);
  log(`sandbox: S3 at ${s3.endpoint} (profile ${s3.profile}), bucket ${DEMO_BUCKET}; services in ${servicesFile(dir)}`);
  return services;
}

export async function sandboxDown(dir = sandboxDir(), log: (line: string) => void = console.error): Promise<void> {
  const services = readServices(dir);
  if (!services) {
    log('sandbox: nothing running');
    return;
  }
  await stopProcessGroup(services.s3.pid);
  rmSync(servicesFile(dir), { force: true });
  log('sandbox: stopped');
}

/** A connections file for the agent and CLI that points at the sandbox through an AWS profile. */
export function sandboxConnectionsFile(dir = sandboxDir()): string {
  return join(dir, 'connections.json');
}

function writeSandboxConnections(services: Services, dir: string): void {
  const file = {
    $schema: '../schemas/connections.schema.json',
    connections: [
      {
        name: SANDBOX_CONNECTION,
        kind: 's3-queue',
        description: 'Local sandbox S3 (moto) started by `npm run sandbox:up`',
        endpoint: services.s3.endpoint,
        region: services.s3.region,
        profile: services.s3.profile,
        buckets: [DEMO_BUCKET],
        pollIntervalSeconds: 1,
      },
    ],
  };
  writeFileSync(sandboxConnectionsFile(dir), `${JSON.stringify(file, null, 2)}\n`);
}
