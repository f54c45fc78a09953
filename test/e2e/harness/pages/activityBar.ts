import type { Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, list, waitUntil } from '../wait';

interface ContainerInfo {
  title: string;
  checked: boolean;
  index: number;
}

/** The vertical bar of view containers (Explorer, Search, ..., ours). */
export class ActivityBar {
  constructor(private readonly page: Page) {}

  /** Titles as shown on hover, keybinding suffix removed ("Explorer (Ctrl+Shift+E)" -> "Explorer"). */
  async containers(): Promise<ContainerInfo[]> {
    return this.page.locator('.part.activitybar .action-item').evaluateAll((els) =>
      els.map((el, index) => ({
        index,
        title: (el.querySelector('.action-label')?.getAttribute('aria-label') ?? '').replace(/\s+\([^)]*\)$/, '').trim(),
        checked: el.classList.contains('checked'),
      })),
    );
  }

  /** Opens a view container by title. Clicking an already open one would close it, so that is skipped. */
  async openViewContainer(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const seen = async () => `activity bar ${list((await this.containers()).map((c) => c.title + (c.checked ? ' (open)' : '')))}`;
    const find = async () => (await this.containers()).find((c) => c.title === title);
    const item = await waitUntil(`view container ${JSON.stringify(title)} in the activity bar`, find, seen, timeoutMs);
    const sidebarVisible = await this.page.locator('.part.sidebar').isVisible();
    if (!(item.checked && sidebarVisible)) {
      await this.page.locator('.part.activitybar .action-item').nth(item.index).click();
    }
    await waitUntil(
      `view container ${JSON.stringify(title)} to be open`,
      async () => ((await find())?.checked && (await this.page.locator('.part.sidebar').isVisible()) ? true : undefined),
      seen,
      timeoutMs,
    );
  }
}
