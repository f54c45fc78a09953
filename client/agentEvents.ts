import WebSocket from 'ws';
import { ServerMessage, WEBSOCKET_PATH, type ClientMessage } from '../protocol/messages';
import { describeIssues } from '../protocol/requests';

/** Where the agent listens and the token it wants; resolved again before every (re)connect. */
export interface AgentEndpoint {
  baseUrl: string;
  token: string;
}

export type EventsStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'waiting'; error: string; retryInMs: number }
  | { state: 'closed' };

export interface EventsOptions {
  connectTimeoutMs: number;
  /** The agent pings every 30 s; this long without a ping means a dead link (a laptop that slept). */
  silenceTimeoutMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Where unreadable messages and failing listeners are reported. */
  log: (message: string) => void;
  random: () => number;
}

type MessageType = ServerMessage['type'];
type MessageOf<T extends MessageType> = Extract<ServerMessage, { type: T }>;
type Listener = (message: ServerMessage) => void;

const DEFAULTS: EventsOptions = { connectTimeoutMs: 5000, silenceTimeoutMs: 75_000, initialBackoffMs: 250, maxBackoffMs: 10_000, log: () => undefined, random: Math.random };

/** Exponential backoff with "equal jitter": half fixed, half random, so many clients do not retry in step. */
export function backoffDelay(attempt: number, options: Pick<EventsOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'random'>): number {
  const ceiling = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
}

/**
 * The agent's event stream. Reconnects with backoff until closed; listeners belong to this
 * object, not to a socket, so they survive reconnects. Every (re)connect starts with the
 * agent's fresh snapshot, which is how clients resync after a gap.
 */
export class AgentEvents {
  private readonly options: EventsOptions;
  private readonly listeners = new Map<MessageType | '*', Set<Listener>>();
  private readonly statusListeners = new Set<(status: EventsStatus) => void>();
  private socket: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private started = false;
  private currentStatus: EventsStatus = { state: 'connecting' };
  /** Told to the agent on every (re)connect and each change: it polls fast only while someone watches. */
  private watching = false;

  constructor(
    private readonly endpoint: () => Promise<AgentEndpoint>,
    options: Partial<EventsOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get status(): EventsStatus {
    return this.currentStatus;
  }

  /** Typed subscription to one message type; returns the unsubscribe function. */
  on<T extends MessageType>(type: T, listener: (message: MessageOf<T>) => void): () => void {
    return this.add(type, listener as Listener);
  }

  onAny(listener: (message: ServerMessage) => void): () => void {
    return this.add('*', listener);
  }

  onStatus(listener: (status: EventsStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  /** Skips the backoff wait (after the user started the agent, say). */
  reconnectNow(): void {
    if (!this.started) return this.start();
    if (this.currentStatus.state !== 'waiting') return; // connecting, connected or closed: nothing to skip
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    void this.connect();
  }

  /** Says whether the user looks at what the agent shows; kept and told again after a reconnect. */
  setWatching(watching: boolean): void {
    if (watching === this.watching) return;
    this.watching = watching;
    this.send({ type: 'interest', watching });
  }

  /** Asks for a fresh snapshot; false when not connected. */
  resync(): boolean {
    return this.send({ type: 'resync' });
  }

  close(): void {
    this.setStatus({ state: 'closed' });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.terminate();
  }

  private add(key: MessageType | '*', listener: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private async connect(): Promise<void> {
    this.setStatus({ state: 'connecting' });
    let endpoint: AgentEndpoint;
    try {
      endpoint = await this.endpoint();
    } catch (error) {
      this.scheduleRetry((error as Error).message);
      return;
    }
    if (this.currentStatus.state === 'closed') return;

    const url = `${endpoint.baseUrl.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${endpoint.token}` }, handshakeTimeout: this.options.connectTimeoutMs });
    this.socket = socket;
    let failure: string | null = null;

    let silence: NodeJS.Timeout | undefined;
    const expectPing = () => {
      clearTimeout(silence);
      silence = setTimeout(() => {
        failure = `no ping from the agent for ${this.options.silenceTimeoutMs / 1000}s`;
        socket.terminate();
      }, this.options.silenceTimeoutMs);
    };
    socket.on('open', () => {
      expectPing();
      this.send({ type: 'interest', watching: this.watching });
      this.setStatus({ state: 'open' });
    });
    socket.on('ping', expectPing);
    socket.on('message', (data) => this.dispatch(data.toString()));
    // The agent explains a refused upgrade (wrong token, say) in a JSON body; keep its words.
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        failure = agentErrorMessage(body) ?? `the agent refused the connection (HTTP ${response.statusCode})`;
        socket.terminate();
      });
    });
    socket.on('error', (error) => {
      failure ??= error.message === 'Opening handshake has timed out' ? `no answer within ${this.options.connectTimeoutMs / 1000}s` : error.message;
    });
    socket.on('close', () => {
      clearTimeout(silence);
      if (this.socket !== socket) return; // closed on purpose
      this.socket = null;
      this.scheduleRetry(failure ?? 'the agent closed the connection');
    });
  }

  private dispatch(text: string): void {
    const parsed = ServerMessage.safeParse(safeJson(text));
    if (!parsed.success) {
      // A message we cannot read may have carried a change: ask for the whole state again.
      this.options.log(`ignored an unreadable message from the agent (${describeIssues(parsed.error)}); asking for a fresh snapshot`);
      this.resync();
      return;
    }
    const message = parsed.data;
    if (message.type === 'snapshot') this.attempt = 0;
    for (const key of [message.type, '*'] as const) {
      for (const listener of this.listeners.get(key) ?? []) {
        try {
          listener(message);
        } catch (error) {
          this.options.log(`a listener for "${message.type}" failed: ${(error as Error).message}`);
        }
      }
    }
  }

  private send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private scheduleRetry(error: string): void {
    if (this.currentStatus.state === 'closed') return;
    const retryInMs = backoffDelay(this.attempt, this.options);
    this.attempt += 1;
    this.setStatus({ state: 'waiting', error, retryInMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, retryInMs);
  }

  private setStatus(status: EventsStatus): void {
    if (this.currentStatus.state === 'closed') return;
    this.currentStatus = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

function agentErrorMessage(body: string): string | null {
  const message = (safeJson(body) as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
