import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findJdk, rssMiB, spawnJvm, stopJvm, waitUntilReady, type Jdk } from './jvm';
import { gcFlags, log4j2Properties } from './kafka';
import { ensureFlinkDistribution, type FlinkDistribution } from './flinkDist';
import { freePort } from './process';
import type { FlinkService } from './services';

/**
 * A Flink session cluster (one JobManager, one TaskManager with 4 slots) and a SQL Gateway that
 * submits to it, on free loopback ports, with checkpoints and savepoints under the sandbox so a
 * stop-with-savepoint leaves a path a resume can restore from.
 */
const READY_TIMEOUT_MS = 150_000;
const TASK_SLOTS = 4;

interface FlinkPlan {
  dir: string;
  rpcPort: number;
  restPort: number;
  gatewayPort: number;
  checkpointDir: string;
  savepointDir: string;
}

/**
 * Flink's config.yaml in its flat form. Flink's shell scripts work out the TaskManager's memory
 * split before starting it; started from the jars, every part must be given.
 */
export function flinkConfig(plan: FlinkPlan): string {
  const options: Record<string, string | number> = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': plan.rpcPort,
    'jobmanager.bind-host': '127.0.0.1',
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.numberOfTaskSlots': TASK_SLOTS,
    'taskmanager.cpu.cores': TASK_SLOTS,
    'taskmanager.memory.framework.heap.size': '128m',
    'taskmanager.memory.framework.off-heap.size': '128m',
    'taskmanager.memory.task.heap.size': '384m',
    'taskmanager.memory.task.off-heap.size': '0m',
    'taskmanager.memory.managed.size': '128m',
    'taskmanager.memory.network.min': '64m',
    'taskmanager.memory.network.max': '64m',
    'taskmanager.memory.jvm-metaspace.size': '256m',
    'taskmanager.memory.jvm-overhead.min': '192m',
    'taskmanager.memory.jvm-overhead.max': '192m',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': plan.restPort,
    'sql-gateway.endpoint.rest.address': '127.0.0.1',
    'sql-gateway.endpoint.rest.bind-address': '127.0.0.1',
    'sql-gateway.endpoint.rest.port': plan.gatewayPort,
    'execution.target': 'remote',
    // Kafka sources commit their offsets on checkpoints: without them a job shows no lag.
    'execution.checkpointing.interval': '2s',
    'execution.checkpointing.dir': `file://${plan.checkpointDir}`,
    'execution.checkpointing.savepoint-dir': `file://${plan.savepointDir}`,
    'parallelism.default': 1,
  };
  return `${Object.entries(options)
    .map(([key, value]) => `${key}: ${typeof value === 'number' ? value : JSON.stringify(value)}`)
    .join('\n')}\n`;
}

/** JVM sizes matching the config's memory split (the scripts pass these on the command line). */
const JOBMANAGER_FLAGS = ['-Xmx512m', '-Xms128m', '-XX:MaxMetaspaceSize=256m', ...gcFlags()];
const TASKMANAGER_FLAGS = ['-Xmx512m', '-Xms512m', '-XX:MaxDirectMemorySize=192m', '-XX:MaxMetaspaceSize=256m', ...gcFlags()];
const GATEWAY_FLAGS = ['-Xmx384m', '-Xms64m', ...gcFlags()];

async function planFlink(sandbox: string): Promise<FlinkPlan> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [rpcPort, restPort, gatewayPort] = [...ports];
  const dir = join(sandbox, 'flink');
  return { dir, rpcPort, restPort, gatewayPort, checkpointDir: join(dir, 'checkpoints'), savepointDir: join(dir, 'savepoints') };
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

export async function startFlink(dist: FlinkDistribution, jdk: Jdk, sandbox: string, logsDir: string): Promise<FlinkService> {
  const plan = await planFlink(sandbox);
  rmSync(plan.dir, { recursive: true, force: true });
  const confDir = join(plan.dir, 'conf');
  for (const folder of [confDir, plan.checkpointDir, plan.savepointDir, logsDir]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(confDir, 'config.yaml'), flinkConfig(plan));
  const log4jFile = join(confDir, 'log4j2.properties');
  writeFileSync(log4jFile, log4j2Properties());
  // Flink's temporary files (web uploads, blobs) stay inside the sandbox.
  const common = [`-Dlog4j2.configurationFile=${log4jFile}`, `-Djava.io.tmpdir=${plan.dir}`];
  const restUrl = `http://127.0.0.1:${plan.restPort}`;
  const gatewayUrl = `http://127.0.0.1:${plan.gatewayPort}`;
  const logFiles = { jobManager: join(logsDir, 'flink-jobmanager.log'), taskManager: join(logsDir, 'flink-taskmanager.log'), gateway: join(logsDir, 'flink-sql-gateway.log') };
  const launch = (mainClass: string, flags: string[], logFile: string, args: string[] = ['--configDir', confDir]) =>
    spawnJvm({ jdk, classpath: dist.classpath, mainClass, args, jvmFlags: [...flags, ...common], logFile, cwd: plan.dir });

  const pids: number[] = [];
  try {
    const jobManagerPid = launch('org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', JOBMANAGER_FLAGS, logFiles.jobManager);
    pids.push(jobManagerPid);
    // The TaskManager retries until the JobManager's RPC port answers, so the two start side by side.
    const taskManagerPid = launch('org.apache.flink.runtime.taskexecutor.TaskManagerRunner', TASKMANAGER_FLAGS, logFiles.taskManager);
    pids.push(taskManagerPid);
    await waitUntilReady(async () => ((await getJson(`${restUrl}/overview`)) as { 'slots-total'?: number })['slots-total'] === TASK_SLOTS, {
      pid: taskManagerPid,
      timeoutMs: READY_TIMEOUT_MS,
      what: `the Flink cluster (${restUrl})`,
      logFile: logFiles.taskManager,
      intervalMs: 500,
    });
    const gatewayPid = spawnJvm({
      jdk,
      classpath: dist.classpath,
      mainClass: 'org.apache.flink.table.gateway.SqlGateway',
      args: [],
      jvmFlags: [...GATEWAY_FLAGS, ...common],
      logFile: logFiles.gateway,
      cwd: plan.dir,
      env: { FLINK_CONF_DIR: confDir },
    });
    pids.push(gatewayPid);
    await waitUntilReady(async () => Boolean(((await getJson(`${gatewayUrl}/v1/info`)) as { version?: string }).version), {
      pid: gatewayPid,
      timeoutMs: READY_TIMEOUT_MS,
      what: `the Flink SQL Gateway (${gatewayUrl})`,
      logFile: logFiles.gateway,
      intervalMs: 500,
    });
    return {
      version: dist.version,
      restUrl,
      gatewayUrl,
      jobManagerPid,
      taskManagerPid,
      gatewayPid,
      checkpointDir: plan.checkpointDir,
      savepointDir: plan.savepointDir,
      configDir: confDir,
      logFiles,
    };
  } catch (error) {
    await Promise.all(pids.map((pid) => stopJvm(pid, 5000)));
    throw error;
  }
}

/** Gateway first, so it submits nothing more; then the TaskManager and the JobManager. */
export async function stopFlink(flink: FlinkService): Promise<void> {
  await stopJvm(flink.gatewayPid, 10_000);
  await stopJvm(flink.taskManagerPid, 15_000);
  await stopJvm(flink.jobManagerPid, 15_000);
}

/** Download (once) and start, with the sandbox's log lines. */
export async function launchFlink(sandbox: string, log: (line: string) => void): Promise<FlinkService> {
  const jdk = findJdk();
  const dist = await ensureFlinkDistribution(log);
  const started = Date.now();
  log(`sandbox: starting a Flink ${dist.version} session cluster and SQL Gateway`);
  const service = await startFlink(dist, jdk, sandbox, join(sandbox, 'logs'));
  const rss = [service.jobManagerPid, service.taskManagerPid, service.gatewayPid].map((pid) => rssMiB(pid) ?? 0).reduce((a, b) => a + b, 0);
  log(`sandbox: Flink ready at ${service.restUrl}, SQL Gateway at ${service.gatewayUrl}, in ${((Date.now() - started) / 1000).toFixed(1)}s (RSS ${rss} MiB)`);
  return service;
}
