import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, TextMatch, describe, exactText, list, matches, waitForLocator, waitUntil } from '../wait';

export interface NotificationInfo {
  message: string;
  source: string;
  buttons: string[];
}

/**
 * Notification toasts (bottom right). Toasts without buttons hide by
 * themselves after a few seconds, so wait for them soon after the action.
 */
export class Notifications {
  private readonly toasts: Locator;

  constructor(private readonly page: Page) {
    this.toasts = page.locator('.notifications-toasts .notification-toast');
  }

  async all(): Promise<NotificationInfo[]> {
    return this.toasts.evaluateAll((els) =>
      els
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => ({
          message: el.querySelector('.notification-list-item-message')?.textContent?.trim() ?? '',
          source: (el.querySelector('.notification-list-item-source')?.textContent ?? '').replace(/^Source:\s*/, '').trim(),
          buttons: [...el.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map(
            (b) => b.textContent?.trim() ?? '',
          ),
        })),
    );
  }

  private async seen(): Promise<string> {
    return `notifications ${list((await this.all()).map((n) => n.message))}`;
  }

  /** Waits for a toast whose message matches (string = exact, RegExp = search). */
  async waitFor(message: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<NotificationInfo> {
    return waitUntil(
      `a notification ${describe(message)}`,
      async () => (await this.all()).find((n) => matches(n.message, message)),
      () => this.seen(),
      timeoutMs,
    );
  }

  async waitForGone(message: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      `notification ${describe(message)} to disappear`,
      async () => ((await this.all()).some((n) => matches(n.message, message)) ? undefined : true),
      () => this.seen(),
      timeoutMs,
    );
  }

  async clickButton(message: TextMatch, button: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const info = await this.waitFor(message, timeoutMs);
    const btn = this.toast(message).locator('.notification-list-item-buttons-container .monaco-button', {
      hasText: exactText(button),
    });
    await waitForLocator(
      btn.first(),
      `button ${JSON.stringify(button)} on notification ${describe(message)}`,
      async () => `buttons ${list(info.buttons)}`,
      timeoutMs,
    );
    await btn.first().click();
  }

  /** Closes a toast with its "Clear Notification" action. */
  async dismiss(message: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.waitFor(message, timeoutMs);
    const toast = this.toast(message);
    await toast.hover();
    await toast.locator('.codicon-notifications-clear').first().click();
    await this.waitForGone(message, timeoutMs);
  }

  private toast(message: TextMatch): Locator {
    const messageRe = typeof message === 'string' ? exactText(message) : message;
    return this.toasts
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: messageRe }) })
      .first();
  }
}
