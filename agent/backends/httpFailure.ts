import { PauseError } from '../../protocol/errors';

/** Connections that never got a request to the server: nothing can have changed there. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What a failed `fetch` (or the read of its body) means for the user. Refused before anything
 * was sent: unreachable. Silent past the deadline: slow. Cut off after the request went: for a
 * call that changes something, the change may have been applied, so it says so rather than
 * "failed".
 */
export function httpFailure(error: unknown, call: { server: string; timeoutMs: number; changes: boolean }): PauseError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && NOT_SENT.has(cause.code)) return new PauseError('BackendUnavailable', `cannot reach ${call.server} (${cause.code}); is it running?`);
  const silent = (error as Error).name === 'TimeoutError';
  const what = silent ? `gave no answer within ${call.timeoutMs / 1000} s` : `cut the connection (${cause?.message ?? (error as Error).message})`;
  if (!call.changes) return new PauseError(silent ? 'BackendTimeout' : 'BackendUnavailable', `${call.server} ${what}`);
  return new PauseError('BackendTimeout', `${call.server} ${what}; the change may or may not have been applied; run status to see`);
}
