import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConnect, stopConnect } from './connect';
import { findJdk, rssMiB } from './jvm';
import { planKafka, startKafka, stopKafka } from './kafka';
import { ensureKafkaDistribution } from './kafkaDist';
import { sandboxDir } from './paths';
import { isAlive, stopProcessGroup } from './process';
import { ensurePythonEnv } from './python';
import { launchFlink, stopFlink } from './flink';
import { launchQuerator, stopQuerator } from './querator';
import { createQueueBucket, startS3Server } from './s3Server';
import { awsEnvironment, readServices, servicesFile, writeServices, type ConnectService, type FlinkService, type KafkaService, type OptionalService, type QueratorService, type S3Service, type Services } from './services';

export const DEMO_BUCKET = 'demo-queue';
export const SANDBOX_CONNECTION = 'sandbox';

export interface SandboxOptions {
  /** Services to run beside S3 (which always runs); `connect` brings `kafka` along. */
  with?: OptionalService[];
}

type Log = (line: string) => void;

/**
 * Starts the sandbox (or reuses the running one) and records it in services.json. S3 always runs;
 * Kafka and Connect run when asked for. A running sandbox gets the services it lacks added, and
 * the ones recorded but dead (a crashed JVM) started again.
 */
export async function sandboxUp(dir = sandboxDir(), log: Log = console.error, options: SandboxOptions = {}): Promise<Services> {
  const requested = new Set(options.with ?? []);
  if (requested.has('connect')) requested.add('kafka');
  if (requested.has('kafka') || requested.has('flink')) findJdk(); // no JDK: say so before starting anything
  const running = readServices(dir);
  if (running && isAlive(running.s3.pid)) return extendRunning(running, requested, dir, log);
  if (running) await Promise.all([stopJvmServices(running), stopStandalone(running)]); // S3 died: whatever is left of that sandbox goes too
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  // The JVMs start while moto does; everything started is stopped again if anything fails.
  const jvm = requested.has('kafka') ? startJvmServices(dir, log, { kafka: 'start', connect: requested.has('connect') }) : Promise.resolve({});
  jvm.catch(() => undefined); // awaited below; a rejection while S3 starts is not unhandled
  const standalone = startStandalone(dir, log, { querator: requested.has('querator'), flink: requested.has('flink') });
  standalone.catch(() => undefined);
  let s3: S3Service | undefined;
  try {
    const python = await ensurePythonEnv(log);
    log('sandbox: starting the S3 server (moto) on a free loopback port');
    s3 = await startS3Server(python, dir);
    await createQueueBucket(s3, DEMO_BUCKET);
    const added = await jvm;
    const services: Services = { createdAt: new Date().toISOString(), python, s3, ...added, ...(await standalone) };
    writeServices(services, dir);
    writeSandboxConnections(services, dir);
    log(`sandbox: S3 at ${s3.endpoint} (profile ${s3.profile}), bucket ${DEMO_BUCKET}; services in ${servicesFile(dir)}`);
    return services;
  } catch (error) {
    await jvm.then((added) => stopJvmServices(added), () => undefined);
    await standalone.then(stopStandalone, () => undefined);
    if (s3) await stopProcessGroup(s3.pid);
    throw error;
  }
}

async function extendRunning(running: Services, requested: Set<OptionalService>, dir: string, log: Log): Promise<Services> {
  const kafkaUp = running.kafka !== undefined && isAlive(running.kafka.pid);
  const connectUp = running.connect !== undefined && isAlive(running.connect.pid);
  const restartKafka = (requested.has('kafka') || running.kafka !== undefined) && !kafkaUp;
  // A worker whose broker was replaced points at a dead address: it is replaced too.
  const restartConnect = (requested.has('connect') || running.connect !== undefined) && (!connectUp || restartKafka);
  const restartQuerator = (requested.has('querator') || running.querator !== undefined) && !(running.querator && isAlive(running.querator.pid));
  const restartFlink = (requested.has('flink') || running.flink !== undefined) && !(running.flink && flinkAlive(running.flink));
  if (!restartKafka && !restartConnect && !restartQuerator && !restartFlink) {
    log(`sandbox: already running (${servicesFile(dir)})`);
    return running;
  }
  if (running.connect && connectUp && restartConnect) await stopConnect(running.connect);
  if (running.flink && restartFlink) await stopFlink(running.flink); // a part of it died: all of it starts again
  const standalone = startStandalone(dir, log, { querator: restartQuerator, flink: restartFlink });
  standalone.catch(() => undefined);
  const added = restartKafka || restartConnect ? await startJvmServices(dir, log, { kafka: restartKafka ? 'start' : running.kafka!, connect: restartConnect }) : {};
  const services: Services = { ...running, ...added, ...(await standalone) };
  writeServices(services, dir);
  log(`sandbox: running (${servicesFile(dir)})`);
  return services;
}

/**
 * Kafka (formatted afresh) and/or a Connect worker. The worker is launched right after the broker
 * and finds the cluster on its own, so the two JVMs start up side by side.
 */
async function startJvmServices(
  dir: string,
  log: Log,
  what: { kafka: 'start' | KafkaService; connect: boolean },
): Promise<{ kafka?: KafkaService; connect?: ConnectService }> {
  const jdk = findJdk();
  const dist = await ensureKafkaDistribution(log);
  const logsDir = join(dir, 'logs');
  const started = Date.now();
  const plan = what.kafka === 'start' ? await planKafka(dir) : null;
  const target = plan ?? (what.kafka as KafkaService);
  const abort = new AbortController();
  if (plan) log(`sandbox: starting Kafka ${dist.version} (KRaft broker + controller) at ${plan.bootstrap}${what.connect ? ' and a Kafka Connect worker' : ''}`);
  else if (what.connect) log(`sandbox: starting a Kafka Connect worker for ${target.bootstrap}`);
  const kafka = plan
    ? startKafka(dist, jdk, plan, logsDir).then(
        (service) => {
          log(`sandbox: Kafka broker ready at ${service.bootstrap} in ${seconds(started)} (RSS ${rssMiB(service.pid) ?? '?'} MiB)`);
          return service;
        },
        (error: unknown) => {
          abort.abort('the Kafka broker did not start');
          throw error;
        },
      )
    : undefined;
  const connect = what.connect
    ? startConnect(dist, jdk, { sandbox: dir, logsDir, bootstrap: target.bootstrap, clusterId: target.clusterId, signal: abort.signal }).then((service) => {
        log(`sandbox: Kafka Connect ready at ${service.url} in ${seconds(started)} (RSS ${rssMiB(service.pid) ?? '?'} MiB)`);
        return service;
      })
    : undefined;
  const [kafkaResult, connectResult] = await Promise.allSettled([kafka, connect]);
  const result = {
    ...(kafkaResult.status === 'fulfilled' && kafkaResult.value ? { kafka: kafkaResult.value } : {}),
    ...(connectResult.status === 'fulfilled' && connectResult.value ? { connect: connectResult.value } : {}),
  };
  const failure = [kafkaResult, connectResult].find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failure) {
    await stopJvmServices(result);
    throw failure.reason;
  }
  return result;
}

/** Services that need neither Kafka nor each other: Querator and Flink start side by side. */
async function startStandalone(dir: string, log: Log, what: { querator: boolean; flink: boolean }): Promise<{ querator?: QueratorService; flink?: FlinkService }> {
  const [querator, flink] = await Promise.allSettled([what.querator ? launchQuerator(dir, log) : undefined, what.flink ? launchFlink(dir, log) : undefined]);
  const started = {
    ...(querator.status === 'fulfilled' && querator.value ? { querator: querator.value } : {}),
    ...(flink.status === 'fulfilled' && flink.value ? { flink: flink.value } : {}),
  };
  const failure = [querator, flink].find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failure) {
    await stopStandalone(started);
    throw failure.reason;
  }
  return started;
}

async function stopStandalone(services: { querator?: QueratorService; flink?: FlinkService }): Promise<void> {
  await Promise.all([services.querator && stopQuerator(services.querator), services.flink && stopFlink(services.flink)]);
}

function flinkAlive(flink: FlinkService): boolean {
  return [flink.jobManagerPid, flink.taskManagerPid, flink.gatewayPid].every(isAlive);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

/** Connect first: a worker whose broker is already gone waits a long time before it exits. */
async function stopJvmServices(services: { kafka?: KafkaService; connect?: ConnectService }): Promise<void> {
  if (services.connect) await stopConnect(services.connect);
  if (services.kafka) await stopKafka(services.kafka);
}

/** Stops everything services.json records: Connect, Kafka, S3. */
export async function sandboxDown(dir = sandboxDir(), log: Log = console.error): Promise<void> {
  const services = readServices(dir);
  if (!services) {
    log('sandbox: nothing running');
    return;
  }
  await Promise.all([stopJvmServices(services), stopProcessGroup(services.s3.pid), stopStandalone(services)]);
  rmSync(servicesFile(dir), { force: true });
  log('sandbox: stopped');
}

/** A connections file for the agent and CLI that points at the sandbox through an AWS profile. */
/** What a shell needs to reach the sandbox: its AWS profile, the agent's home and connections, each service's address. */
export function sandboxEnvironment(services: Services, dir = sandboxDir()): Record<string, string> {
  return {
    ...awsEnvironment(services.s3),
    PIPELINE_PAUSE_SANDBOX: dir,
    PIPELINE_PAUSE_HOME: join(dir, 'home'),
    PIPELINE_PAUSE_CONNECTIONS: sandboxConnectionsFile(dir),
    ...(services.kafka ? { PIPELINE_PAUSE_KAFKA_BOOTSTRAP: services.kafka.bootstrap } : {}),
    ...(services.connect ? { PIPELINE_PAUSE_CONNECT_URL: services.connect.url } : {}),
    ...(services.querator ? { PIPELINE_PAUSE_QUERATOR_ENDPOINT: services.querator.endpoint } : {}),
    ...(services.flink ? { PIPELINE_PAUSE_FLINK_URL: services.flink.restUrl, PIPELINE_PAUSE_FLINK_GATEWAY_URL: services.flink.gatewayUrl } : {}),
  };
}

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
