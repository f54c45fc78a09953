import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finishCds, planCds, spawnJvm, stopJvm, waitUntilReady, type Jdk } from './jvm';
import { gcFlags, log4j2Properties } from './kafka';
import type { KafkaDistribution } from './kafkaDist';
import { freePort } from './process';
import type { ConnectService } from './services';

/**
 * A Kafka Connect worker in distributed mode (org.apache.kafka.connect.cli.ConnectDistributed),
 * REST on a free loopback port, JSON converters without schemas, its config / offset / status
 * topics with replication factor 1, and the file connectors loaded from plugin.path.
 */
export const CONNECT_JVM_FLAGS = ['-Xmx384m', '-Xms64m', ...gcFlags()];
export const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
export const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const READY_TIMEOUT_MS = 150_000;

const GROUP_ID = 'pipeline-pause-sandbox-connect';
const TOPICS = { configTopic: 'connect-configs', offsetTopic: 'connect-offsets', statusTopic: 'connect-status' };

export function workerProperties(options: { bootstrap: string; port: number; pluginPath: string }): string {
  const properties: Record<string, string | number> = {
    'bootstrap.servers': options.bootstrap,
    'group.id': GROUP_ID,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter.schemas.enable': 'false',
    'config.storage.topic': TOPICS.configTopic,
    'offset.storage.topic': TOPICS.offsetTopic,
    'status.storage.topic': TOPICS.statusTopic,
    'config.storage.replication.factor': 1,
    'offset.storage.replication.factor': 1,
    'status.storage.replication.factor': 1,
    'offset.storage.partitions': 1,
    'status.storage.partitions': 1,
    // Source offsets are committed every second (default 60 s), so tests see them soon.
    'offset.flush.interval.ms': 1000,
    // With one worker, a restarted worker gets its connectors back at once instead of after 5 minutes.
    'scheduled.rebalance.max.delay.ms': 0,
    listeners: `http://127.0.0.1:${options.port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': options.port,
    'plugin.path': options.pluginPath,
    // Plugins are found from their META-INF/services manifests, without a reflective classpath scan.
    'plugin.discovery': 'service_load',
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * Launches the worker and resolves once GET / names our cluster, GET /connector-plugins lists the
 * file connectors and GET /health says startup is complete. It may be launched while the broker is
 * still starting (it waits for the cluster), which overlaps the two JVMs' start-up.
 */
export async function startConnect(
  dist: KafkaDistribution,
  jdk: Jdk,
  options: { sandbox: string; logsDir: string; bootstrap: string; clusterId: string; signal?: AbortSignal },
): Promise<ConnectService> {
  const dir = join(options.sandbox, 'connect');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(options.logsDir, { recursive: true });
  const port = await freePort();
  const configFile = join(dir, 'worker.properties');
  const log4jFile = join(dir, 'log4j2.properties');
  writeFileSync(configFile, workerProperties({ bootstrap: options.bootstrap, port, pluginPath: dist.pluginPath }));
  writeFileSync(log4jFile, log4j2Properties());
  const logFile = join(options.logsDir, 'connect.log');
  const cds = planCds(dist.dir, 'connect', jdk, { dump: true });
  const pid = spawnJvm({
    jdk,
    classpath: dist.classpath,
    mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
    args: [configFile],
    jvmFlags: [...CONNECT_JVM_FLAGS, `-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${options.logsDir}`, ...cds.flags],
    logFile,
    cwd: dir,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(() => workerReady(url, options.clusterId), {
      pid,
      timeoutMs: READY_TIMEOUT_MS,
      what: `the Kafka Connect worker (${url})`,
      logFile,
      intervalMs: 250,
      signal: options.signal,
    });
  } catch (error) {
    finishCds(cds.dumpFile, false);
    await stopJvm(pid, 5000);
    throw error;
  }
  return {
    version: dist.version,
    url,
    port,
    groupId: GROUP_ID,
    ...TOPICS,
    pluginPath: dist.pluginPath,
    pid,
    logFile,
    configFile,
    ...(cds.dumpFile ? { cdsDumpFile: cds.dumpFile } : {}),
  };
}

async function workerReady(url: string, clusterId: string): Promise<boolean> {
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: response.status === 200 ? ((await response.json()) as unknown) : await response.text() };
  };
  const root = await get('/');
  if (root.status !== 200 || (root.body as { kafka_cluster_id?: string }).kafka_cluster_id !== clusterId) return false;
  const plugins = await get('/connector-plugins');
  if (plugins.status !== 200) return false;
  const classes = (plugins.body as Array<{ class: string }>).map((plugin) => plugin.class);
  if (!classes.includes(FILE_SOURCE) || !classes.includes(FILE_SINK)) return false;
  return (await get('/health')).status === 200;
}

export async function stopConnect(connect: ConnectService): Promise<void> {
  const clean = await stopJvm(connect.pid, connect.cdsDumpFile ? 60_000 : 20_000);
  finishCds(connect.cdsDumpFile, clean);
}
