import type { Locator } from 'playwright-core';
import { waitFor } from '../../support/waitFor';

export const DEFAULT_TIMEOUT_MS = 15_000;

export type TextMatch = string | RegExp;

export function matches(actual: string, expected: TextMatch): boolean {
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

/** Exact, whitespace-trimmed text match usable in Playwright filters. */
export function exactText(expected: TextMatch): RegExp {
  if (expected instanceof RegExp) return expected;
  return new RegExp(`^\\s*${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

export function describe(expected: TextMatch): string {
  return typeof expected === 'string' ? JSON.stringify(expected) : String(expected);
}

/**
 * Polls `probe` until it returns something other than undefined (false counts as an answer). On
 * timeout the error says what was awaited and, via `seen`, what the UI showed instead.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  seen: () => Promise<string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  intervalMs = 100,
): Promise<T> {
  const answered = await waitFor(what, async () => {
    const value = await probe();
    return value === undefined ? undefined : { value };
  }, timeoutMs, intervalMs, seen);
  return answered.value;
}

/** Locator.waitFor with a message that names the target and what was seen. */
export async function waitForLocator(
  locator: Locator,
  what: string,
  seen: () => Promise<string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  state: 'visible' | 'hidden' | 'attached' | 'detached' = 'visible',
): Promise<void> {
  try {
    await locator.waitFor({ state, timeout: timeoutMs });
  } catch {
    let instead: string;
    try {
      instead = await seen();
    } catch (err) {
      instead = `(could not read the UI: ${(err as Error).message})`;
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} to be ${state}.\nSeen instead: ${instead}`);
  }
}

export function list(items: string[]): string {
  return items.length ? items.map((s) => JSON.stringify(s)).join(', ') : '(nothing)';
}
