import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { pipelineOf } from '../../protocol/lineage';
import type { ResourceStore } from '../state/resourceStore';
import { lineageHtml } from './lineageHtml';
import { lineageSvg } from './lineageSvg';

const VIEW_TYPE = 'pipelinePause.lineage';

/** What the webview script sends: a node was clicked. */
interface SelectMessage {
  type: 'select';
  id: string;
}

/**
 * One panel with the lineage graph of the pipeline the selected resource belongs to. It redraws
 * whenever the agent's state changes (a pause, new lag) and is reused when another resource's
 * lineage is asked for. Clicking a resource node selects that resource here and in the tree.
 */
export class LineagePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private selected: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: ResourceStore,
    private readonly mediaRoot: vscode.Uri,
    /** Selects and reveals a resource in the Pipeline Pause tree. */
    private readonly reveal: (id: string) => Promise<void>,
  ) {}

  show(id: string): void {
    this.selected = id;
    if (this.panel) {
      this.panel.reveal();
      this.load(this.panel);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, this.title(), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.mediaRoot],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.mediaRoot, 'pipeline-pause.svg');
    this.load(panel);
    const stopListening = this.store.onDidChange(() => this.post());
    this.disposables.push(
      { dispose: stopListening },
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      // A hidden webview drops its page (no retained context): load it afresh on return.
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.load(panel);
      }),
      panel.onDidDispose(() => this.closed()),
    );
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }

  private async onMessage(message: unknown): Promise<void> {
    const select = message as Partial<SelectMessage> | null;
    if (select?.type !== 'select' || typeof select.id !== 'string' || !this.store.resource(select.id)) return; // topics are not in the tree
    this.selected = select.id;
    this.post();
    await this.reveal(select.id);
  }

  /** The whole page, with the graph as it is now; later changes arrive as messages. */
  private load(panel: vscode.WebviewPanel): void {
    panel.title = this.title();
    panel.webview.html = lineageHtml({
      title: this.heading(),
      svg: this.svg(),
      nonce: randomBytes(16).toString('base64'),
      cspSource: panel.webview.cspSource,
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'lineage.css')).toString(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, 'lineage.js')).toString(),
    });
  }

  private post(): void {
    if (!this.panel?.visible) return;
    this.panel.title = this.title();
    void this.panel.webview.postMessage({ type: 'render', svg: this.svg(), title: this.heading() });
  }

  private svg(): string {
    if (!this.selected || !this.store.resource(this.selected)) return '<p class="legend">This resource is not listed by the agent right now.</p>';
    return lineageSvg(pipelineOf(this.store.resources(), this.selected), { selected: this.selected, now: new Date(), words: (kind) => this.store.presentation(kind) });
  }

  private title(): string {
    return `Lineage: ${this.selected?.slice(this.selected.indexOf('/') + 1) ?? ''}`;
  }

  private heading(): string {
    return `Pipeline of ${this.selected ?? ''}`;
  }

  private closed(): void {
    this.panel = null;
    this.disposables.splice(0).forEach((d) => d.dispose());
  }
}
