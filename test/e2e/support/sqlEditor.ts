import type { Page } from 'playwright-core';
import { list, waitForLocator, waitUntil } from '../harness/wait';

/**
 * The text editor side of deploy: opening a workspace file, its CodeLenses, and the Problems
 * panel, as Monaco renders them in code-server.
 */

/** Opens a workspace file with Quick Open and waits for its editor tab. */
export async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await waitForLocator(input, 'Quick Open', async () => 'no quick input', 15_000);
  await input.fill(name);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  await waitForLocator(row, `${name} in Quick Open`, async () => list(await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()), 15_000);
  await row.click();
  await waitForLocator(page.locator('.tabs-container .tab', { hasText: name }).first(), `the ${name} tab`, async () => 'no tab', 15_000);
}

/** Moves the cursor with Go to Line (Ctrl+G); its quick input shows a hint row, so it is typed into directly. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await waitForLocator(input, 'Go to Line', async () => 'no quick input', 15_000);
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await waitForLocator(page.locator('.quick-input-widget'), 'Go to Line to close', async () => 'still open', 5000, 'hidden');
}

/** The CodeLens titles in the open editor, top to bottom. */
export async function codeLensTitles(page: Page): Promise<string[]> {
  return (await page.locator('.monaco-editor .codelens-decoration a').allInnerTexts()).map((t) => t.trim());
}

export async function waitForCodeLenses(page: Page, title: string, count: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `${count} CodeLenses "${title}"`,
    async () => ((await codeLensTitles(page)).filter((t) => t === title).length === count ? true : undefined),
    async () => `lenses ${list(await codeLensTitles(page))}`,
    timeoutMs,
  );
}

/** Clicks the n-th lens (0-based) with this title. */
export async function clickCodeLens(page: Page, title: string, index: number): Promise<void> {
  await page.locator('.monaco-editor .codelens-decoration a', { hasText: title }).nth(index).click();
}

/** The Problems panel's rows (aria-labels name the message, line and column). */
export async function problems(page: Page): Promise<string[]> {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
}

export async function openProblemsPanel(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await waitForLocator(page.locator('.markers-panel'), 'the Problems panel', async () => 'not open', 15_000);
}

export async function waitForProblem(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return waitUntil(
    `a problem matching ${pattern}`,
    async () => (await problems(page)).find((p) => pattern.test(p)),
    async () => `problems ${list(await problems(page))}`,
    timeoutMs,
  );
}
