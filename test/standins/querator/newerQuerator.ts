import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN FOR A NEWER QUERATOR, one that has `/v1/queue.reload`. Test code only: it lives under
 * test/, nothing shipped imports it. The real v0.0.11 the other Querator suites run has no reload
 * (it answers 501), so the gateway's "the server has a reload" branch can only be driven by this.
 *
 * The path is the one ../shared/reference/buquet-and-querator.md lists (`/v1/queue.reload`, "main
 * only"). The reference gives no body, so the stand-in takes the shape of every other Querator
 * queue call and of `QueueReloadRequest` in Querator main's proto/queue.proto: `{"queue_name": ...}`,
 * answered `{"code":200}` as v0.0.11 answers produce (observed). A reload without a queue_name is
 * refused 400, so a gateway that forgot the body would be caught.
 *
 * Everything else is only as much Querator as the gateway tests need: produce, complete and retry
 * answer `{"code":200}`, lease answers no items, any other path gets v0.0.11's own 501 body.
 * Every call is recorded in arrival order, with its raw body and when it arrived and was answered.
 */
export interface StandInCall {
  path: string;
  body: Buffer;
  contentType: string | undefined;
  arrivedAt: number;
  answeredAt: number | null;
}

export interface NewerQueratorOptions {
  /** `present`: reload answers 200. `absent`: 501 like v0.0.11. A number: reload answers that status. */
  reload?: 'present' | 'absent' | number;
  /** How long the reload takes before it answers, to see that held calls wait for it. */
  reloadDelayMs?: number;
}

export class NewerQueratorStandIn {
  readonly calls: StandInCall[] = [];
  private readonly server: Server;

  constructor(private readonly options: NewerQueratorOptions = {}) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queue names of the reloads asked for, in order. */
  reloads(): string[] {
    return this.calls.filter((c) => c.path === '/v1/queue.reload').map((c) => (JSON.parse(c.body.toString()) as { queue_name?: string }).queue_name ?? '');
  }

  callsTo(path: string): StandInCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call: StandInCall = { path: (req.url ?? '/').split('?')[0], body: Buffer.concat(chunks), contentType: req.headers['content-type'], arrivedAt: Date.now(), answeredAt: null };
      this.calls.push(call);
      const answer = (status: number, body: object) => {
        call.answeredAt = Date.now();
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
        res.end(text);
      };
      const notImplemented = () => answer(501, { code: 501, code_text: 'Not Implemented', message: `no such method; ${call.path}` });
      if (req.method !== 'POST') return answer(400, { code: 400, code_text: 'Bad Request', message: `http method '${req.method}' not allowed; only POST` });
      switch (call.path) {
        case '/v1/queue.reload':
          return this.reload(call, answer, notImplemented);
        case '/v1/queue.produce':
        case '/v1/queue.complete':
        case '/v1/queue.retry':
          return answer(200, { code: 200 });
        case '/v1/queue.lease':
          return answer(200, { queue_name: queueName(call.body), items: [] });
        default:
          return notImplemented();
      }
    });
  }

  private reload(call: StandInCall, answer: (status: number, body: object) => void, notImplemented: () => void): void {
    const mode = this.options.reload ?? 'present';
    if (mode === 'absent') return notImplemented();
    const respond = () => {
      if (typeof mode === 'number') return answer(mode, { code: mode, message: 'stand-in: reload failed' });
      if (!queueName(call.body)) return answer(400, { code: 400, code_text: 'Bad Request', message: 'queue_name is invalid; cannot be empty' });
      answer(200, { code: 200 });
    };
    if (this.options.reloadDelayMs) setTimeout(respond, this.options.reloadDelayMs);
    else respond();
  }
}

function queueName(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString()) as { queue_name?: unknown };
    return typeof parsed.queue_name === 'string' ? parsed.queue_name : '';
  } catch {
    return '';
  }
}
