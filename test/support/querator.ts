import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { agentPaths, type AgentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { freePort } from '../../sandbox/process';
import { startTestAgent, type TestAgent } from './agentHarness';
import { eventually } from './waitFor';
import { queratorService } from './sandboxFixture';

/** One answer, as raw as HTTP gives it: what the gateway must pass on unchanged. */
export interface RawReply {
  status: number;
  statusMessage: string;
  /** Header names (lower case) in the order received, without the ones Node adds per hop. */
  headerNames: string[];
  headers: Record<string, string>;
  body: Buffer;
  sentAt: number;
  answeredAt: number;
}

const PER_HOP = new Set(['connection', 'keep-alive', 'date', 'transfer-encoding']);

/**
 * A Querator client over plain HTTP (DUH-RPC), as a producer or consumer would call the server or
 * the gateway. It retries nothing by itself: the tests decide what a 454 means.
 */
export class DuhClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly base: string) {}

  post(path: string, body: string | Buffer | object, headers: Record<string, string> = {}, method = 'POST'): Promise<RawReply> {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const url = new URL(path, this.base);
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      const req = request(
        { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, agent: this.agent, headers: { 'content-type': 'application/json', ...headers, 'content-length': String(payload.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headerNames: string[] = [];
            const picked: Record<string, string> = {};
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              const name = res.rawHeaders[i].toLowerCase();
              if (PER_HOP.has(name)) continue;
              headerNames.push(name);
              picked[name] = res.rawHeaders[i + 1];
            }
            resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headerNames, headers: picked, body: Buffer.concat(chunks), sentAt, answeredAt: Date.now() });
          });
        },
      );
      req.on('error', reject);
      req.end(method === 'GET' ? undefined : payload);
    });
  }

  produce(queue: string, payloads: string[], timeout = '2s'): Promise<RawReply> {
    return this.post('/v1/queue.produce', { queue_name: queue, request_timeout: timeout, items: payloads.map((utf8) => ({ encoding: 'text/plain', kind: 'test', utf8 })) });
  }

  lease(queue: string, clientId: string, batchSize: number, timeout = '1s'): Promise<RawReply> {
    return this.post('/v1/queue.lease', { queue_name: queue, batch_size: batchSize, client_id: clientId, request_timeout: timeout });
  }

  complete(queue: string, partition: number, ids: string[], timeout = '2s'): Promise<RawReply> {
    return this.post('/v1/queue.complete', { queue_name: queue, partition, request_timeout: timeout, ids });
  }

  retry(queue: string, partition: number, ids: string[]): Promise<RawReply> {
    return this.post('/v1/queue.retry', { queue_name: queue, partition, items: ids.map((id) => ({ id })) });
  }

  stats(queue: string): Promise<RawReply> {
    return this.post('/v1/queue.stats', { queue_name: queue });
  }

  storageItems(queue: string, limit = 1000): Promise<RawReply> {
    return this.post('/v1/storage/items.list', { queue_name: queue, limit });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LeasedItem {
  id: string;
  attempts: number;
  bytes?: string;
}

export function leasedItems(reply: RawReply): { partition: number; items: LeasedItem[] } {
  const parsed = JSON.parse(reply.body.toString()) as { partition?: number; items?: LeasedItem[] };
  return { partition: parsed.partition ?? 0, items: parsed.items ?? [] };
}

export function payloadOf(item: LeasedItem): string {
  return Buffer.from(item.bytes ?? '', 'base64').toString('utf8');
}

/** Protobuf bytes for a lease request (fields 1 queue_name, 2 batch_size, 3 client_id, 4 request_timeout). */
export function protobufLease(queue: string, clientId: string, batchSize: number, timeout: string): Buffer {
  return Buffer.concat([pbString(1, queue), Buffer.from([0x10, batchSize]), pbString(3, clientId), pbString(4, timeout)]);
}

/** Protobuf bytes for a produce request with utf8 items (fields 1 queue_name, 2 request_timeout, 3 items{6 utf8}). */
export function protobufProduce(queue: string, timeout: string, payloads: string[]): Buffer {
  const items = payloads.map((payload) => {
    const item = pbString(6, payload);
    return Buffer.concat([Buffer.from([0x1a, item.length]), item]);
  });
  return Buffer.concat([pbString(1, queue), pbString(2, timeout), ...items]);
}

function pbString(field: number, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 127) throw new Error('test helper: strings up to 127 bytes');
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
}

// ------------------------------------------------------------------------------------------------
// An agent home with one Querator connection, and the agent running on it (in this process).

export interface QueratorEnv {
  paths: AgentPaths;
  connectionName: string;
  gatewayPort: number;
  endpoint: string;
  connection(overrides?: Record<string, unknown>): Record<string, unknown>;
  writeConnections(connections: object[]): void;
  /** Calls through the gateway, and straight to the server. */
  gateway: DuhClient;
  direct: DuhClient;
  agent: TestAgent | null;
  api: AgentClient;
  startAgent(): Promise<TestAgent>;
  stopAgent(): Promise<void>;
  close(): Promise<void>;
}

export const CONNECTION = 'qr';

export async function queratorEnv(options: { overrides?: Record<string, unknown> } = {}): Promise<QueratorEnv> {
  const server = queratorService();
  const home = mkdtempSync(join(tmpdir(), 'pp-qhome-'));
  const paths = agentPaths({ home });
  const gatewayPort = await freePort();
  const connection = (overrides: Record<string, unknown> = {}) => ({
    name: CONNECTION,
    kind: 'querator',
    endpoint: server.endpoint,
    gatewayPort,
    pollIntervalSeconds: 0.2,
    stateDir: join(home, 'querator'),
    ...options.overrides,
    ...overrides,
  });
  const writeConnections = (connections: object[]) => writeFileSync(paths.connections, JSON.stringify({ connections }, null, 2));
  writeConnections([connection()]);
  const env: QueratorEnv = {
    paths,
    connectionName: CONNECTION,
    gatewayPort,
    endpoint: server.endpoint,
    connection,
    writeConnections,
    gateway: new DuhClient(`http://127.0.0.1:${gatewayPort}`),
    direct: new DuhClient(server.endpoint),
    agent: null,
    api: null as unknown as AgentClient,
    async startAgent() {
      const agent = await startTestAgent(paths);
      env.agent = agent;
      env.api = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
      return agent;
    },
    async stopAgent() {
      const agent = env.agent;
      env.agent = null;
      await agent?.close();
    },
    async close() {
      await env.stopAgent();
      env.gateway.close();
      env.direct.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return env;
}

export function uniqueQueue(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The resource once the agent lists it in the given state (and it passes `accept`). */
export async function waitForResource(env: QueratorEnv, queue: string, accept: (resource: Resource) => boolean, what: string, timeoutMs = 10_000): Promise<Resource> {
  const found = await eventually(
    async () => (await env.api.snapshot()).resources.find((r) => r.id === `${CONNECTION}/${queue}`),
    (resource) => resource !== undefined && accept(resource),
    timeoutMs,
    what,
  );
  return found!;
}

/** Calls the gateway holds for a queue right now, from the resource's state line ("3 waiting at ..."). */
export function waitingCalls(resource: Resource): number {
  const match = /(\d+) waiting at/.exec(resource.stateDetail ?? '');
  return match ? Number(match[1]) : 0;
}
