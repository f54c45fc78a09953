import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { HTTP_STATUS } from '../../protocol/errors';
import { ClientMessage, WEBSOCKET_PATH, type ServerMessage, type Snapshot } from '../../protocol/messages';
import type { StateStore } from '../core/stateStore';
import { checkRequest } from './security';

const HEARTBEAT_MS = 30_000;

/** Pushes a snapshot to each client, then every change, on the same guarded port as HTTP. */
export function attachWebsocket(options: {
  server: Server;
  store: StateStore;
  snapshot: () => Snapshot;
  token: string;
  port: () => number;
  log: Logger;
  /** Told whenever a client connects, leaves or says whether it watches (see pollSchedule.ts interestOf). */
  onClients: (clients: { connected: number; watching: number }) => void;
}): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const alive = new WeakSet<WebSocket>();
  // A client that never says is connected but not watching: it gets the slower background pace.
  const watching = new Map<WebSocket, boolean>();
  const report = () => options.onClients({ connected: watching.size, watching: [...watching.values()].filter(Boolean).length });

  options.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    const failure = path === WEBSOCKET_PATH ? checkRequest(request, options.token, options.port) : null;
    if (path !== WEBSOCKET_PATH || failure) {
      const status = failure ? HTTP_STATUS[failure.code] : 404;
      const body = JSON.stringify(failure ? failure.toBody() : { error: { code: 'NotFound', message: `no websocket at ${path}` } });
      socket.end(`HTTP/1.1 ${status} ${failure?.code ?? 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws) => {
    alive.add(ws);
    watching.set(ws, false);
    report();
    const send = (message: ServerMessage) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    send({ type: 'snapshot', snapshot: options.snapshot() });
    const unsubscribe = options.store.onChange(send);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', (data) => {
      const parsed = ClientMessage.safeParse(safeJson(data.toString()));
      if (!parsed.success) {
        options.log.debug('ignored an unreadable websocket message');
        return;
      }
      if (parsed.data.type === 'resync') send({ type: 'snapshot', snapshot: options.snapshot() });
      if (parsed.data.type === 'interest' && watching.has(ws) && watching.get(ws) !== parsed.data.watching) {
        watching.set(ws, parsed.data.watching);
        report();
      }
    });
    ws.on('close', () => {
      unsubscribe();
      watching.delete(ws);
      report();
    });
    ws.on('error', (error) => options.log.debug({ err: error.message }, 'websocket client error'));
  });

  // Drops clients that stopped answering pings, so a vanished editor does not hold memory.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  wss.on('close', () => clearInterval(heartbeat));
  return wss;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
