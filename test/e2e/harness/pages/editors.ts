import type { Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, describe, waitForLocator, waitUntil, type TextMatch } from '../wait';

/** The editor area: the active tab, its text as Monaco renders it, and the editor title's actions. */
export class Editors {
  constructor(private readonly page: Page) {}

  async activeTabTitle(): Promise<string> {
    return (await this.page.locator('.tabs-container .tab.active .label-name').first().textContent({ timeout: 2000 }).catch(() => null))?.trim() ?? '';
  }

  /** The visible lines of the active text editor (Monaco renders spaces as U+00A0). */
  async activeText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    // Monaco reuses line elements out of order: sort them by where they are drawn.
    const text = await lines.evaluate((el) => [...el.querySelectorAll('.view-line')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((line) => line.textContent ?? '').join('\n')).catch(() => '');
    return text.replace(/\u00a0/g, ' ');
  }

  /** Waits for the active tab's title and text to match; returns the text. */
  async waitForActive(title: TextMatch, text: (content: string) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return waitUntil(
      `the active editor ${describe(title)} to show ${what}`,
      async () => {
        const [tab, content] = [await this.activeTabTitle(), await this.activeText()];
        const titled = typeof title === 'string' ? tab === title : title.test(tab);
        return titled && text(content) ? content : undefined;
      },
      async () => `tab ${JSON.stringify(await this.activeTabTitle())}, text ${JSON.stringify((await this.activeText()).slice(0, 800))}`,
      timeoutMs,
    );
  }

  /** Clicks an action of the active editor's title bar by its title. */
  async clickTitleAction(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const action = this.page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label="${title}"]`).first();
    await waitForLocator(action, `editor title action ${JSON.stringify(title)}`, async () => {
      const titles = await this.page.locator('.editor-group-container.active .editor-actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return `actions ${JSON.stringify(titles)}`;
    }, timeoutMs);
    await action.click();
  }
}
