import { z } from 'zod';

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
  'BackendError',
  'Conflict',
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
  Unsupported: 422,
  BackendUnavailable: 503,
  BackendError: 502,
  Internal: 500,
};

export const ApiErrorBody = z.object({ error: z.object({ code: ErrorCode, message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** An expected failure with a one-line message that tells the user what to do next. */
export class PauseError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PauseError';
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
