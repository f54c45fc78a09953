import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PauseError } from '../protocol/errors';

/** Where a queue's bucket lives; credentials only ever come from the SDK's default chain. */
export interface StoreOptions {
  endpoint?: string;
  region?: string;
  profile?: string;
  /** Bound on one S3 request, connect to last byte; the SDK retries once, so a call takes at most about twice this. */
  requestTimeoutSeconds?: number;
}

/** An S3 client for one connection, plus the server's clock read from response Date headers. */
export interface QueueStore {
  s3: S3Client;
  /** Server time now, estimated from the last Date header seen (1 s resolution, as S3 gives it). */
  serverNow(): Date | null;
  /** HTTP requests sent so far (retries included), by SDK command name: what S3 bills. */
  requestCounts(): Record<string, number>;
  describeEndpoint(): string;
  requestTimeoutSeconds: number;
}

const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;

export function createStore(config: StoreOptions): QueueStore {
  const requestTimeoutSeconds = config.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
  const s3 = new S3Client({
    region: config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: config.endpoint,
    forcePathStyle: config.endpoint !== undefined,
    // Credentials come only from the SDK's default chain (env, profiles, SSO, IMDS).
    profile: config.profile,
    maxAttempts: 2,
    // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when
    // requestTimeout passes and the request hangs on: a slow S3 then blocks a pause for minutes.
    requestHandler: { connectionTimeout: 3000, requestTimeout: requestTimeoutSeconds * 1000, throwOnRequestTimeout: true },
  });
  // Server time = last Date header + time elapsed since, on the monotonic clock: a step of the
  // local wall clock (NTP, a resumed VM) must not move the server time we act on.
  let clockOffsetMs: number | null = null;
  s3.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string> }).headers?.date;
      const parsed = date ? Date.parse(date) : NaN;
      // The header is truncated to the second: the middle of that second is the best estimate.
      if (!Number.isNaN(parsed)) clockOffsetMs = parsed + 500 - performance.now();
      return result;
    },
    // Innermost in the deserialize step: sees the raw response, even for 404 and 412 replies.
    { step: 'deserialize', priority: 'low', name: 'pipelinePauseServerClock' },
  );
  const counts: Record<string, number> = {};
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      counts[context.commandName ?? 'unknown'] = (counts[context.commandName ?? 'unknown'] ?? 0) + 1;
      return next(args);
    },
    // The finalize step runs once per attempt, after the retry middleware: one count per request sent.
    { step: 'finalizeRequest', priority: 'low', name: 'pipelinePauseRequestCounter' },
  );
  return {
    s3,
    serverNow: () => (clockOffsetMs === null ? null : new Date(performance.now() + clockOffsetMs)),
    requestCounts: () => ({ ...counts }),
    describeEndpoint: () => config.endpoint ?? `AWS S3 (${config.region ?? 'default region'})`,
    requestTimeoutSeconds,
  };
}

/** Server time, never ours: every request refreshes it from the response's Date header. */
export function serverTime(store: QueueStore): Date {
  const now = store.serverNow();
  if (!now) throw new PauseError('BackendError', `S3 at ${store.describeEndpoint()} sent no Date header; cannot tell server time`);
  return now;
}

/** Asks the server (one HEAD of the bucket) when no answer has told its time yet. */
export async function fetchServerTime(store: QueueStore, bucket: string): Promise<Date> {
  await store.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  return serverTime(store);
}

export function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

export function httpStatus(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function isNotFound(error: unknown): boolean {
  return errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound' || httpStatus(error) === 404;
}

export function isPreconditionFailed(error: unknown): boolean {
  return errorName(error) === 'PreconditionFailed' || httpStatus(error) === 412;
}

/** A conditional GET (If-None-Match) whose ETag still matches: the SDK surfaces the 304 as an error. */
export function isNotModified(error: unknown): boolean {
  return errorName(error) === 'NotModified' || httpStatus(error) === 304;
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'TokenProviderError',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** The request was sent (or a connection opened) but no whole answer came in time. */
// By code, not name: the SDK names a reset socket "TimeoutError" too.
export function isTimeout(error: unknown): boolean {
  return (error as { code?: string })?.code === 'ETIMEDOUT' || /exceeded the configured \d+ ms requestTimeout/.test((error as Error)?.message ?? '');
}

/** The connection broke after the request may have been sent: S3 may have applied it. */
function isCutOff(error: unknown): boolean {
  return (error as { code?: string })?.code === 'ECONNRESET' || /socket hang up|aborted|ECONNRESET/i.test((error as Error)?.message ?? '');
}

/**
 * A write that got no answer (in time, or at all) may still land: the caller must hear that the
 * outcome is unknown, not that it failed. `what` names the write ("the pause").
 */
export function toWriteError(error: unknown, store: QueueStore, bucket: string, what: string): PauseError {
  if (isTimeout(error)) {
    return new PauseError('BackendTimeout', `S3 at ${store.describeEndpoint()} did not answer within ${store.requestTimeoutSeconds} s; ${what} may or may not have been written; run status to see`);
  }
  if (isCutOff(error)) {
    return new PauseError('BackendTimeout', `S3 at ${store.describeEndpoint()} cut the connection before answering; ${what} may or may not have been written; run status to see`);
  }
  return toPauseError(error, store, bucket);
}

/** Turns an SDK failure into one line that says what happened and what to do next. */
export function toPauseError(error: unknown, store: QueueStore, bucket: string): PauseError {
  if (error instanceof PauseError) return error;
  const name = errorName(error) ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  const code = (error as { code?: string }).code;
  if (name === 'NoSuchBucket') {
    return new PauseError('NotFound', `bucket "${bucket}" does not exist at ${store.describeEndpoint()}; create it or fix "buckets" in the connections file`);
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new PauseError('BackendError', `S3 at ${store.describeEndpoint()} refused the credentials (${name}: ${firstLine(message)}); check the AWS profile or AWS_* environment variables`);
  }
  if (isTimeout(error)) {
    return new PauseError('BackendTimeout', `S3 at ${store.describeEndpoint()} gave no answer in ${store.requestTimeoutSeconds} s on bucket "${bucket}"; it is slow or overloaded`);
  }
  if ((code && NETWORK_CODES.has(code)) || /ECONNREFUSED|ENOTFOUND|socket hang up|timed? ?out/i.test(message)) {
    return new PauseError('BackendUnavailable', `cannot reach S3 at ${store.describeEndpoint()} (${firstLine(code ?? message)}); is the server running?`);
  }
  return new PauseError('BackendError', `S3 at ${store.describeEndpoint()} failed on bucket "${bucket}" (${name}: ${firstLine(message)})`);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
