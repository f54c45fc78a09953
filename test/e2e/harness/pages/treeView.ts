import type { Locator, Page } from 'playwright-core';
import { DEFAULT_TIMEOUT_MS, TextMatch, describe, exactText, list, matches, waitForLocator, waitUntil } from '../wait';

export interface TreeRowInfo {
  label: string;
  description: string;
  /** The row's aria-label: the item's tooltip or accessibilityInformation, not its label. */
  ariaLabel: string;
  level: number;
  expanded?: boolean;
}

/** A tree view (a pane of a view container), found by its name as shown in its header. */
export class TreeView {
  readonly pane: Locator;
  private readonly rows: Locator;

  constructor(private readonly page: Page, readonly name: string) {
    this.pane = page
      .locator('.pane')
      .filter({ has: page.locator('.pane-header h3.title', { hasText: exactText(name) }) })
      .filter({ visible: true })
      .first();
    this.rows = this.pane.locator('.pane-body .monaco-list-row');
  }

  async waitVisible(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await waitForLocator(this.pane, `view ${JSON.stringify(this.name)}`, () => this.seenViews(), timeoutMs);
  }

  /** Expands the pane if its header is collapsed. */
  async expand(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.waitVisible(timeoutMs);
    const header = this.pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await waitForLocator(this.pane.locator('.pane-body').first(), `the body of view ${JSON.stringify(this.name)}`, () => this.seenViews(), timeoutMs);
  }

  /** Rendered rows (long trees are virtualized: only rows in view are in the DOM). */
  async items(): Promise<TreeRowInfo[]> {
    return this.rows.evaluateAll((els) =>
      els.map((el) => {
        const exp = el.getAttribute('aria-expanded');
        return {
          label: el.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: el.querySelector('.label-description')?.textContent?.trim() ?? '',
          ariaLabel: el.getAttribute('aria-label') ?? '',
          level: Number(el.getAttribute('aria-level') ?? 1),
          expanded: exp === null ? undefined : exp === 'true',
        };
      }),
    );
  }

  /** Locator of the first row whose label matches (string = exact). */
  row(label: TextMatch): Locator {
    return this.rows.filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) }).first();
  }

  async waitForRow(label: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TreeRowInfo> {
    return waitUntil(
      `row ${describe(label)} in view ${JSON.stringify(this.name)}`,
      async () => (await this.items()).find((r) => matches(r.label, label)),
      () => this.seenRows(),
      timeoutMs,
    );
  }

  async waitForRowGone(label: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      `row ${describe(label)} to disappear from view ${JSON.stringify(this.name)}`,
      async () => ((await this.items()).some((r) => matches(r.label, label)) ? undefined : true),
      () => this.seenRows(),
      timeoutMs,
    );
  }

  async description(label: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return (await this.waitForRow(label, timeoutMs)).description;
  }

  /** Waits until the row's description matches, e.g. a state pushed by the agent. */
  async waitForDescription(label: TextMatch, expected: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TreeRowInfo> {
    return waitUntil(
      `row ${describe(label)} in view ${JSON.stringify(this.name)} to have description ${describe(expected)}`,
      async () => (await this.items()).find((r) => matches(r.label, label) && matches(r.description, expected)),
      () => this.seenRows(),
      timeoutMs,
    );
  }

  async click(label: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.waitForRow(label, timeoutMs);
    await this.row(label).click();
  }

  /** Hovers the row (inline actions only show on hover/focus) and clicks the action by its title. */
  async clickInlineAction(label: TextMatch, action: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.waitForRow(label, timeoutMs);
    const row = this.row(label);
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label="${cssEscape(action)}"], .actions .action-label[title="${cssEscape(action)}"]`).first();
    await waitForLocator(button, `inline action ${JSON.stringify(action)} on row ${describe(label)}`, async () => {
      const actions = await row.locator('.actions .action-label').evaluateAll((els) =>
        els.map((e) => e.getAttribute('aria-label') ?? e.getAttribute('title') ?? ''),
      );
      return `inline actions ${list(actions)}`;
    }, timeoutMs);
    await button.click();
  }

  /** Right-clicks the row and picks an item of its context menu. */
  async clickContextMenuItem(label: TextMatch, item: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.waitForRow(label, timeoutMs);
    await this.row(label).click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu').first();
    const entry = menu.locator('.action-menu-item', { has: this.page.locator('.action-label', { hasText: exactText(item) }) }).first();
    try {
      await waitForLocator(entry, `context menu item ${JSON.stringify(item)} on row ${describe(label)}`, async () => {
        const items = await menu.locator('.action-menu-item .action-label').evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
        return `menu items ${list(items)}`;
      }, timeoutMs);
    } catch (err) {
      await this.page.keyboard.press('Escape');
      throw err;
    }
    // Monaco menus ignore a click that comes right after they open (it guards
    // against the opening right-click's mouseup), so click until it closes.
    await waitUntil(
      `context menu item ${JSON.stringify(item)} to be accepted`,
      async () => {
        if (!(await menu.isVisible())) return true;
        await entry.click({ timeout: 1000 }).catch(() => undefined);
        await menu.waitFor({ state: 'hidden', timeout: 500 }).catch(() => undefined);
        return undefined;
      },
      async () => 'the menu is still open',
      5000,
    );
  }

  /** Text of the view's message (TreeView.message) and welcome content (viewsWelcome), joined by newlines. */
  async message(): Promise<string> {
    const parts = await this.pane
      .locator('.pane-body .message:not(.hide), .pane-body .welcome-view-content')
      .evaluateAll((els) =>
        els
          .filter((e) => e.getClientRects().length > 0)
          // One line per block (paragraph, button) so "text" and "button" don't run together.
          .map((e) => (e.children.length ? [...e.children] : [e]).map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()))
          .map((lines) => lines.filter(Boolean).join('\n')),
      );
    return parts.filter(Boolean).join('\n');
  }

  async waitForMessage(expected: TextMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return waitUntil(
      `view ${JSON.stringify(this.name)} to show message ${describe(expected)}`,
      async () => {
        const m = await this.message();
        const ok = typeof expected === 'string' ? m.includes(expected) : expected.test(m);
        return ok ? m : undefined;
      },
      async () => `message ${JSON.stringify(await this.message())}, rows ${list((await this.items()).map((r) => r.label))}`,
      timeoutMs,
    );
  }

  /**
   * Clicks an action of the view's title bar by its title, e.g. "Add Connection...". A container
   * with one view shows them in the side bar's title instead, and only while the mouse is over it.
   */
  async clickTitleAction(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const sidebar = this.page.locator('.part.sidebar');
    const button = sidebar.locator(`.title-actions .action-label[aria-label="${cssEscape(title)}"], .pane-header .actions .action-label[aria-label="${cssEscape(title)}"]`).filter({ visible: true }).first();
    await waitUntil(
      `title action ${JSON.stringify(title)} of view ${JSON.stringify(this.name)}`,
      async () => {
        await sidebar.locator('.composite.title, .pane-header').first().hover().catch(() => undefined);
        return (await button.count()) > 0 ? true : undefined;
      },
      async () => `title actions ${list(await sidebar.locator('.title-actions .action-label, .pane-header .actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')))}`,
      timeoutMs,
    );
    await button.click();
  }

  /** Clicks a button or link of the welcome content, e.g. "[Start agent](command:...)". */
  async clickWelcomeButton(text: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const target = this.pane
      .locator('.welcome-view-content')
      .locator('.monaco-button, a', { hasText: exactText(text) })
      .first();
    await waitForLocator(target, `welcome button ${JSON.stringify(text)} in view ${JSON.stringify(this.name)}`, async () => `message ${JSON.stringify(await this.message())}`, timeoutMs);
    await target.click();
  }

  private async seenRows(): Promise<string> {
    const rows = (await this.items()).map((r) => (r.description ? `${r.label} — ${r.description}` : r.label));
    const msg = await this.message().catch(() => '');
    return `rows ${list(rows)}${msg ? `, message ${JSON.stringify(msg)}` : ''}`;
  }

  private async seenViews(): Promise<string> {
    const titles = await this.page
      .locator('.pane .pane-header h3.title')
      .evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => e.textContent?.trim() ?? ''));
    return `visible views ${list(titles)}`;
  }
}

function cssEscape(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
