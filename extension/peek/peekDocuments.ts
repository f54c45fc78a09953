import * as vscode from 'vscode';
import { formatPeek } from '../../format/peekText';
import type { PauseApi } from '../../protocol/api';
import { PEEK_SCHEME } from '../constants';
import type { CommandContext } from '../commands/commandUi';
import { withRetry } from '../commands/runAction';
import { targetResource } from '../commands/targets';
import { hasOutputTopics } from '../state/resourcePredicates';
import type { TreeNode } from '../tree/treeNodes';

const DEFAULT_LIMIT = 20;

/**
 * Read-only documents with the latest records of a resource's output topics. The URI carries the
 * resource and the limit, so Refresh knows what to read again; the text is fetched under a
 * progress notification (errors offer Retry) before the document opens or changes, and kept
 * here for VS Code to ask for.
 */
export class PeekDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  /** Forgets a document's text once it is closed. */
  private readonly closing: vscode.Disposable;

  constructor(
    private readonly ctx: CommandContext,
    private readonly api: () => Pick<PauseApi, 'peek'>,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PEEK_SCHEME, this);
    this.closing = vscode.workspace.onDidCloseTextDocument((document) => this.contents.delete(document.uri.toString()));
  }

  /** A document reopened after a reload has no text here yet: read it then. */
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.contents.get(uri.toString());
    if (known !== undefined) return known;
    const { id, limit } = parsePeekUri(uri);
    try {
      return formatPeek(await this.api().peek(id, { limit }));
    } catch (error) {
      return `# Could not peek at ${id}: ${(error as Error).message}\n# Use Refresh in the editor title to try again.\n`;
    }
  }

  /** Pipeline Pause: Peek at Latest Records, from a row or the palette. */
  async open(node: TreeNode | undefined): Promise<void> {
    const resource = await targetResource(this.ctx, node, hasOutputTopics, {
      title: 'Peek at the output of which resource?',
      none: 'No listed resource writes to a Kafka topic (ksqlDB queries and Kafka Connect source connectors do).',
      takeSoleCandidate: true,
    });
    if (!resource) return;
    const uri = peekUri(resource.id, resource.name, DEFAULT_LIMIT);
    if (!(await this.load(uri))) return;
    this.emitter.fire(uri); // an already open peek of the same resource shows the new text too
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  }

  /** Reads the records of the peek document again (the editor title's Refresh). */
  async refresh(arg: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (uri?.scheme !== PEEK_SCHEME) return;
    if (await this.load(uri)) this.emitter.fire(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.closing.dispose();
    this.emitter.dispose();
  }

  private async load(uri: vscode.Uri): Promise<boolean> {
    const { id, limit } = parsePeekUri(uri);
    const peek = await withRetry(this.ctx, { progress: `Reading the latest records of ${id}`, failure: `Could not peek at ${id}` }, () => this.api().peek(id, { limit }));
    if (!peek) return false;
    this.contents.set(uri.toString(), formatPeek(peek));
    return true;
  }
}

/** The tab is titled after the resource; `.log` gives the text the log language's colors. */
function peekUri(id: string, name: string, limit: number): vscode.Uri {
  const query = new URLSearchParams({ id, limit: String(limit) }).toString();
  return vscode.Uri.from({ scheme: PEEK_SCHEME, path: `/${name.replace(/\//g, '_')} (latest records).log`, query });
}

function parsePeekUri(uri: vscode.Uri): { id: string; limit: number } {
  const query = new URLSearchParams(uri.query);
  return { id: query.get('id') ?? '', limit: Number(query.get('limit')) || DEFAULT_LIMIT };
}
