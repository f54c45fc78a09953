import { z } from 'zod';
import type { TroubledConnectionStatus } from './resource';

/** Failure codes shared by agent, CLI and extension; each maps to one HTTP status. */
export const ErrorCode = z.enum([
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyPaused',
  'NotPaused',
  'Unsupported',
  'BackendUnavailable',
  /** The backend got the request but sent no answer in time: a write may or may not have happened. */
  'BackendTimeout',
  'BackendError',
  'Conflict',
  /** A deploy the server cannot apply in place: it needs terminate-and-recreate, which the user must confirm. */
  'RecreateRequired',
  'Internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyPaused: 409,
  NotPaused: 409,
  Conflict: 409,
  RecreateRequired: 409,
  Unsupported: 422,
  BackendUnavailable: 503,
  BackendTimeout: 504,
  BackendError: 502,
  Internal: 500,
};

/** `details`: facts a client can act on without parsing the message (where a statement failed, say). */
export const ErrorDetails = z.record(z.string(), z.union([z.string(), z.number()]));
export type ErrorDetails = z.infer<typeof ErrorDetails>;
export const ApiErrorBody = z.object({ error: z.object({ code: ErrorCode, message: z.string(), details: ErrorDetails.optional() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** An expected failure with a one-line message that tells the user what to do next. */
export class PauseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'PauseError';
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/**
 * A refusal that asking again cannot change (ksqlDB: a query linked to a source table, an
 * unknown query id). Anything else (unreachable, 5xx, a Connect rebalance) may pass.
 */
export function isPermanentRefusal(error: unknown): boolean {
  return error instanceof PauseError && (error.code === 'BadRequest' || error.code === 'NotFound' || error.code === 'Unsupported');
}

/** How a failed listing shows on its connection: down, silent, or answering with an error (the user's next step differs). */
export function connectionTroubleOf(error: unknown): TroubledConnectionStatus {
  if (!(error instanceof PauseError) || error.code === 'BackendUnavailable') return 'unreachable';
  return error.code === 'BackendTimeout' ? 'slow' : 'failing';
}
