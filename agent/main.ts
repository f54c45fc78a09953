import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AgentInfo, type Snapshot } from '../protocol/messages';
import { VERSION } from '../protocol/version';
import { kindPresentations } from './backends/registry';
import { AgentCore } from './core/agentCore';
import { IdleExit } from './core/idleExit';
import { interestOf, type Cadence } from './core/pollSchedule';
import type { AgentPaths } from '../protocol/paths';
import { createApp } from './server/app';
import { newToken } from './server/security';
import { attachWebsocket } from './server/websocket';

export interface RunningAgent {
  port: number;
  token: string;
  core: AgentCore;
  close(): Promise<void>;
  /** Called once the agent has stopped, whoever stopped it (signal or /shutdown). */
  onClosed(listener: () => void): void;
}

/** Starts the agent on 127.0.0.1 and records how to reach it (agent.json) and its token (0600). */
export async function startAgent(options: {
  paths: AgentPaths;
  port?: number;
  log: Logger;
  /** Exit after this long with no client, no request and nothing scheduled; unset: run until stopped. */
  exitWhenIdleMs?: number;
  /** How often connections are listed at each level of interest (pollSchedule.ts DEFAULT_CADENCE). */
  cadence?: Cadence;
}): Promise<RunningAgent> {
  const { paths, log } = options;
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  const token = newToken();
  await writeFile(paths.token, `${token}\n`, { mode: 0o600 });
  await chmod(paths.token, 0o600); // the mode above applies only when the file is created

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'pipeline_pause_agent_' });
  const core = new AgentCore({ home: paths.home, connectionsPath: paths.connections, journalPath: paths.journal, log, metrics, cadence: options.cadence });
  const info: AgentInfo = { version: VERSION, pid: process.pid, startedAt: new Date().toISOString() };
  const kinds = kindPresentations();
  const snapshot = (): Snapshot => ({ agent: info, kinds, ...core.store.snapshot() });

  let port = 0;
  let closing: Promise<void> | null = null;
  const closedListeners: Array<() => void> = [];
  const close = (): Promise<void> => {
    closing ??= (async () => {
      idle?.stop();
      wss.close();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await core.stop();
      await removeOwnInfo(paths.agentInfo);
      log.info('agent stopped');
      for (const listener of closedListeners) listener();
    })();
    return closing;
  };

  const app = createApp({ core, token, port: () => port, metrics, log, snapshot, onShutdown: () => void close() });
  const idle =
    options.exitWhenIdleMs === undefined
      ? null
      : new IdleExit({
          graceMs: options.exitWhenIdleMs,
          keepAliveReason: () => core.keepAliveReason(),
          log,
          onIdle: (why) => {
            log.info({ why }, `agent exiting: ${why}`);
            void close();
          },
        });
  const server: Server = createServer(app);
  server.on('request', (_request, response) => {
    idle?.requestStarted();
    response.once('close', () => idle?.requestEnded());
  });
  const onClients = (clients: { connected: number; watching: number }) => {
    core.setInterest(interestOf(clients));
    idle?.setClients(clients.connected);
  };
  const wss = attachWebsocket({ server, store: core.store, snapshot, token, port: () => port, log, onClients });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  await core.start();
  await writeFile(paths.agentInfo, `${JSON.stringify({ ...info, port }, null, 2)}\n`, { mode: 0o600 });
  idle?.start();
  log.info({ port, version: VERSION, connections: paths.connections, exitWhenIdleMs: options.exitWhenIdleMs ?? null }, 'agent listening on 127.0.0.1');
  return { port, token, core, close, onClosed: (listener) => closedListeners.push(listener) };
}

/** Removes agent.json only if it still describes this process (a newer agent may have replaced it). */
async function removeOwnInfo(path: string): Promise<void> {
  try {
    const recorded = JSON.parse(await readFile(path, 'utf8')) as { pid?: number };
    if (recorded.pid === process.pid) await rm(path, { force: true });
  } catch {
    // already gone
  }
}
