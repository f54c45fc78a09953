import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { BulkResult } from '../../../protocol/api';
import { HTTP_STATUS, PauseError, type ErrorCode } from '../../../protocol/errors';
import { API_PREFIX, ClientMessage, OPERATION_HEADER, WEBSOCKET_PATH, type ServerMessage, type Snapshot } from '../../../protocol/messages';
import { parseOrBadRequest, PauseRequest, ResumeRequest, StopRequest } from '../../../protocol/requests';
import type { ConnectionStatus, Resource, Scope } from '../../../protocol/resource';
import { KINDS } from './fixtures';
import { VERSION } from '../../../protocol/version';

export interface FakeAgentOptions {
  /** When set, agent.json and agent.token are written here, as the real agent does. */
  home?: string;
  port?: number;
  token?: string;
  version?: string;
  resources?: Resource[];
  connections?: ConnectionStatus[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A pid no process has: a stop that falls back to killing by pid must never hit a real process. */
const NO_SUCH_PID = 2 ** 22 + 12345;

/**
 * A stand-in for the agent: a real HTTP server and websocket on 127.0.0.1 that check the token,
 * validate bodies with the protocol's own schemas, keep canned resources, apply pause/resume to
 * them the way the agent does (including the Conflict for resuming a scheduled pause without
 * force) and push `resource-changed` events.
 */
export class FakeAgent {
  readonly token: string;
  readonly version: string;
  readonly resources = new Map<string, Resource>();
  connections: ConnectionStatus[];
  readonly requests: RecordedRequest[] = [];
  resyncRequests = 0;
  /** Every `interest` message the clients sent, in order. */
  readonly watching: boolean[] = [];
  port = 0;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly failures: Array<{ path: RegExp; error: PauseError }> = [];
  private pauseVersion = 0;

  private constructor(private readonly options: FakeAgentOptions) {
    this.token = options.token ?? 'fake-token';
    this.version = options.version ?? VERSION;
    for (const resource of options.resources ?? []) this.resources.set(resource.id, resource);
    this.connections = options.connections ?? [];
  }

  static async start(options: FakeAgentOptions = {}): Promise<FakeAgent> {
    const agent = new FakeAgent(options);
    await agent.listen(options.port ?? 0);
    return agent;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get clientCount(): number {
    return this.wss?.clients.size ?? 0;
  }

  /** (Re)opens the server; pass the old port to come back where clients expect it. */
  async listen(port: number): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (request, socket, head) => {
      const failure = this.authFailure(request) ?? (request.url === WEBSOCKET_PATH ? null : new PauseError('NotFound', 'no websocket here'));
      if (failure) {
        const body = JSON.stringify(failure.toBody());
        socket.end(`HTTP/1.1 ${HTTP_STATUS[failure.code]} ${failure.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.wss = wss;
    this.port = (server.address() as AddressInfo).port;
    if (this.options.home) {
      await mkdir(this.options.home, { recursive: true });
      await writeFile(join(this.options.home, 'agent.token'), `${this.token}\n`);
      await writeFile(join(this.options.home, 'agent.json'), JSON.stringify({ version: this.version, pid: NO_SUCH_PID, startedAt: new Date().toISOString(), port: this.port }));
    }
  }

  /** Dies like a crashed process: sockets cut, port closed, agent.json left behind. */
  async kill(): Promise<void> {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.wss?.close();
    const server = this.server;
    this.server = null;
    this.wss = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next request whose path matches fails with this error (once). */
  failNext(path: RegExp, code: ErrorCode, message: string): void {
    this.failures.push({ path, error: new PauseError(code, message) });
  }

  /** Replaces a resource and pushes the change, as a backend poll would. */
  setResource(resource: Resource): void {
    this.resources.set(resource.id, resource);
    this.broadcast({ type: 'resource-changed', resource });
  }

  broadcast(message: ServerMessage | string): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const ws of this.wss?.clients ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  snapshot(): Snapshot {
    return {
      agent: { version: this.version, pid: NO_SUCH_PID, startedAt: '2026-01-29T11:00:00.000Z' }, kinds: KINDS,
      connections: this.connections,
      resources: [...this.resources.values()],
      configError: null,
    };
  }

  requestsTo(pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => pattern.test(`${r.method} ${r.path}`));
  }

  private accept(ws: WebSocket): void {
    ws.send(JSON.stringify({ type: 'snapshot', snapshot: this.snapshot() } satisfies ServerMessage));
    ws.on('message', (data) => {
      const parsed = ClientMessage.safeParse(JSON.parse(data.toString()));
      if (parsed.success && parsed.data.type === 'resync') {
        this.resyncRequests += 1;
        ws.send(JSON.stringify({ type: 'snapshot', snapshot: this.snapshot() } satisfies ServerMessage));
      }
      if (parsed.success && parsed.data.type === 'interest') this.watching.push(parsed.data.watching);
    });
  }

  private authFailure(request: IncomingMessage): PauseError | null {
    return request.headers.authorization === `Bearer ${this.token}` ? null : new PauseError('Unauthorized', 'missing or wrong agent token; read it from the agent.token file in the Pipeline Pause home');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const path = (request.url ?? '/').replace(API_PREFIX, '');
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: request.method ?? 'GET', path, body });
    try {
      const auth = this.authFailure(request);
      if (auth) throw auth;
      const failure = this.failures.findIndex((f) => f.path.test(path));
      if (failure >= 0) throw this.failures.splice(failure, 1)[0].error;
      const answer = this.route(request.method ?? 'GET', path, body);
      await this.reportProgress(request, path, answer);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      if (path === '/shutdown') await this.shutdown();
    } catch (error) {
      const failure = error instanceof PauseError ? error : new PauseError('Internal', String(error));
      response.writeHead(HTTP_STATUS[failure.code], { 'content-type': 'application/json' }).end(JSON.stringify(failure.toBody()));
    }
  }

  /** As the agent does for a bulk request naming its operation: a count per item, then finished, sent before the answer. */
  private async reportProgress(request: IncomingMessage, path: string, answer: unknown): Promise<void> {
    const operation = request.headers[OPERATION_HEADER];
    const results = (answer as { results?: unknown[] } | undefined)?.results;
    if (typeof operation !== 'string' || !/pause-all$/.test(path) || !results) return;
    const message = (done: number, finished: boolean) => JSON.stringify({ type: 'progress', operation, action: 'pause-all', done, total: results.length, failed: 0, finished } satisfies ServerMessage);
    const texts = [...Array.from({ length: results.length + 1 }, (_, done) => message(done, false)), message(results.length, true)];
    const sockets = [...(this.wss?.clients ?? [])].filter((ws) => ws.readyState === WebSocket.OPEN);
    await Promise.all(sockets.flatMap((ws) => texts.map((text) => new Promise<void>((resolve) => ws.send(text, () => resolve())))));
  }

  private route(method: string, path: string, body: unknown): unknown {
    const resourcePath = /^\/resources\/([^/]+)\/([^/]+)(?:\/(pause|resume|stop))?$/.exec(path);
    if (method === 'GET' && path === '/health') return { ok: true, ...this.snapshot().agent };
    if (method === 'GET' && path === '/snapshot') return this.snapshot();
    if (method === 'POST' && path === '/shutdown') return { ok: true };
    if (resourcePath) {
      const id = `${decodeURIComponent(resourcePath[1])}/${decodeURIComponent(resourcePath[2])}`;
      if (method === 'GET' && !resourcePath[3]) return { resource: this.get(id) };
      if (method === 'POST' && resourcePath[3] === 'pause') return this.pause(id, body);
      if (method === 'POST' && resourcePath[3] === 'resume') return this.resume(id, body);
      if (method === 'POST' && resourcePath[3] === 'stop') return this.stop(id, body);
    }
    const bulk = /^\/(?:connections\/([^/]+)\/)?(pause-all|resume-all)$/.exec(path);
    if (method === 'POST' && bulk) {
      const connection = bulk[1] ? decodeURIComponent(bulk[1]) : null;
      const inScope = [...this.resources.values()].filter((r) => connection === null || r.connection === connection);
      if (bulk[2] === 'pause-all' && connection !== null) return { results: inScope.filter((r) => r.capabilities.pause).map((r) => attempt(r.id, () => this.pause(r.id, body))) };
      if (bulk[2] === 'resume-all') return { results: inScope.filter((r) => r.pause || r.scopedPauses.length).map((r) => attempt(r.id, () => this.resume(r.id, body))) };
    }
    throw new PauseError('NotFound', `no route ${method} ${path}`);
  }

  private get(id: string): Resource {
    const resource = this.resources.get(id);
    if (!resource) throw new PauseError('NotFound', `no resource ${id}`);
    return resource;
  }

  private pause(id: string, body: unknown): unknown {
    const request = parseOrBadRequest(PauseRequest, body);
    const resource = this.get(id);
    const now = new Date();
    const resumeAt = request.resumeAt ?? (request.resumeAfter !== undefined ? new Date(now.getTime() + request.resumeAfter).toISOString() : null);
    const pause = { pausedAt: now.toISOString(), pausedBy: request.pausedBy ?? 'user:fake', reason: request.reason ?? null, resumeAt, version: `"v${++this.pauseVersion}"` };
    if (request.scope) {
      this.setResource({ ...resource, state: resource.pause ? 'paused' : 'partially-paused', scopedPauses: [...resource.scopedPauses, { scope: request.scope, pause }] });
    } else {
      if (resource.pause && !request.force) throw new PauseError('AlreadyPaused', `${id} is already paused by ${resource.pause.pausedBy}`);
      this.setResource({ ...resource, state: 'paused', pause });
    }
    return { pause, resource: this.get(id) };
  }

  /** A stop holds like a pause (Kafka Connect's PUT /stop), shown as `stopped`. */
  private stop(id: string, body: unknown): unknown {
    const request = parseOrBadRequest(StopRequest, body);
    const resource = this.get(id);
    if (!resource.capabilities.stop) throw new PauseError('Unsupported', `${id} cannot be stopped`);
    const pause = { pausedAt: new Date().toISOString(), pausedBy: request.pausedBy ?? 'user:fake', reason: request.reason ?? null, resumeAt: null, version: null };
    this.setResource({ ...resource, state: 'stopped', pause });
    return { pause, resource: this.get(id) };
  }

  private resume(id: string, body: unknown): unknown {
    const request = parseOrBadRequest(ResumeRequest, body);
    const resource = this.get(id);
    const target = request.scope ? resource.scopedPauses.find((s) => sameScope(s.scope, request.scope!))?.pause : resource.pause;
    if (!target) throw new PauseError('NotPaused', `${id} is not paused`);
    if (target.resumeAt && Date.parse(target.resumeAt) > Date.now() && !request.force) {
      throw new PauseError('Conflict', `${id} auto-resumes at ${target.resumeAt}; resume with force to cut that short`);
    }
    const pause = request.scope ? resource.pause : null;
    const scopedPauses = request.scope ? resource.scopedPauses.filter((s) => !sameScope(s.scope, request.scope!)) : resource.scopedPauses;
    this.setResource({ ...resource, pause, scopedPauses, state: pause ? 'paused' : scopedPauses.length ? 'partially-paused' : 'running' });
    return { previous: target, resource: this.get(id) };
  }

  private async shutdown(): Promise<void> {
    await this.kill();
    if (this.options.home) await rm(join(this.options.home, 'agent.json'), { force: true });
  }
}

function attempt(id: string, work: () => unknown): BulkResult {
  try {
    work();
    return { id, ok: true, error: null };
  } catch (error) {
    return { id, ok: false, error: (error as Error).message };
  }
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.type === b.type && a.value === b.value;
}
