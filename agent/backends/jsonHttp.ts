import type { z } from 'zod';
import { PauseError, type ErrorCode } from '../../protocol/errors';
import { httpFailure } from './httpFailure';

export interface JsonServer {
  /** How messages name the server, e.g. "Flink at http://127.0.0.1:8081". */
  server: string;
  baseUrl: string;
  timeoutMs: number;
  /** Headers every call sends: credentials, a vendor media type in `accept`. */
  headers?(): Record<string, string>;
  /** The media type of a request body; application/json unless the server wants its own. */
  bodyType?: string;
  /** Sees the text of every answer (the Querator gateway learns from them), before it is judged. */
  onText?(text: string): void;
  /** The server's own words in an error body, when it has any. */
  errorMessage?(body: unknown): string | null;
  /** What an HTTP error status means for this server, when it differs from errorCodeOf's reading. */
  errorCode?(status: number): ErrorCode;
  /** The error an HTTP error answer becomes, when a server's callers need more than a PauseError. */
  failure?(status: number, body: unknown, text: string, path: string): Error;
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * Whether the call changes something, so a lost answer is reported as "may have been applied";
   * by default every method but GET does. A POST that only reads (a query, an RPC) says false.
   */
  changes?: boolean;
}

/**
 * A JSON-over-HTTP call with one deadline for headers and body, whose failures are PauseErrors
 * carrying the server's own words: what every REST backend client needs, written once.
 */
export async function callJson(server: JsonServer, method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? server.timeoutMs;
  // Outside the try: missing credentials are the user's to fix, not a server that is down.
  const headers = { accept: 'application/json', ...server.headers?.(), ...(body === undefined ? {} : { 'content-type': server.bodyType ?? 'application/json' }) };
  let response: Response;
  let text: string;
  try {
    // The deadline covers the body too: a server can send the headers and then go silent.
    response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw httpFailure(error, { server: server.server, timeoutMs, changes: options.changes ?? method !== 'GET' });
  }
  server.onText?.(text);
  const json = parseJsonOrUndefined(text);
  if (response.ok) return json;
  if (server.failure) throw server.failure(response.status, json, text, path);
  const message = server.errorMessage?.(json) ?? `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  throw new PauseError((server.errorCode ?? errorCodeOf)(response.status), `${server.server} answered ${response.status}: ${message}`);
}

/** A body checked against the shape the server documents; anything else is the server's fault, said so. */
export function parseBody<T extends z.ZodType>(server: JsonServer, schema: T, body: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PauseError('BackendError', `${server.server} answered ${what} with a body this agent does not understand`);
  return parsed.data;
}

export function errorCodeOf(status: number): ErrorCode {
  if (status === 404) return 'NotFound';
  // 409: Connect's rebalance in progress, say: the request may be retried in a moment.
  if (status === 409) return 'Conflict';
  if (status === 400) return 'BadRequest';
  if (status === 503) return 'BackendUnavailable';
  return 'BackendError';
}

export function parseJsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
