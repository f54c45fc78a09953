import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { finishCds, planCds, runJvm, spawnJvm, stopJvm, waitUntilReady, type Jdk } from './jvm';
import type { KafkaDistribution } from './kafkaDist';
import { freePort } from './process';
import type { KafkaService } from './services';

/**
 * A single-node Kafka in KRaft mode: one JVM that is both broker and controller, on free
 * loopback ports, its log in <sandbox>/kafka/data (formatted afresh at every start, with a new
 * cluster id), auto topic creation off (tests create their topics, as production clusters expect),
 * replication factor 1 and a single partition for every internal topic so groups form at once.
 */
export const KAFKA_JVM_FLAGS = ['-Xmx512m', '-Xms64m', ...gcFlags()];
const READY_TIMEOUT_MS = 120_000;

export function gcFlags(): string[] {
  // Kafka's own defaults from kafka-run-class.sh.
  return ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true'];
}

export interface KafkaPlan {
  dir: string;
  port: number;
  controllerPort: number;
  bootstrap: string;
  clusterId: string;
  proxied: ProxiedListener;
}

/**
 * A second client listener that advertises a port nobody listens on yet: a client bootstrapped
 * there is told to reach the broker at `advertisedPort` again, so a test that puts a TCP proxy on
 * that port (forwarding to `brokerPort`) sees every request of that client, metadata included.
 * A proxy on the plain listener would be bypassed after the first metadata answer.
 */
export interface ProxiedListener {
  brokerPort: number;
  advertisedPort: number;
}

/** Ports and cluster id first, so a Connect worker can be launched before the broker is up. */
export async function planKafka(sandbox: string): Promise<KafkaPlan> {
  const [port, controllerPort, brokerPort, advertisedPort] = await distinctFreePorts(4);
  return { dir: join(sandbox, 'kafka'), port, controllerPort, bootstrap: `127.0.0.1:${port}`, clusterId: newClusterId(), proxied: { brokerPort, advertisedPort } };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** What `kafka-storage.sh random-uuid` prints: 16 random bytes in URL-safe base64 without padding. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function serverProperties(plan: KafkaPlan, dataDir: string): string {
  const properties: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${plan.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${plan.port},PROXIED://127.0.0.1:${plan.proxied.brokerPort},CONTROLLER://127.0.0.1:${plan.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${plan.port},PROXIED://127.0.0.1:${plan.proxied.advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT',
    'log.dirs': dataDir,
    'auto.create.topics.enable': 'false',
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'share.coordinator.state.topic.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** log4j2 for a sandbox JVM: INFO to stdout (the log file), without the long config dumps. */
export function log4j2Properties(): string {
  const quiet = [
    'org.apache.kafka.common.config.AbstractConfig',
    'org.apache.kafka.common.utils.AppInfoParser',
    'org.apache.kafka.common.metrics',
    'org.apache.kafka.common.telemetry',
    'org.apache.kafka.connect.runtime.isolation',
    'kafka.utils.Log4jControllerRegistration$',
  ];
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.out.ref = OUT',
    ...quiet.flatMap((name, index) => [`logger.q${index}.name = ${name}`, `logger.q${index}.level = WARN`]),
    '',
  ].join('\n');
}

/** Formats the storage and launches the broker; resolves once a metadata request succeeds. */
export async function startKafka(dist: KafkaDistribution, jdk: Jdk, plan: KafkaPlan, logsDir: string): Promise<KafkaService> {
  rmSync(plan.dir, { recursive: true, force: true });
  const dataDir = join(plan.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const configFile = join(plan.dir, 'server.properties');
  const log4jFile = join(plan.dir, 'log4j2.properties');
  writeFileSync(configFile, serverProperties(plan, dataDir));
  writeFileSync(log4jFile, log4j2Properties());
  const logFile = join(logsDir, 'kafka.log');
  const common = [`-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${logsDir}`];

  // kafka-storage.sh format: a short JVM that shares the broker's class-data archive when there is one.
  const formatCds = planCds(dist.dir, 'kafka', jdk, { dump: false });
  await runJvm({
    jdk,
    classpath: dist.classpath,
    mainClass: 'kafka.tools.StorageTool',
    args: ['format', '--cluster-id', plan.clusterId, '--config', configFile],
    jvmFlags: ['-Xmx256m', '-XX:TieredStopAtLevel=1', ...common, ...formatCds.flags],
  });

  const cds = planCds(dist.dir, 'kafka', jdk, { dump: true });
  const pid = spawnJvm({ jdk, classpath: dist.classpath, mainClass: 'kafka.Kafka', args: [configFile], jvmFlags: [...KAFKA_JVM_FLAGS, ...common, ...cds.flags], logFile, cwd: plan.dir });
  try {
    await waitUntilReady(() => brokerAnswers(plan.bootstrap, plan.clusterId), {
      pid,
      timeoutMs: READY_TIMEOUT_MS,
      what: `the Kafka broker (${plan.bootstrap})`,
      logFile,
      intervalMs: 250,
    });
  } catch (error) {
    finishCds(cds.dumpFile, false);
    await stopJvm(pid, 5000);
    throw error;
  }
  return {
    version: dist.version,
    bootstrap: plan.bootstrap,
    port: plan.port,
    controllerPort: plan.controllerPort,
    proxied: plan.proxied,
    clusterId: plan.clusterId,
    pid,
    logFile,
    dataDir,
    configFile,
    ...(cds.dumpFile ? { cdsDumpFile: cds.dumpFile } : {}),
  };
}

/** Ready: the broker answers a metadata request (describe cluster + list topics) for our cluster. */
async function brokerAnswers(bootstrap: string, clusterId: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'pipeline-pause-sandbox',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.clusterId === clusterId && cluster.brokers.length === 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Stops the broker (after Connect: a worker whose broker is gone takes a long time to stop). */
export async function stopKafka(kafka: KafkaService): Promise<void> {
  const clean = await stopJvm(kafka.pid, kafka.cdsDumpFile ? 60_000 : 20_000);
  finishCds(kafka.cdsDumpFile, clean);
}
