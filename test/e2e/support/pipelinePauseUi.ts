import type { Page } from 'playwright-core';
import type { StatusBarItemInfo } from '../harness/pages/statusBar';
import type { TreeView, Workbench } from '../harness';
import { list, waitUntil } from '../harness/wait';
import { CONTAINER, VIEW } from './editorEnv';

/**
 * The extension's status bar item has the DOM id "<publisher>.<extension name>.<item id>"; the
 * text is "$(debug-pause) N paused" with the codicon rendered as an icon, so "N paused" here.
 */
export const STATUS_ITEM_ID = 'pipeline-pause.pipeline-pause.pipelinePause.status';

/** Default wait for something the agent pushes: a few poll intervals plus a slow 2-core machine. */
export const PUSH_TIMEOUT_MS = 20_000;

/** Opens the activity-bar container and returns its tree view. */
export async function openPipelinesView(workbench: Workbench): Promise<TreeView> {
  await workbench.activityBar.openViewContainer(CONTAINER, 30_000);
  const view = workbench.treeView(VIEW);
  await view.expand(30_000);
  return view;
}

/** Our status bar item while it is shown, or undefined while it is hidden. */
export async function statusItem(workbench: Workbench): Promise<StatusBarItemInfo | undefined> {
  return (await workbench.statusBar.items()).find((i) => i.id === STATUS_ITEM_ID);
}

export async function waitForStatusText(workbench: Workbench, text: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<StatusBarItemInfo> {
  return waitUntil(
    `the Pipeline Pause status bar item to say ${JSON.stringify(text)}`,
    async () => {
      const item = await statusItem(workbench);
      return item && item.text === text ? item : undefined;
    },
    () => seenStatusBar(workbench),
    timeoutMs,
  );
}

export async function waitForStatusHidden(workbench: Workbench, timeoutMs = PUSH_TIMEOUT_MS): Promise<void> {
  await waitUntil(
    'the Pipeline Pause status bar item to be hidden',
    async () => ((await statusItem(workbench)) ? undefined : true),
    () => seenStatusBar(workbench),
    timeoutMs,
  );
}

async function seenStatusBar(workbench: Workbench): Promise<string> {
  const items = await workbench.statusBar.items();
  const ours = items.find((i) => i.id === STATUS_ITEM_ID);
  return `our item ${ours ? JSON.stringify(`${ours.text} [${ours.ariaLabel}] icons ${ours.icons.join(',')}`) : 'hidden'}; all items ${list(items.map((i) => `${i.id}: ${i.text}`))}`;
}

/** The few DOM types the in-page functions below need (the project compiles without lib "dom"). */
interface PageNode {
  textContent: string | null;
  getClientRects(): { length: number };
}
interface PageGlobals {
  document: { getElementById(id: string): PageNode | null; body: unknown };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
  setTimeout(callback: () => void, ms: number): unknown;
  __pipelinePauseWatch?: Promise<number>;
}

/**
 * Starts watching, inside the page, for the status bar item to show `text` (or, with
 * shown=false, to stop showing it), and returns once the watch is in place. The returned
 * function resolves to the moment it happened: Date.now() taken in the page by a
 * MutationObserver (the same clock as the test's), so it is not rounded up to a poll of the test.
 */
export async function watchStatusText(page: Page, text: string, shown: boolean, timeoutMs: number): Promise<() => Promise<number>> {
  // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper.
  await page.evaluate('globalThis.__name = globalThis.__name || ((fn) => fn)');
  await page.evaluate(
    ({ id, text, shown, timeoutMs }) => {
      const g = globalThis as unknown as PageGlobals;
      g.__pipelinePauseWatch = new Promise<number>((resolve, reject) => {
        const matches = () => {
          const el = g.document.getElementById(id);
          const showing = !!el && el.getClientRects().length > 0 && (el.textContent ?? '').replace(/\s+/g, ' ').trim() === text;
          return showing === shown;
        };
        if (matches()) return resolve(Date.now());
        const observer = new g.MutationObserver(() => {
          if (!matches()) return;
          observer.disconnect();
          resolve(Date.now());
        });
        observer.observe(g.document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        g.setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the status bar did not ${shown ? 'show' : 'stop showing'} ${JSON.stringify(text)} within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      // Rejections are read by the second evaluate; do not report them as unhandled meanwhile.
      g.__pipelinePauseWatch.catch(() => undefined);
    },
    { id: STATUS_ITEM_ID, text, shown, timeoutMs },
  );
  return () => page.evaluate(() => (globalThis as unknown as PageGlobals).__pipelinePauseWatch as Promise<number>);
}

const HOVER = '.monaco-hover, .workbench-hover';

/** Moves the mouse to the empty editor area and waits for any hover (tooltip) to close. */
export async function clearHovers(page: Page): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(viewport.width * 0.6, viewport.height * 0.6);
  await page.locator(HOVER).filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
}

/**
 * Hovers a tree row and returns the text of the hover it opens (the item's Markdown tooltip;
 * the row's aria-label is only "label description"). `whileShown` runs while it is open (a
 * screenshot, say). Moves the mouse away afterwards.
 */
export async function rowHoverText(page: Page, view: TreeView, label: string, expected: string, options: { whileShown?: () => Promise<unknown>; timeoutMs?: number } = {}): Promise<string> {
  const hover = page.locator(HOVER).filter({ visible: true });
  const row = view.row(label);
  try {
    const text = await waitUntil(
      `the hover of row ${JSON.stringify(label)} to contain ${JSON.stringify(expected)}`,
      async () => {
        const text = (await hover.allInnerTexts()).join('\n');
        if (text.includes(expected)) return text;
        // Another hover (an inline action's title, say) or none: point at the row's label afresh.
        await page.mouse.move(0, 0);
        await hover.first().waitFor({ state: 'hidden', timeout: 2000 }).catch(() => undefined);
        await row.locator('.label-name').first().hover();
        await hover.first().waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
        return undefined;
      },
      async () => `hover ${JSON.stringify((await hover.allInnerTexts()).join('\n'))}`,
      options.timeoutMs ?? 10_000,
    );
    await options.whileShown?.();
    return text;
  } finally {
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
  }
}

/** Registers an afterEach that screenshots the workbench as a failed test left it. */
export function screenshotOnFailure(prefix: string, workbench: () => Workbench | undefined): void {
  afterEach(async function () {
    const shown = workbench();
    if (this.currentTest?.state === 'failed' && shown) await shown.screenshot(`${prefix}-FAILED-${this.currentTest.title.slice(0, 50)}`).catch(() => undefined);
  });
}
