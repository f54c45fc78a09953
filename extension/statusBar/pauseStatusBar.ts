import * as vscode from 'vscode';
import type { Resource } from '../../protocol/resource';
import { Command } from '../constants';
import { statusModel, type AgentReachability } from './statusModel';

/** Renders statusModel into one status bar item; call render() on every change and clock tick. */
export class PauseStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pipelinePause.status', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly current: () => { agent: AgentReachability; resources: Resource[]; warnWithinMs: number }) {
    this.item.name = 'Pipeline Pause';
  }

  render(): void {
    const { agent, resources, warnWithinMs } = this.current();
    const model = statusModel(agent, resources, new Date(), warnWithinMs);
    if (!model.visible) {
      this.item.hide();
      return;
    }
    this.item.text = model.text;
    this.item.tooltip = new vscode.MarkdownString(model.tooltip);
    this.item.backgroundColor = model.severity === 'normal' ? undefined : new vscode.ThemeColor(`statusBarItem.${model.severity}Background`);
    this.item.command = model.action === 'resume' ? Command.resume : Command.startAgent;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
