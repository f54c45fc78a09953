import { Writable } from 'node:stream';
import pino from 'pino';
import { WebSocket } from 'ws';
import { startAgent, type RunningAgent } from '../../agent/main';
import { DEFAULT_CADENCE, type Cadence } from '../../agent/core/pollSchedule';
import { ServerMessage, WEBSOCKET_PATH } from '../../protocol/messages';
import type { AgentPaths } from '../../protocol/paths';

export interface TestAgent extends RunningAgent {
  /** Every log line the agent wrote, parsed. */
  logs: Array<{ msg: string; [key: string]: unknown }>;
  url(path: string): string;
}

/**
 * Every connection at its own `pollIntervalSeconds`, whoever watches: tests that change a backend
 * behind the agent's back wait for the next listing without holding a watching client.
 */
export const STEADY_CADENCE: Cadence = { ...DEFAULT_CADENCE, backgroundMs: 0, idleMs: 0 };

/** The real agent, in this process, logging into memory so tests can read what it said. */
export async function startTestAgent(paths: AgentPaths, cadence: Cadence = STEADY_CADENCE): Promise<TestAgent> {
  const logs: TestAgent['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const agent = await startAgent({ paths, log: pino({ level: 'debug' }, sink), cadence });
  return Object.assign(agent, { logs, url: (path: string) => `http://127.0.0.1:${agent.port}${path}` });
}

/** A websocket client that records every message the agent pushes. */
export async function connectEvents(agent: TestAgent, headers: Record<string, string> = { authorization: `Bearer ${agent.token}` }): Promise<{ messages: ServerMessage[]; socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${agent.port}${WEBSOCKET_PATH}`, { headers });
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(ServerMessage.parse(JSON.parse(data.toString()))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { messages, socket };
}

/** The HTTP status a websocket upgrade gets refused with (or 101 when it is accepted). */
export function upgradeStatus(agent: TestAgent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${agent.port}${WEBSOCKET_PATH}`, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => undefined);
  });
}
