import * as vscode from 'vscode';
import type { AgentSession } from '../agent/agentSession';
import { ContextKey, VIEW_ID } from '../constants';
import { hasPauses } from '../state/resourcePredicates';
import { ResourceTreeProvider } from './resourceTreeProvider';
import type { ResourceNode, TreeNode } from './treeNodes';
import { viewMessage } from './viewMessage';

/**
 * The tree view plus what surrounds it: the message line and the context keys that pick the
 * welcome content (starting / no connections) and the view's title actions.
 */
export class ResourceView implements vscode.Disposable {
  readonly provider: ResourceTreeProvider;
  private readonly view: vscode.TreeView<TreeNode>;
  private readonly contextValues = new Map<string, unknown>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly session: AgentSession,
    warnWithinMs?: () => number,
  ) {
    this.provider = new ResourceTreeProvider(session.store, () => (session.state.state === 'unreachable' ? session.state.error : null), warnWithinMs);
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.unsubscribe = [
      session.onDidChangeState(() => {
        this.provider.refreshAll();
        this.sync();
      }),
      session.store.onDidChange(() => this.sync()),
    ];
    this.sync();
  }

  /** Selects a resource's row, waiting briefly for the agent to push it if it is not listed yet. */
  async reveal(id: string, timeoutMs = 10_000): Promise<void> {
    const node = this.provider.nodeOf(id) ?? (await this.listed(id, timeoutMs));
    if (node) await this.view.reveal(node, { select: true, focus: false, expand: true });
  }

  dispose(): void {
    this.unsubscribe.forEach((stop) => stop());
    this.view.dispose();
    this.provider.dispose();
  }

  private listed(id: string, timeoutMs: number): Promise<ResourceNode | undefined> {
    return new Promise((resolve) => {
      const done = (node: ResourceNode | undefined) => {
        clearTimeout(timer);
        stop();
        resolve(node);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const stop = this.session.store.onDidChange(() => {
        const node = this.provider.nodeOf(id);
        if (node) done(node);
      });
    });
  }

  private sync(): void {
    this.view.message = viewMessage(this.session.state, this.session.store.configError);
    this.setContext(ContextKey.agentState, this.session.state.state);
    this.setContext(ContextKey.hasConnections, this.session.store.connections().length > 0);
    this.setContext(ContextKey.hasPaused, this.session.store.resources().some(hasPauses));
  }

  private setContext(key: string, value: unknown): void {
    if (this.contextValues.get(key) === value) return;
    this.contextValues.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
