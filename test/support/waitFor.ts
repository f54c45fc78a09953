/**
 * The tests' one polling loop: polls until `probe` answers something other than undefined or
 * false; a probe that throws is tried again. If time runs out the error names what was awaited,
 * the last value or error, and what `seen` says was there instead (the e2e tests describe the UI).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200, seen?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const instead = seen ? `\nSeen instead: ${await seen().catch((error: Error) => `(could not tell: ${error.message})`)}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})${instead}`);
}

/** waitFor for a value judged by `accept` (any value, false and null included), polled every 100 ms. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  let last: T | undefined;
  return waitFor(
    what,
    async () => {
      last = await probe();
      return accept(last) ? { value: last } : undefined;
    },
    timeoutMs,
    100,
    async () => JSON.stringify(last),
  ).then((accepted) => accepted.value);
}

/** waitFor at a unit test's pace, where nothing leaves the process: every 10 ms, for up to 5 s. */
export function soon<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  return waitFor(what, async () => probe(), timeoutMs, 10);
}
