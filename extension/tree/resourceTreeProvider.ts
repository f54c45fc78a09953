import * as vscode from 'vscode';
import type { ResourceStore, StoreChange } from '../state/resourceStore';
import { autoResumeAt, DEFAULT_DATA_LOSS_WARNING_MS } from '../state/resourcePredicates';
import { Command } from '../constants';
import { groupPause } from '../state/pauseGroups';
import { StoreFacts } from '../state/storeFacts';
import type { Resource } from '../../protocol/resource';
import { agentDownItem, connectionItem, pauseGroupItem, resourceItem, type ItemModel } from './resourceItemModel';
import type { AgentDownNode, ConnectionNode, GroupMemberNode, PauseGroupNode, ResourceNode, TreeNode } from './treeNodes';

const AGENT_DOWN: AgentDownNode = { kind: 'agent-down' };

/**
 * Groups paused together ("Pause upstream"), then connections with their resources; or, while
 * the agent is unreachable, one row saying so.
 * Nodes keep their identity per id so a pushed change can refresh exactly one row
 * (`onDidChangeTreeData(node)`) instead of the whole tree. A refreshed connection row makes VS
 * Code ask again for every resource under it, so it is refreshed only when what it shows changes.
 */
export class ResourceTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly connectionNodes = new Map<string, ConnectionNode>();
  private readonly resourceNodes = new Map<string, ResourceNode>();
  private readonly groupNodes = new Map<string, PauseGroupNode>();
  private readonly memberNodes = new Map<string, GroupMemberNode>();
  /** Each connection row as VS Code last got it: a change fires the row only when it would differ. */
  private readonly shownConnections = new Map<string, string>();
  private readonly facts: StoreFacts;
  /** Which groups exist and who is in them: when that changes, the tree's shape changes. */
  private groupShape = '';
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ResourceStore,
    /** Why the agent cannot be reached, or null while it can (or is starting). */
    private readonly agentProblem: () => string | null,
    /** How close a data-loss deadline turns a held row warning-colored (the setting). */
    private readonly warnWithinMs: () => number = () => DEFAULT_DATA_LOSS_WARNING_MS,
  ) {
    this.facts = new StoreFacts(store);
    this.unsubscribe = store.onDidChange((change) => this.changed(change));
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      if (this.agentProblem() !== null) return [AGENT_DOWN];
      const groups = this.facts.pauseGroups().map((g) => this.groupNode(g.ref.id));
      return [...groups, ...this.store.connections().map((c) => this.connectionNode(c.name))];
    }
    if (node.kind === 'connection') return this.store.resourcesOf(node.name).map((r) => this.resourceNode(r.id));
    if (node.kind === 'pause-group') return (this.facts.pauseGroup(node.group)?.members ?? []).map((m) => this.memberNode(node.group, m.id));
    return [];
  }

  /** TreeView.reveal needs the way up: a resource sits under its connection, a group member under its group. */
  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'resource') return this.connectionNode(node.id.slice(0, node.id.indexOf('/')));
    if (node.kind === 'group-member') return this.groupNode(node.group);
    return undefined;
  }

  /** The node of a listed resource, to reveal it; undefined when the agent does not list it. */
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
      const model = this.connectionModel(node.name);
      this.shownConnections.set(node.name, JSON.stringify(model));
      return model ? toTreeItem(model, vscode.TreeItemCollapsibleState.Expanded) : new vscode.TreeItem(node.name);
    }
    if (node.kind === 'pause-group') {
      const group = this.facts.pauseGroup(node.group);
      return group ? toTreeItem(pauseGroupItem(group, now), vscode.TreeItemCollapsibleState.Collapsed) : new vscode.TreeItem(node.group);
    }
    const resource = this.store.resource(node.id);
    if (!resource) return new vscode.TreeItem(node.id);
    const upstream = this.facts.upstream(resource.id);
    const idPrefix = node.kind === 'group-member' ? `pause-group:${node.group}/` : '';
    return toTreeItem(resourceItem(resource, this.store.presentation(resource.kind), now, this.warnWithinMs(), upstream, idPrefix), vscode.TreeItemCollapsibleState.None);
  }

  /**
   * Re-renders only the rows whose text depends on the clock ("auto-resume in 25m", "resume within
   * 3h"), in one event: resources under their connections, and pause groups with their members.
   */
  refreshCountdowns(): void {
    const countsDown = (r: Resource) => autoResumeAt(r) !== null || r.backlog.dataLossAt !== null;
    const rows: TreeNode[] = this.store.resources().filter(countsDown).map((r) => this.resourceNode(r.id));
    for (const group of this.facts.pauseGroups()) {
      if (groupPause(group)?.resumeAt) rows.push(this.groupNode(group.ref.id));
      rows.push(...group.members.filter(countsDown).map((m) => this.memberNode(group.ref.id, m.id)));
    }
    if (rows.length) this.emitter.fire(rows);
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
    const shape = this.facts
      .pauseGroups()
      .map((g) => `${g.ref.id}:${g.members.map((m) => m.id).join(',')}`)
      .join(';');
    const reshaped = shape !== this.groupShape;
    this.groupShape = shape;
    if (change.type === 'all' || reshaped) {
      this.connectionNodes.clear();
      this.resourceNodes.clear();
      this.groupNodes.clear();
      this.memberNodes.clear();
      this.shownConnections.clear();
      this.emitter.fire(undefined);
    } else if (change.type === 'connection') {
      this.emitter.fire(this.connectionNode(change.name));
    } else {
      // The connection row counts paused resources and offers Pause All / Resume All by their states.
      const connection = change.id.slice(0, change.id.indexOf('/'));
      const connectionRow = this.connectionChanged(connection) ? [this.connectionNode(connection)] : [];
      const group = this.store.resource(change.id)?.pauseGroup?.id;
      const inGroup = group ? [this.groupNode(group), this.memberNode(group, change.id)] : [];
      this.emitter.fire([this.resourceNode(change.id), ...connectionRow, ...inGroup]);
    }
  }

  private connectionModel(name: string): ItemModel | null {
    const connection = this.store.connection(name);
    return connection ? connectionItem(connection, this.store.resourcesOf(name)) : null;
  }

  /** Whether the row VS Code shows for the connection is out of date; one it never asked for is not. */
  private connectionChanged(name: string): boolean {
    const shown = this.shownConnections.get(name);
    return shown !== undefined && shown !== JSON.stringify(this.connectionModel(name));
  }

  private groupNode(group: string): PauseGroupNode {
    let node = this.groupNodes.get(group);
    if (!node) this.groupNodes.set(group, (node = { kind: 'pause-group', group }));
    return node;
  }

  private memberNode(group: string, id: string): GroupMemberNode {
    const key = `${group}/${id}`;
    let node = this.memberNodes.get(key);
    if (!node) this.memberNodes.set(key, (node = { kind: 'group-member', group, id }));
    return node;
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
