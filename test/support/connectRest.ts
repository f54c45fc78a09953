import { connectService } from './sandboxFixture';

export interface ConnectReply {
  status: number;
  body: unknown;
  text: string;
}

/** Kafka Connect's REST API on the sandbox's worker, read directly (not through the product). */
export async function connectRest(method: string, path: string, body?: unknown): Promise<ConnectReply> {
  const response = await fetch(`${connectService().url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string };
  tasks: Array<{ id: number; state: string; trace?: string }>;
}

export async function connectStatus(name: string): Promise<ConnectorStatus> {
  return (await connectRest('GET', `/connectors/${name}/status`)).body as ConnectorStatus;
}
