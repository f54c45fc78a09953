import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from '../constants';
import { LogTail, type LogEntry } from './agentLog';

/**
 * One LogOutputChannel for the agent's log file (followed from the first time it is shown)
 * and the extension's own notes about the agent.
 */
export class AgentLogChannel implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  private readonly tail: LogTail;

  constructor(logPath: string) {
    this.tail = new LogTail(logPath, (entries) => entries.forEach((entry) => this.write(entry)));
  }

  show(): void {
    this.tail.start();
    this.channel.show(true);
  }

  /** The extension's own warnings (an unreadable message from the agent, say). */
  warn(message: string): void {
    this.channel.warn(`[extension] ${message}`);
  }

  dispose(): void {
    this.tail.stop();
    this.channel.dispose();
  }

  private write(entry: LogEntry): void {
    this.channel[entry.level](entry.time ? `[agent ${entry.time}] ${entry.message}` : `[agent] ${entry.message}`);
  }
}
