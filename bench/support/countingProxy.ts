import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one class of requests cost: how many were sent and the bytes each way (bodies only). */
export interface RequestCost {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

/** Names a request's class for the tally, e.g. `GET list` or `POST /ksql`. */
export type Classify = (request: IncomingMessage) => string;

/** By method and path, with S3's LIST (a GET with `list-type`) told apart from an object GET. */
export const byMethodAndPath: Classify = (request) => {
  const url = new URL(request.url ?? '/', 'http://proxy');
  if (request.method === 'GET' && url.searchParams.has('list-type')) return 'LIST';
  return `${request.method} ${url.pathname}`;
};

/**
 * An HTTP proxy in front of one real backend that counts what a client costs it: requests and
 * bytes per class, and the most requests in flight at once. Benchmarks point a connection at
 * `url` instead of the backend's own address.
 */
export class CountingProxy {
  private tally = new Map<string, RequestCost>();
  private statusTally = new Map<string, number>();
  private inFlight = 0;
  private peakInFlight = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string, classify: Classify = byMethodAndPath): Promise<CountingProxy> {
    const backend = new URL(target);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const proxy = new CountingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (incoming, outgoing) => {
      const name = classify(incoming);
      const cost = proxy.costOf(name);
      cost.requests += 1;
      proxy.inFlight += 1;
      proxy.peakInFlight = Math.max(proxy.peakInFlight, proxy.inFlight);
      let done = false;
      const finish = () => {
        if (!done) proxy.inFlight -= 1;
        done = true;
      };
      // Host stays the client's: S3 signs it, and path-style requests do not depend on it.
      const forwarded = httpRequest(
        { host: backend.hostname, port: backend.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          const status = `${name} ${answer.statusCode ?? 502}`;
          proxy.statusTally.set(status, (proxy.statusTally.get(status) ?? 0) + 1);
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('data', (chunk: Buffer) => (cost.bytesReceived += chunk.length));
          answer.pipe(outgoing);
          answer.on('end', finish);
          answer.on('error', finish);
        },
      );
      forwarded.on('error', () => {
        finish();
        outgoing.destroy();
      });
      outgoing.on('close', finish);
      incoming.on('data', (chunk: Buffer) => (cost.bytesSent += chunk.length));
      incoming.pipe(forwarded);
    });
    return proxy;
  }

  /** Costs per request class since the last reset. */
  counts(): Record<string, RequestCost> {
    return Object.fromEntries([...this.tally].map(([name, cost]) => [name, { ...cost }]));
  }

  /** Answers per request class and HTTP status since the last reset, e.g. `GET /q/control/paused.json 304`. */
  statuses(): Record<string, number> {
    return Object.fromEntries(this.statusTally);
  }

  total(): RequestCost {
    const all: RequestCost = { requests: 0, bytesSent: 0, bytesReceived: 0 };
    for (const cost of this.tally.values()) {
      all.requests += cost.requests;
      all.bytesSent += cost.bytesSent;
      all.bytesReceived += cost.bytesReceived;
    }
    return all;
  }

  /** Most requests that were in flight at one moment since the last reset. */
  peakConcurrency(): number {
    return this.peakInFlight;
  }

  reset(): void {
    this.tally = new Map();
    this.statusTally = new Map();
    this.peakInFlight = this.inFlight;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private costOf(name: string): RequestCost {
    let cost = this.tally.get(name);
    if (!cost) {
      cost = { requests: 0, bytesSent: 0, bytesReceived: 0 };
      this.tally.set(name, cost);
    }
    return cost;
  }
}
