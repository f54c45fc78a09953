/**
 * How a handler says what should happen to a failed task. As in buquet's Python worker, only a
 * RetryableError is retried (while the task has retries left); any other error fails the task.
 */
export class RetryableError extends Error {
  override name = 'RetryableError';
}

export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** buquet's `last_error` text: "<ErrorName>: <message>". */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
}
