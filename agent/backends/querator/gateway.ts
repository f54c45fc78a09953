import { Agent, createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { classifyCall, HOT_PATHS, type HotMethod } from './calls';
import { JsonStyle, mediaFormat, PAUSED_RETRY_MESSAGE, readDuhError, retryReply, RETRY_CODE, RETRY_STATUS_LINE } from './duh';
import { pauseExpired, type PauseChange, type PauseStateStore, type QueuePause } from './pauseState';
import type { GatewayMetrics } from './metrics';
import { setTimeout as sleep } from 'node:timers/promises';

/** Hot calls are read whole to find their queue; beyond this they are streamed to the server. */
const BUFFER_LIMIT = 64 * 1024 * 1024;
/** A released produce / complete / retry waits this long for its answer before the next one goes. */
const RELEASE_ORDER_WAIT_MS = 1000;
const RELOAD_TIMEOUT_MS = 5000;
const CLOSE_GRACE_MS = 3000;
const MAX_TIMER_MS = 2 ** 31 - 1;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** `Expect: 100-continue` was answered by the gateway's own HTTP server already. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'expect']);

interface HeldCall {
  seq: number;
  queue: string;
  method: HotMethod;
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

/** What the gateway saw of one queue since its current pause began (for the proof of effect). */
interface PauseWatch {
  version: string;
  heldCalls: number;
  retryReplies: number;
}

interface QueueGate {
  held: HeldCall[];
  releasing: boolean;
  expiryTimer: NodeJS.Timeout | null;
  /** Hot calls of this queue sent to the server and not answered yet, by method. */
  open: Record<HotMethod, number>;
  watch: PauseWatch | null;
}

export interface QueueActivity {
  /** Calls held now, by method. */
  held: Record<HotMethod, number>;
  /** Calls of the methods the pause holds that are at the server now (sent before the pause). */
  openAtServer: number;
  /** Since the current pause began: calls held in all, and how many got the retry reply. */
  heldSincePause: number;
  retryRepliesSincePause: number;
  /** True once the pause's timeout passed: the gateway holds nothing more for it. */
  expired: boolean;
}

export interface GatewayOptions {
  connection: string;
  port: number;
  upstream: string;
  store: PauseStateStore;
  log: Logger;
  metrics: GatewayMetrics;
}

export type ReloadSupport = 'unknown' | 'absent' | 'present';

/**
 * The pausing gateway of one Querator connection (ADR 13, built in front of a server that does not
 * have it). Every call is forwarded unchanged to the server (method, path, headers other than
 * hop-by-hop ones and Host, body bytes; status, headers and body of the answer), except produce,
 * lease, complete and retry calls for a paused queue (only produce and lease in drain mode): those
 * are held in arrival order. A held call whose request_timeout passes gets Querator's retry reply
 * (454); when the pause ends (resume or its own timeout), the server's reload is called where the
 * server has one, and the held calls go to the server in arrival order. The gateway answers for
 * the server only with that retry reply: if the server cannot be reached, the client's connection
 * is closed, as if it had called the server itself.
 */
export class QueratorGateway {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
  private readonly gates = new Map<string, QueueGate>();
  private readonly style = new JsonStyle();
  private upstream: URL;
  private port: number;
  private seq = 0;
  private closing: Promise<void> | null = null;
  private openForwards = 0;
  private reloadSupport: ReloadSupport = 'unknown';
  private readonly pauseEndedListeners: Array<(queue: string) => void> = [];
  private readonly onChange = (change: PauseChange) => this.pauseChanged(change);
  private readonly onStoreError = (error: Error) => this.options.log.error({ err: error.message }, 'Querator pause state unreadable; keeping the pauses in force');

  constructor(private readonly options: GatewayOptions) {
    this.upstream = new URL(options.upstream);
    this.port = options.port;
    this.server = createServer((req, res) => this.handle(req, res));
    // A held call legitimately stays open for up to 15 minutes (Querator's longest request_timeout).
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
  }

  /** Restores the pauses from the state file, then listens on 127.0.0.1. */
  async start(): Promise<void> {
    const { store } = this.options;
    store.on('change', this.onChange);
    store.on('error', this.onStoreError);
    try {
      await store.load(); // every pause on record arrives as a change: the gateway holds from the first call
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.port, '127.0.0.1', () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      store.off('change', this.onChange);
      store.off('error', this.onStoreError);
      throw error;
    }
    this.port = (this.server.address() as AddressInfo).port;
    store.watch();
    const paused = [...store.all().entries()].filter(([, pause]) => !pauseExpired(pause)).map(([queue]) => queue);
    this.options.log.info({ gateway: this.url, upstream: this.upstream.origin, restoredPauses: paused }, 'Querator gateway listening');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listenPort(): number {
    return this.port;
  }

  get upstreamUrl(): string {
    return this.upstream.origin;
  }

  get reload(): ReloadSupport {
    return this.reloadSupport;
  }

  /** A changed `endpoint` in the connections file: new calls go there; held calls stay held. */
  setUpstream(upstream: string): void {
    const next = new URL(upstream);
    if (next.origin === this.upstream.origin) return;
    this.options.log.info({ from: this.upstream.origin, to: next.origin }, 'Querator gateway now forwards to a new server');
    this.upstream = next;
    this.reloadSupport = 'unknown';
  }

  /** Listeners run when a pause ends, before the held calls go (the adapter drops its caches). */
  onPauseEnded(listener: (queue: string) => void): void {
    this.pauseEndedListeners.push(listener);
  }

  offPauseEnded(listener: (queue: string) => void): void {
    const index = this.pauseEndedListeners.indexOf(listener);
    if (index >= 0) this.pauseEndedListeners.splice(index, 1);
  }

  /** Learns the server's JSON layout from replies the adapter reads directly. */
  observeReply(body: string): void {
    this.style.observe(body);
  }

  activity(queue: string): QueueActivity {
    const gate = this.gates.get(queue);
    const pause = this.options.store.get(queue);
    const held: Record<HotMethod, number> = { produce: 0, lease: 0, complete: 0, retry: 0 };
    for (const call of gate?.held ?? []) held[call.method]++;
    const holds = (method: HotMethod) => pause !== null && holdsMethod(pause, method);
    const openAtServer = gate ? (Object.keys(gate.open) as HotMethod[]).filter(holds).reduce((sum, method) => sum + gate.open[method], 0) : 0;
    return {
      held,
      openAtServer,
      heldSincePause: gate?.watch?.heldCalls ?? 0,
      retryRepliesSincePause: gate?.watch?.retryReplies ?? 0,
      expired: pause !== null && pauseExpired(pause),
    };
  }

  /** Stops listening; held calls get the retry reply (their pause stays on record); open calls get a moment to finish. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const { store } = this.options;
      store.off('change', this.onChange);
      store.off('error', this.onStoreError);
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      for (const gate of this.gates.values()) {
        if (gate.expiryTimer) clearTimeout(gate.expiryTimer);
        for (const call of [...gate.held]) this.answerRetry(gate, call);
      }
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (this.openForwards > 0 && Date.now() < deadline) await sleep(25, undefined, { ref: false });
      this.server.closeAllConnections();
      await closed;
      store.close();
      this.agent.destroy();
      this.options.log.info({ gateway: this.url }, 'Querator gateway stopped');
    })();
    return this.closing;
  }

  // ---------------------------------------------------------------- requests

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const method = HOT_PATHS[path];
    if (!method || req.method !== 'POST') {
      this.forward(req, res, null, null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let streamed = false;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > BUFFER_LIMIT && !streamed) {
        // Too big to hold in memory: the server refuses anything this size (5 MB by default).
        streamed = true;
        req.off('data', onData);
        req.off('end', onEnd);
        this.options.log.warn({ path, bytes: size }, 'hot call too large to inspect; passed to the server as it comes');
        this.forward(req, res, null, null, chunks);
      }
    };
    const onEnd = () => this.routeHot(req, res, method, Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => res.destroy());
  }

  private routeHot(req: IncomingMessage, res: ServerResponse, method: HotMethod, body: Buffer): void {
    const info = classifyCall(method, req.headers['content-type'], body);
    if (info.kind !== 'holdable') {
      this.forward(req, res, body, null);
      return;
    }
    const queue = info.queue;
    const pause = this.options.store.get(queue);
    const gate = this.gates.get(queue);
    const mustHold = pause !== null && !pauseExpired(pause) && holdsMethod(pause, method);
    // While held calls are being released, later calls queue up behind them to keep arrival order.
    if (!mustHold && !gate?.releasing) {
      this.forward(req, res, body, { queue, method });
      return;
    }
    const g = this.gate(queue);
    const call: HeldCall = { seq: ++this.seq, queue, method, req, res, body, timer: null, settled: false };
    if (this.closing) {
      // A call on a kept-alive connection while the gateway stops: it cannot be held any more.
      this.answerRetry(g, call);
      return;
    }
    g.held.push(call);
    if (mustHold && g.watch) g.watch.heldCalls++;
    this.options.metrics.held(this.options.connection, queue, 1);
    call.timer = setTimeout(() => this.answerRetry(g, call), Math.min(info.timeoutMs, MAX_TIMER_MS));
    call.timer.unref();
    res.on('close', () => {
      if (call.settled) return;
      // The client gave up: the call is dropped, never sent later behind its back.
      this.settle(g, call);
      this.options.log.debug({ queue, method, seq: call.seq }, 'held call abandoned by its client');
    });
    if (mustHold) this.options.log.debug({ queue, method, seq: call.seq, timeoutMs: info.timeoutMs }, 'call held: queue paused');
  }

  private answerRetry(gate: QueueGate, call: HeldCall): void {
    if (call.settled) return;
    this.settle(gate, call);
    if (gate.watch) gate.watch.retryReplies++;
    this.options.metrics.retryReply(this.options.connection, call.queue);
    const reply = retryReply(call.req.headers.accept, PAUSED_RETRY_MESSAGE, this.style);
    // The same header set and order as Go's net/http writes for Querator's own 454.
    call.res.sendDate = false;
    call.res.writeHead(RETRY_CODE, RETRY_STATUS_LINE, [
      'Content-Type',
      reply.contentType,
      'X-Content-Type-Options',
      'nosniff',
      'Date',
      new Date().toUTCString(),
      'Content-Length',
      String(reply.body.length),
    ]);
    call.res.end(reply.body);
  }

  private settle(gate: QueueGate, call: HeldCall): void {
    call.settled = true;
    if (call.timer) clearTimeout(call.timer);
    const index = gate.held.indexOf(call);
    if (index < 0) return;
    gate.held.splice(index, 1);
    this.options.metrics.held(this.options.connection, call.queue, -1);
  }

  /**
   * Sends one call to the server and its answer back. `body` is the whole body when it was read
   * for inspection; otherwise the request streams through (after `prefix`, chunks already read).
   */
  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer | null, hot: { queue: string; method: HotMethod } | null, prefix: Buffer[] = []): { sent: Promise<void>; answered: Promise<void> } {
    let markSent: () => void = () => undefined;
    let markAnswered: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const answered = new Promise<void>((resolve) => (markAnswered = resolve));
    const gate = hot ? this.gate(hot.queue) : null;
    if (gate && hot) gate.open[hot.method]++;
    this.openForwards++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (gate && hot) gate.open[hot.method]--;
      this.openForwards--;
      markSent();
      markAnswered();
    };

    const upstream = this.upstream;
    const headers = forwardHeaders(req.rawHeaders, upstream.host, body);
    const outgoing = httpRequest({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port || 80,
      method: req.method,
      path: req.url,
      headers: headers as unknown as OutgoingHttpHeaders,
      agent: this.agent,
      setHost: false,
    });
    outgoing.on('finish', markSent);
    outgoing.on('response', (incoming) => {
      if (!this.style.isLearned && mediaFormat(incoming.headers['content-type']) === 'json') {
        incoming.once('data', (chunk: Buffer) => this.style.observe(chunk));
      }
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, withoutHopByHop(incoming.rawHeaders));
      incoming.pipe(res);
      incoming.on('end', finish);
      incoming.on('error', () => {
        res.destroy();
        finish();
      });
    });
    outgoing.on('error', (error) => {
      // No answer from the server: the client sees its connection close, as it would calling the
      // server directly. The gateway never makes up an answer.
      if (!done) this.options.log.warn({ path: req.url, err: error.message, upstream: upstream.origin }, 'Querator server unreachable; closing the client connection');
      res.destroy();
      finish();
    });
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
      finish();
    });
    if (body) {
      outgoing.end(body);
    } else {
      for (const chunk of prefix) outgoing.write(chunk);
      req.pipe(outgoing);
    }
    return { sent, answered };
  }

  // ---------------------------------------------------------------- pauses

  private gate(queue: string): QueueGate {
    let gate = this.gates.get(queue);
    if (!gate) {
      gate = { held: [], releasing: false, expiryTimer: null, open: { produce: 0, lease: 0, complete: 0, retry: 0 }, watch: null };
      this.gates.set(queue, gate);
    }
    return gate;
  }

  private pauseChanged({ queue, before, after }: PauseChange): void {
    if (this.closing) return;
    const gate = this.gate(queue);
    if (gate.expiryTimer) clearTimeout(gate.expiryTimer);
    gate.expiryTimer = null;
    const active = after !== null && !pauseExpired(after);
    if (after && active) {
      if (gate.watch?.version !== after.version) gate.watch = { version: after.version, heldCalls: 0, retryReplies: 0 };
      if (after.resumeAt) this.armExpiry(queue, gate, after);
      if (!before || before.version !== after.version) {
        this.options.log.info({ queue, mode: after.mode, pausedBy: after.pausedBy, reason: after.reason, resumeAt: after.resumeAt }, 'Querator queue paused at the gateway');
      }
      // A pause changed to drain lets held completes and retries go.
      if (gate.held.some((call) => !holdsMethod(after, call.method))) void this.release(queue, false);
      return;
    }
    gate.watch = null;
    // Reload and drop caches once per pause: when it ends (resume, or its timeout passing, also while
    // the agent was down), not again when the record of a timed-out pause is removed.
    const ended = (before !== null && !pauseExpired(before)) || (before === null && after !== null);
    if (before || after) void this.release(queue, ended);
  }

  private armExpiry(queue: string, gate: QueueGate, pause: QueuePause): void {
    const delay = Date.parse(pause.resumeAt!) - Date.now();
    gate.expiryTimer = setTimeout(
      () => {
        gate.expiryTimer = null;
        if (this.options.store.get(queue)?.version !== pause.version) return;
        if (!pauseExpired(pause)) {
          this.armExpiry(queue, gate, pause); // longer than one timer can wait
          return;
        }
        this.options.log.info({ queue, resumeAt: pause.resumeAt }, 'Querator pause timed out at the gateway; releasing held calls');
        void this.release(queue, true);
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_MS),
    );
    gate.expiryTimer.unref();
  }

  /**
   * Sends the calls the pause no longer holds, in arrival order. A released produce, complete or
   * retry is answered before the next call goes (up to a second); a lease may wait at the server
   * for its whole request_timeout, so the next call goes once the lease has been sent.
   * A released call goes as it came, full request_timeout included (the issue asks for calls
   * unchanged): the server's clock starts again, so the client may wait held time + timeout.
   */
  private async release(queue: string, pauseEnded: boolean): Promise<void> {
    const gate = this.gate(queue);
    if (gate.releasing) return;
    gate.releasing = true;
    try {
      if (pauseEnded) await this.afterPause(queue);
      for (;;) {
        if (this.closing) return;
        const pause = this.options.store.get(queue);
        const active = pause !== null && !pauseExpired(pause);
        const next = gate.held.find((call) => !active || !holdsMethod(pause, call.method));
        if (!next) return;
        this.settle(gate, next);
        const { sent, answered } = this.forward(next.req, next.res, next.body, { queue, method: next.method });
        await (next.method === 'lease' ? sent : Promise.race([answered, sleep(RELEASE_ORDER_WAIT_MS, undefined, { ref: false })]));
      }
    } finally {
      gate.releasing = false;
    }
  }

  /** ADR 13 after a pause: drop what was cached, and have the server reload where it can. */
  private async afterPause(queue: string): Promise<void> {
    for (const listener of this.pauseEndedListeners) listener(queue);
    if (this.reloadSupport === 'absent') return;
    const upstream = this.upstream;
    try {
      const response = await fetch(new URL('/v1/queue.reload', upstream), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queue_name: queue }),
        signal: AbortSignal.timeout(RELOAD_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status === 501) {
        this.reloadSupport = 'absent';
        this.options.log.info({ upstream: upstream.origin }, 'the Querator server has no /v1/queue.reload (v0.0.11 has none); nothing to reload after a pause');
      } else if (response.ok) {
        this.reloadSupport = 'present';
        this.options.log.info({ queue }, 'Querator reloaded the queue after the pause');
      } else {
        this.options.log.warn({ queue, status: response.status, message: readDuhError(text)?.message ?? text.slice(0, 200) }, 'Querator reload after the pause failed');
      }
    } catch (error) {
      this.options.log.warn({ queue, err: (error as Error).message }, 'could not call Querator reload after the pause');
    }
  }
}

/** Produce and lease are held in both modes; complete and retry only in `hold`. */
export function holdsMethod(pause: QueuePause, method: HotMethod): boolean {
  return pause.mode === 'hold' || method === 'produce' || method === 'lease';
}

/** The client's headers, in order, without hop-by-hop ones; Host names the server; a read body has its length. */
function forwardHeaders(raw: string[], host: string, body: Buffer | null): string[] {
  const out: string[] = [];
  const named = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (NOT_FORWARDED.has(name) || named.has(name)) continue;
    if (body && name === 'content-length') continue;
    out.push(raw[i], raw[i + 1]);
  }
  out.unshift('Host', host);
  if (body) out.push('Content-Length', String(body.length));
  return out;
}

function withoutHopByHop(raw: string[]): string[] {
  const out: string[] = [];
  const named = connectionTokens(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** Headers a Connection header names are hop-by-hop too (RFC 9110 7.6.1). */
function connectionTokens(raw: string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1].split(',')) if (token.trim()) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

