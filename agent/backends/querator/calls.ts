import { mediaFormat } from './duh';
import { parseGoDuration } from './goDuration';
import { readStringFields } from './protobuf';

/** The four calls ADR 13 pauses; every other path goes to the server untouched. */
export type HotMethod = 'produce' | 'lease' | 'complete' | 'retry';

export const HOT_PATHS: Readonly<Record<string, HotMethod>> = {
  '/v1/queue.produce': 'produce',
  '/v1/queue.lease': 'lease',
  '/v1/queue.complete': 'complete',
  '/v1/queue.retry': 'retry',
};

/** Field numbers of `queueName` and `requestTimeout` in Querator's queue.proto (v0.0.11). */
const PROTO_FIELDS: Record<HotMethod, { queue: number; timeout: number | null }> = {
  produce: { queue: 1, timeout: 2 },
  lease: { queue: 1, timeout: 4 },
  complete: { queue: 1, timeout: 3 },
  retry: { queue: 1, timeout: null },
};

const MINUTE = 60_000;
/** v0.0.11 has no request_timeout on retry and uses a fixed 5 minutes (validation.go). */
export const RETRY_REQUEST_TIMEOUT_MS = 5 * MINUTE;

/**
 * What the gateway knows about one hot call: the queue and how long the caller asked to wait,
 * or why the server is going to refuse the call anyway (then the gateway never holds it: it passes
 * it on and the server answers, paused or not).
 */
export type CallInfo = { kind: 'holdable'; queue: string; timeoutMs: number } | { kind: 'refused-by-server'; why: string };

export function classifyCall(method: HotMethod, contentType: string | undefined, body: Buffer): CallInfo {
  const fields = readFields(method, contentType, body);
  if ('why' in fields) return { kind: 'refused-by-server', why: fields.why };
  if (fields.queue === '') return { kind: 'refused-by-server', why: 'no queue_name' };
  if (method === 'retry') return { kind: 'holdable', queue: fields.queue, timeoutMs: RETRY_REQUEST_TIMEOUT_MS };
  const timeout = checkTimeout(method, fields.timeout);
  if (typeof timeout === 'string') return { kind: 'refused-by-server', why: timeout };
  return { kind: 'holdable', queue: fields.queue, timeoutMs: timeout };
}

/**
 * Querator's own checks on request_timeout (internal/logical.go, confirmed against the server):
 * it is required; produce takes 10ms < t < 15m, lease 10ms < t <= 15m, complete t != 0 and
 * t <= 15m. A call outside them is refused before the queue is touched.
 */
function checkTimeout(method: HotMethod, text: string): number | string {
  if (text === '') return 'request_timeout missing';
  let ms: number;
  try {
    ms = parseGoDuration(text);
  } catch (error) {
    return (error as Error).message;
  }
  const max = 15 * MINUTE;
  if (ms === 0) return 'request_timeout is zero';
  if (method === 'produce' && (ms >= max || ms <= 10)) return `request_timeout ${text} out of range`;
  if (method === 'lease' && (ms > max || ms <= 10)) return `request_timeout ${text} out of range`;
  if (method === 'complete' && ms > max) return `request_timeout ${text} out of range`;
  return Math.max(0, ms);
}

function readFields(method: HotMethod, contentType: string | undefined, body: Buffer): { queue: string; timeout: string } | { why: string } {
  const format = mediaFormat(contentType);
  if (format === 'protobuf') {
    const wanted = PROTO_FIELDS[method];
    const found = readStringFields(body, wanted.timeout === null ? [wanted.queue] : [wanted.queue, wanted.timeout]);
    if (!found) return { why: 'malformed protobuf' };
    return { queue: found.get(wanted.queue) ?? '', timeout: wanted.timeout === null ? '' : (found.get(wanted.timeout) ?? '') };
  }
  if (format === 'other') return { why: `unsupported Content-Type ${contentType ?? ''}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { why: 'malformed JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { why: 'not a JSON object' };
  const queue = protojsonString(parsed as Record<string, unknown>, 'queue_name', 'queueName');
  const timeout = protojsonString(parsed as Record<string, unknown>, 'request_timeout', 'requestTimeout');
  if (queue === undefined || timeout === undefined) return { why: 'invalid queue_name or request_timeout' };
  return { queue, timeout };
}

/**
 * protojson accepts a field under its JSON name and its proto name (and refuses both at once);
 * null means the default. undefined: the server refuses the body.
 */
function protojsonString(object: Record<string, unknown>, jsonName: string, protoName: string): string | undefined {
  const hasJson = Object.prototype.hasOwnProperty.call(object, jsonName);
  const hasProto = Object.prototype.hasOwnProperty.call(object, protoName);
  if (hasJson && hasProto) return undefined;
  const value = hasJson ? object[jsonName] : hasProto ? object[protoName] : null;
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : undefined;
}
