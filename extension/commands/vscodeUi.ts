import * as vscode from 'vscode';
import type { CommandUi, PickItem } from './commandUi';

type ValuedItem<T> = vscode.QuickPickItem & { value: T };

function toQuickPick<T>(items: PickItem<T>[]): ValuedItem<T>[] {
  return items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value }));
}

/** CommandUi on the real editor. */
export const vscodeUi: CommandUi = {
  async pickOne(items, title) {
    return (await vscode.window.showQuickPick(toQuickPick(items), { title, matchOnDescription: true }))?.value;
  },
  async pickMany(items, title) {
    return (await vscode.window.showQuickPick(toQuickPick(items), { title, matchOnDescription: true, canPickMany: true }))?.map((item) => item.value);
  },
  input(options) {
    return Promise.resolve(vscode.window.showInputBox({ title: options.title, prompt: options.prompt, placeHolder: options.placeHolder, value: options.value, validateInput: options.validate, ignoreFocusOut: true }));
  },
  async confirm(message, detail, action) {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  },
  withProgress(title, work) {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (progress) => {
        // VS Code adds up increments (percent); the commands report how far they are.
        let shown = 0;
        return work((message, fraction) => {
          const percent = Math.round(Math.min(Math.max(fraction, 0), 1) * 100);
          progress.report({ message, increment: Math.max(percent - shown, 0) });
          shown = Math.max(shown, percent);
        });
      }),
    );
  },
  showError(message, ...actions) {
    return Promise.resolve(vscode.window.showErrorMessage(message, ...actions));
  },
  async showInfo(message) {
    // Not awaited: the promise only settles when the notification is dismissed.
    void vscode.window.showInformationMessage(message);
  },
  async showDocument(content) {
    const document = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
    await vscode.window.showTextDocument(document, { preview: true });
  },
};
