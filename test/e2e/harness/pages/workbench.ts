import * as path from 'path';
import type { Page } from 'playwright-core';
import { artifactsDir } from '../paths';
import { DEFAULT_TIMEOUT_MS, TextMatch, waitForLocator } from '../wait';
import { ActivityBar } from './activityBar';
import { Dialog } from './dialog';
import { NotificationInfo, Notifications } from './notifications';
import { QuickInput } from './quickInput';
import { StatusBar, StatusBarItemInfo, StatusBarMatch } from './statusBar';
import { TreeView } from './treeView';

/** The whole VS Code window; entry point to the other page objects. */
export class Workbench {
  readonly quickInput: QuickInput;
  readonly notifications: Notifications;
  readonly dialog: Dialog;
  readonly statusBar: StatusBar;
  readonly activityBar: ActivityBar;

  constructor(readonly page: Page) {
    this.quickInput = new QuickInput(page);
    this.notifications = new Notifications(page);
    this.dialog = new Dialog(page);
    this.statusBar = new StatusBar(page);
    this.activityBar = new ActivityBar(page);
  }

  /** Workbench rendered: activity bar and a populated status bar (the remote connection is up). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1000, deadline - Date.now());
    const seen = async () => {
      const title = await this.page.title().catch(() => '?');
      const body = (await this.page.locator('body').innerText({ timeout: 1000 }).catch(() => '')).slice(0, 300);
      return `page ${JSON.stringify(title)} at ${this.page.url()}, text ${JSON.stringify(body)}`;
    };
    await waitForLocator(this.page.locator('.monaco-workbench'), 'the VS Code workbench', seen, left());
    await waitForLocator(this.page.locator('.part.activitybar'), 'the activity bar', seen, left());
    await waitForLocator(this.page.locator('.part.statusbar .statusbar-item').first(), 'status bar items', seen, left());
  }

  treeView(name: string): TreeView {
    return new TreeView(this.page, name);
  }

  runCommand(title: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return this.quickInput.runCommand(title, timeoutMs);
  }

  pickQuickPick(label: TextMatch, opts?: { filter?: boolean; timeoutMs?: number }): Promise<void> {
    return this.quickInput.pick(label, opts);
  }

  submitInputBox(text: string, opts?: { prompt?: TextMatch; timeoutMs?: number }): Promise<void> {
    return this.quickInput.submitText(text, opts);
  }

  waitForNotification(message: TextMatch, timeoutMs?: number): Promise<NotificationInfo> {
    return this.notifications.waitFor(message, timeoutMs);
  }

  clickNotificationButton(message: TextMatch, button: string, timeoutMs?: number): Promise<void> {
    return this.notifications.clickButton(message, button, timeoutMs);
  }

  clickDialogButton(label: string, timeoutMs?: number): Promise<void> {
    return this.dialog.clickButton(label, timeoutMs);
  }

  waitForStatusBarItem(match: StatusBarMatch, timeoutMs?: number): Promise<StatusBarItemInfo> {
    return this.statusBar.waitFor(match, timeoutMs);
  }

  clickStatusBarItem(match: StatusBarMatch, timeoutMs?: number): Promise<void> {
    return this.statusBar.click(match, timeoutMs);
  }

  /** Saves test-artifacts/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
