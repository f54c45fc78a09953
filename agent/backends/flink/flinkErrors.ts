/** Exceptions that only wrap the real cause as it travels through the gateway and the REST layer. */
const WRAPPERS = /^org\.apache\.flink\.(table\.gateway|runtime\.rest)\.|^java\.util\.concurrent\./;
const CAUSE = /^(?:Caused by: )?([\w.$]+(?:Exception|Error)): (.+)$/;

/**
 * The one line of a Flink error body (`{"errors": ["...", "<stack trace>"]}`) a user can act
 * on: the first cause in the stack that is not a wrapper, without its Java class name, e.g.
 * "SQL validation failed. From line 2, column 6 to line 2, column 8: Object 't1x' not found".
 */
export function flinkErrorMessage(body: unknown): string | null {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return null;
  const causes = errors
    .filter((entry): entry is string => typeof entry === 'string')
    .flatMap((entry) => entry.split('\n'))
    .map((line) => CAUSE.exec(line.replace(/^<Exception on server side:/, '').trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const useful = causes.find(([, className]) => !WRAPPERS.test(className)) ?? causes.at(-1);
  // Flink wraps a validation error in one that repeats its first sentence (as EXPLAIN answers).
  if (useful) return useful[2].trim().replace(/^([^.]+\.) \1/, '$1');
  const first = errors.find((entry): entry is string => typeof entry === 'string' && entry !== 'Internal server error.');
  return first?.split('\n')[0].trim() ?? null;
}

/** Where in a statement Flink's parser or validator put the fault: its first "line L, column C". */
export function faultPosition(message: string): { line: number; column: number } | null {
  const match = /line (\d+), column (\d+)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}
