import * as vscode from 'vscode';
import type { ResourceStore, StoreChange } from '../state/resourceStore';
import { autoResumeAt, DEFAULT_DATA_LOSS_WARNING_MS } from '../state/resourcePredicates';
import { Command } from '../constants';
import { agentDownItem, connectionItem, resourceItem, type ItemModel } from './resourceItemModel';
import type { AgentDownNode, ConnectionNode, ResourceNode, TreeNode } from './treeNodes';

const AGENT_DOWN: AgentDownNode = { kind: 'agent-down' };

/**
 * Connections, then their resources; or, while the agent is unreachable, one row saying so.
 * Nodes keep their identity per id so a pushed change can refresh exactly one row
 * (`onDidChangeTreeData(node)`) instead of the whole tree.
 */
export class ResourceTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly connectionNodes = new Map<string, ConnectionNode>();
  private readonly resourceNodes = new Map<string, ResourceNode>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ResourceStore,
    /** Why the agent cannot be reached, or null while it can (or is starting). */
    private readonly agentProblem: () => string | null,
    /** How close a data-loss deadline turns a held row warning-colored (the setting). */
    private readonly warnWithinMs: () => number = () => DEFAULT_DATA_LOSS_WARNING_MS,
  ) {
    this.unsubscribe = store.onDidChange((change) => this.changed(change));
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.agentProblem() === null ? this.store.connections().map((c) => this.connectionNode(c.name)) : [AGENT_DOWN];
    if (node.kind === 'connection') return this.store.resourcesOf(node.name).map((r) => this.resourceNode(r.id));
    return [];
  }

  /** TreeView.reveal walks up from a row to its connection. */
  getParent(node: TreeNode): TreeNode | undefined {
    return node.kind === 'resource' ? this.connectionNode(node.id.slice(0, node.id.indexOf('/'))) : undefined;
  }

  /** The row of a listed resource, for reveal. */
  nodeOf(id: string): ResourceNode | undefined {
    return this.store.resource(id) ? this.resourceNode(id) : undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const now = new Date();
    if (node.kind === 'agent-down') {
      const item = toTreeItem(agentDownItem(this.agentProblem() ?? ''), vscode.TreeItemCollapsibleState.None);
      item.command = { command: Command.startAgent, title: 'Start Agent' };
      return item;
    }
    if (node.kind === 'connection') {
      const connection = this.store.connection(node.name);
      if (!connection) return new vscode.TreeItem(node.name);
      return toTreeItem(connectionItem(connection, this.store.resourcesOf(node.name)), vscode.TreeItemCollapsibleState.Expanded);
    }
    const resource = this.store.resource(node.id);
    return resource ? toTreeItem(resourceItem(resource, now, this.warnWithinMs()), vscode.TreeItemCollapsibleState.None) : new vscode.TreeItem(node.id);
  }

  /** Re-renders only the rows whose text depends on the clock ("auto-resume in 25m", "resume within 3h"). */
  refreshCountdowns(): void {
    for (const resource of this.store.resources()) {
      if (autoResumeAt(resource) || resource.backlog.dataLossAt) this.emitter.fire(this.resourceNode(resource.id));
    }
  }

  /** After the agent came or went. */
  refreshAll(): void {
    this.changed({ type: 'all' });
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.dispose();
  }

  private changed(change: StoreChange): void {
    if (change.type === 'all') {
      this.connectionNodes.clear();
      this.resourceNodes.clear();
      this.emitter.fire(undefined);
    } else if (change.type === 'connection') {
      this.emitter.fire(this.connectionNode(change.name));
    } else {
      // The connection row's Pause All / Resume All depend on its resources' states.
      const connection = change.id.slice(0, change.id.indexOf('/'));
      this.emitter.fire([this.resourceNode(change.id), this.connectionNode(connection)]);
    }
  }

  private connectionNode(name: string): ConnectionNode {
    let node = this.connectionNodes.get(name);
    if (!node) this.connectionNodes.set(name, (node = { kind: 'connection', name }));
    return node;
  }

  private resourceNode(id: string): ResourceNode {
    let node = this.resourceNodes.get(id);
    if (!node) this.resourceNodes.set(id, (node = { kind: 'resource', id }));
    return node;
  }
}

function toTreeItem(model: ItemModel, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(model.label, collapsible);
  item.id = model.id;
  item.description = model.description;
  item.iconPath = new vscode.ThemeIcon(model.icon.id, model.icon.color ? new vscode.ThemeColor(model.icon.color) : undefined);
  item.contextValue = model.contextValue;
  item.tooltip = new vscode.MarkdownString(model.tooltip);
  return item;
}
