import { TreeItemCollapsibleState } from './vscodeStub';

/** The parts of a TreeDataProvider that VS Code calls to draw a tree. */
export interface RenderedProvider<T> {
  getChildren(node?: T): T[];
  getTreeItem(node: T): { collapsibleState?: number };
  onDidChangeTreeData(listener: (fired: T | T[] | undefined) => void): unknown;
}

/**
 * What VS Code does with `onDidChangeTreeData`: it asks `getTreeItem` for each fired element
 * and, for an expanded one, `getChildren` and every child again (a refreshed connection row
 * rebuilds all its resources); nothing fired means the whole tree from the root. Collapsed rows'
 * children are not drawn.
 */
export class TreeRendering<T> {
  private pending: Array<T | T[] | undefined> = [];

  constructor(private readonly provider: RenderedProvider<T>) {
    provider.onDidChangeTreeData((fired) => this.pending.push(fired));
  }

  /** Draws what was fired since the last call; answers every element it asked getTreeItem for. */
  flush(): T[] {
    const asked: T[] = [];
    const draw = (node: T) => {
      asked.push(node);
      if (this.provider.getTreeItem(node).collapsibleState === TreeItemCollapsibleState.Expanded) this.provider.getChildren(node).forEach(draw);
    };
    for (const fired of this.pending.splice(0)) {
      if (fired === undefined) this.provider.getChildren().forEach(draw);
      else (Array.isArray(fired) ? fired : [fired]).forEach(draw);
    }
    return asked;
  }
}
