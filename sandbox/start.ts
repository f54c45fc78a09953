import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pretty from 'pino-pretty';
import { AgentClient } from '../client/agentClient';
import { findAgent } from '../client/discovery';
import { agentPaths } from '../protocol/paths';
import { startCodeServer, type CodeServer } from './codeServer';
import { DemoTraffic } from './demo/traffic';
import { deployDemoJob, prepareDemoServices } from './demo/setup';
import { DEMO, demoConnections, demoFiles, demoFlinkScript, requireDemoServices } from './demo/pipeline';
import { PROJECT_ROOT, sandboxDir } from './paths';
import { freePort, isAlive } from './process';
import { sandboxConnectionsFile, sandboxDown, sandboxEnvironment, sandboxUp } from './sandbox';
import { readServices } from './services';

/**
 * The product's main job (./scripts/start, after install and build): the sandbox with every
 * backend, the demo pipeline with data flowing, the agent in the foreground with a readable log,
 * and code-server with the packaged extension on a loopback URL. Ctrl-C stops what it started:
 * the editor, the demo traffic, the agent, and the sandbox unless it was running before.
 */
const VSIX = join(PROJECT_ROOT, 'dist', 'pipeline-pause.vsix');
const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const dir = sandboxDir();
  const before = readServices(dir);
  const sandboxWasRunning = before !== null && isAlive(before.s3.pid);
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('\nstart: stopping the editor, the demo traffic and the agent' + (sandboxWasRunning ? ' (the sandbox was running before: it stays)' : ' and the sandbox'));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`start: ${error.message}`));
    if (!sandboxWasRunning) await sandboxDown(dir, log);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const services = requireDemoServices(await sandboxUp(dir, log, { with: ['kafka', 'connect', 'flink', 'querator'] }));
    const environment: Record<string, string> = { ...sandboxEnvironment(services, dir), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    // The demo's own workers find the sandbox's credentials through the default chain too.
    Object.assign(process.env, environment);
    writeFileSync(join(dir, 'env.sh'), Object.entries(environment).map(([key, value]) => `export ${key}=${value}\n`).join(''));
    const files = demoFiles(dir);
    mkdirSync(files.workspace, { recursive: true });
    if (!existsSync(files.clicks)) writeFileSync(files.clicks, '');
    writeFileSync(join(files.workspace, DEMO.flinkScript), demoFlinkScript(services.kafka.bootstrap));
    const gatewayPort = await freePort();
    writeFileSync(sandboxConnectionsFile(dir), `${JSON.stringify(demoConnections(services, gatewayPort), null, 2)}\n`);
    await prepareDemoServices(services, dir, log);

    const agent = startAgent(environment);
    cleanups.push(() => stopChild(agent));
    const paths = agentPaths({ home: environment.PIPELINE_PAUSE_HOME, connections: environment.PIPELINE_PAUSE_CONNECTIONS });
    const found = await waitForAgent(paths, agent);
    const client = new AgentClient(found.client.baseUrl, found.token, 180_000);
    await deployDemoJob(services, client, log);

    const traffic = new DemoTraffic({ sandbox: dir, s3: services.s3, queratorGateway: `http://127.0.0.1:${gatewayPort}`, log });
    traffic.start();
    cleanups.push(() => traffic.close());

    log('start: starting code-server with the packaged extension');
    const editor: CodeServer = await startCodeServer({ vsixPath: VSIX, workspaceDir: files.workspace, logDir: join(dir, 'logs'), name: 'editor', env: environment });
    cleanups.push(() => editor.stop());
    banner(editor.url, dir);
  } catch (error) {
    log(`start: ${(error as Error).message}`);
    await stop(1);
  }
}

/** `pipeline-pause agent` as a child, its JSON log lines printed by pino-pretty. */
function startAgent(environment: Record<string, string>): ChildProcess {
  const agent = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), 'agent'], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'inherit'] });
  agent.stdout!.pipe(pretty({ colorize: process.stdout.isTTY && !process.env.NO_COLOR, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true }));
  return agent;
}

async function waitForAgent(paths: ReturnType<typeof agentPaths>, agent: ChildProcess): Promise<NonNullable<Awaited<ReturnType<typeof findAgent>>>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (agent.exitCode !== null) throw new Error(`the agent exited (code ${agent.exitCode}) before it listened; its log is above`);
    const found = await findAgent(paths);
    if (found && found.info.pid === agent.pid) return found;
    await sleep(250);
  }
  throw new Error('the agent did not listen within 60 s; its log is above');
}

/** SIGTERM, then SIGKILL after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => true), sleep(10_000, false)])) === false) child.kill('SIGKILL');
}

function banner(url: string, dir: string): void {
  const env = join(dir, 'env.sh');
  log(`
  Pipeline Pause is running. Open the editor:

      ${url}

  The Pipeline Pause view (activity bar) shows the demo pipeline: the Flink job ${DEMO.flinkJob}
  feeding the Connect sink ${DEMO.sink}, the Connect source ${DEMO.source}, the buquet queue
  ${DEMO.bucket} with two workers, and the Querator queue ${DEMO.queratorQueue}.

  From a second terminal:
      source ${env}
      node dist/cli.js list
      node dist/cli.js pause sandbox/${DEMO.bucket} --reason "Deploying v2" --resume-after 30m
      node dist/cli.js pause-upstream connect/${DEMO.sink} --reason "Changing the sink"

  Ctrl-C stops everything this started.
`);
}

void main();
