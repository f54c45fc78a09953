import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, BrowserContext, Page } from 'playwright-core';
import { editorPaths } from './paths';
import { Workbench } from './pages/workbench';

// Debian's Chromium as root in a container: no sandbox, no GPU, and nothing
// that phones home (the machine is offline apart from package registries).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface OpenEditorOptions {
  headless?: boolean;
  viewport?: { width: number; height: number };
  /** Budget for the workbench to render after navigation. */
  readyTimeoutMs?: number;
}

export interface Editor {
  context: BrowserContext;
  page: Page;
  workbench: Workbench;
  /** Page errors and console errors seen so far; handy in failure messages. */
  errors: string[];
  timings: { launchMs: number; readyMs: number };
  close(): Promise<void>;
}

export async function openEditor(url: string, opts: OpenEditorOptions = {}): Promise<Editor> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pp-e2e-chromium-'));
  let t = Date.now();
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: editorPaths().chromium,
    headless: opts.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
  });
  const launchMs = Date.now() - t;
  const close = async () => {
    await context.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    t = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const workbench = new Workbench(page);
    await workbench.waitReady(opts.readyTimeoutMs ?? 60_000);
    return { context, page, workbench, errors, timings: { launchMs, readyMs: Date.now() - t }, close };
  } catch (err) {
    await close();
    throw err;
  }
}
