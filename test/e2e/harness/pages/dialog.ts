import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, exactText, list, waitForLocator } from '../wait';

/** A modal dialog (showWarningMessage(..., { modal: true }) and friends). */
export class Dialog {
  private readonly box: Locator;

  constructor(page: Page) {
    this.box = page.locator('.monaco-dialog-box');
  }

  async isOpen(): Promise<boolean> {
    return this.box.isVisible();
  }

  /** Message and detail text of the open dialog. */
  async message(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    await waitForLocator(this.box, 'a modal dialog', async () => 'no dialog', timeoutMs);
    const parts = await this.box
      .locator('.dialog-message-text, .dialog-message-detail')
      .evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? '').filter(Boolean));
    return parts.join('\n');
  }

  async buttons(): Promise<string[]> {
    return this.box.locator('.dialog-buttons .monaco-button').evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
  }

  async clickButton(label: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await waitForLocator(this.box, `a modal dialog with button ${JSON.stringify(label)}`, async () => 'no dialog', timeoutMs);
    const button = this.box.locator('.dialog-buttons .monaco-button', { hasText: exactText(label) }).first();
    await waitForLocator(
      button,
      `dialog button ${JSON.stringify(label)}`,
      async () => `dialog ${JSON.stringify(await this.message(1000))} with buttons ${list(await this.buttons())}`,
      timeoutMs,
    );
    await button.click();
    await waitForLocator(this.box, 'the dialog to close', async () => 'the dialog is still open', timeoutMs, 'hidden');
  }
}
