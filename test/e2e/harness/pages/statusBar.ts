import type { Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, TextMatch, describe, list, matches, waitUntil } from '../wait';

export interface StatusBarItemInfo {
  /** DOM id; for extension items "<publisher>.<name>.<item id>". */
  id: string;
  /** Visible text, trimmed; codicons such as $(sync) are not part of it. */
  text: string;
  ariaLabel: string;
  /** Codicon names shown in the item, e.g. ["debug-pause"]. */
  icons: string[];
  /** Position among all status bar item elements, for clicking. */
  index: number;
}

/** string = exact (trimmed) match, RegExp = search. */
export type StatusBarMatch = TextMatch | { text?: TextMatch; ariaLabel?: TextMatch; id?: string };

export class StatusBar {
  constructor(private readonly page: Page) {}

  async items(): Promise<StatusBarItemInfo[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els
        .map((el, index) => ({ el, index }))
        .filter(({ el }) => el.getClientRects().length > 0)
        .map(({ el, index }) => ({
          index,
          id: el.id,
          text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
          ariaLabel: el.getAttribute('aria-label') ?? '',
          icons: [...el.querySelectorAll('.codicon')].flatMap((i) =>
            [...i.classList].filter((c) => c.startsWith('codicon-')).map((c) => c.slice('codicon-'.length)),
          ),
        })),
    );
  }

  async find(match: StatusBarMatch): Promise<StatusBarItemInfo | undefined> {
    const m = normalize(match);
    return (await this.items()).find(
      (i) =>
        (m.text === undefined || matches(i.text, m.text)) &&
        (m.ariaLabel === undefined || matches(i.ariaLabel, m.ariaLabel)) &&
        (m.id === undefined || i.id === m.id),
    );
  }

  async waitFor(match: StatusBarMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<StatusBarItemInfo> {
    return waitUntil(
      `a status bar item ${show(match)}`,
      () => this.find(match),
      async () => `status bar items ${list((await this.items()).map((i) => `${i.text} [${i.ariaLabel}]`))}`,
      timeoutMs,
    );
  }

  async click(match: StatusBarMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const item = await this.waitFor(match, timeoutMs);
    await this.page.locator('.part.statusbar .statusbar-item').nth(item.index).click();
  }
}

function normalize(match: StatusBarMatch): { text?: TextMatch; ariaLabel?: TextMatch; id?: string } {
  return typeof match === 'string' || match instanceof RegExp ? { text: match } : match;
}

function show(match: StatusBarMatch): string {
  const m = normalize(match);
  return Object.entries(m)
    .map(([k, v]) => `${k} ${describe(v as TextMatch)}`)
    .join(', ');
}
