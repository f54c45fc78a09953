import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, TextMatch, describe, exactText, list, waitForLocator, waitUntil } from '../wait';

/** The command palette / quick pick / input box widget (one shared DOM node). */
export class QuickInput {
  readonly widget: Locator;
  private readonly input: Locator;
  private readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('.quick-input-box input');
    this.rows = this.widget.locator('.quick-input-list .monaco-list-row');
  }

  async isOpen(): Promise<boolean> {
    return this.widget.isVisible();
  }

  /** Labels of the rows currently rendered (long lists are virtualized). */
  async items(): Promise<string[]> {
    if (!(await this.isOpen())) return [];
    return this.rows.evaluateAll((rows) =>
      rows.map((r) => (r.querySelector('.label-name')?.textContent ?? r.getAttribute('aria-label') ?? '').trim()),
    );
  }

  /** Title, placeholder and message (prompt / validation) of the open widget. */
  async prompt(): Promise<string> {
    if (!(await this.isOpen())) return '(quick input closed)';
    const title = (await this.widget.locator('.quick-input-title').textContent())?.trim() ?? '';
    const placeholder = (await this.input.getAttribute('placeholder')) ?? '';
    const message = (await this.widget.locator('.quick-input-message').textContent())?.trim() ?? '';
    return [title, placeholder, message].filter((s) => s && s !== '\u00a0').join(' | ');
  }

  private async seen(): Promise<string> {
    if (!(await this.isOpen())) return 'the quick input is closed';
    return `prompt ${JSON.stringify(await this.prompt())}, value ${JSON.stringify(await this.input.inputValue())}, rows ${list(await this.items())}`;
  }

  async close(): Promise<void> {
    if (await this.isOpen()) {
      await this.page.keyboard.press('Escape');
      await waitForLocator(this.widget, 'the quick input to close', () => this.seen(), 5000, 'hidden');
    }
  }

  /** Runs a command by its palette title, e.g. "Demo: Ask Questions" (category included). */
  async runCommand(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.close();
    await waitUntil(
      'the command palette to open (F1)',
      async () => {
        if (!(await this.isOpen())) {
          await this.page.keyboard.press('F1');
          await this.widget.waitFor({ state: 'visible', timeout: 2000 }).catch(() => undefined);
        }
        return (await this.input.inputValue().catch(() => '')).startsWith('>') ? true : undefined;
      },
      () => this.seen(),
      timeoutMs,
    );
    await this.input.fill(`>${title}`);
    const row = this.rowByLabel(title);
    await waitForLocator(row, `command ${JSON.stringify(title)} in the command palette`, () => this.seen(), timeoutMs);
    await row.click();
    // Done once the palette closed or was replaced by the command's own quick input.
    await waitUntil(
      `the command palette to run ${JSON.stringify(title)}`,
      async () => {
        if (!(await this.isOpen())) return true;
        return (await this.input.inputValue()).startsWith('>') ? undefined : true;
      },
      () => this.seen(),
      5000,
    );
  }

  /**
   * Answers an open quick pick by clicking the row with this label.
   * `filter` types the label first, for lists too long to render every row.
   */
  async pick(label: TextMatch, opts: { filter?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    await waitForLocator(this.widget, 'a quick pick', () => this.seen(), timeoutMs);
    if (opts.filter && typeof label === 'string') await this.input.fill(label);
    const row = this.rowByLabel(label);
    await waitForLocator(row, `quick pick item ${describe(label)}`, () => this.seen(), timeoutMs);
    await row.click();
  }

  /** Types into an open input box (showInputBox) and presses Enter. */
  async submitText(text: string, opts: { prompt?: TextMatch; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const what = `an input box${opts.prompt ? ` with prompt ${describe(opts.prompt)}` : ''}`;
    await waitUntil(
      what,
      async () => {
        if (!(await this.isOpen()) || (await this.rows.count()) > 0) return undefined;
        if (!opts.prompt) return true;
        const p = await this.prompt();
        const ok = typeof opts.prompt === 'string' ? p.includes(opts.prompt) : opts.prompt.test(p);
        return ok ? true : undefined;
      },
      () => this.seen(),
      timeoutMs,
    );
    await this.input.fill(text);
    await this.input.press('Enter');
    // If the box is still there holding our text, validation refused it.
    await waitUntil(
      `the input box to accept ${JSON.stringify(text)}`,
      async () => ((await this.isOpen()) && (await this.input.inputValue()) === text ? undefined : true),
      () => this.seen(),
      5000,
    );
  }

  private rowByLabel(label: TextMatch): Locator {
    return this.rows.filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
  }
}
