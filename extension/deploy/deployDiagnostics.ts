import * as vscode from 'vscode';
import type { StatementProblem } from './deployFlow';
import { problemPosition } from './problemPosition';

/**
 * The server's errors as problems on the statements they are about. One problem per statement;
 * it goes away on the next successful deploy of that statement or when the statement is edited.
 */
export class DeployDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('pipelinePause.deploy');
  /** Per document, the statement ranges that carry a problem, to drop them when edited. */
  private readonly marked = new Map<string, Array<{ statement: vscode.Range; diagnostic: vscode.Diagnostic }>>();
  private readonly listener = vscode.workspace.onDidChangeTextDocument((event) => this.edited(event));

  /** `source` names the connection whose server refused the statement. */
  show(document: vscode.TextDocument, statement: vscode.Range, problem: StatementProblem, source: string): void {
    const at = problemPosition(statement.start, problem.line, problem.column);
    const position = at ? document.validatePosition(new vscode.Position(at.line, at.character)) : null;
    const range = position ? (document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position.translate(0, 1))) : statement;
    const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = source;
    this.set(document.uri, [...this.entries(document.uri).filter((e) => !e.statement.intersection(statement)), { statement, diagnostic }]);
  }

  clear(document: vscode.TextDocument, statement: vscode.Range): void {
    this.set(document.uri, this.entries(document.uri).filter((e) => !e.statement.intersection(statement)));
  }

  dispose(): void {
    this.listener.dispose();
    this.collection.dispose();
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    const entries = this.entries(event.document.uri);
    if (!entries.length || !event.contentChanges.length) return;
    const kept = entries.filter((e) => !event.contentChanges.some((change) => e.statement.intersection(change.range)));
    if (kept.length !== entries.length) this.set(event.document.uri, kept);
  }

  private entries(uri: vscode.Uri): Array<{ statement: vscode.Range; diagnostic: vscode.Diagnostic }> {
    return this.marked.get(uri.toString()) ?? [];
  }

  private set(uri: vscode.Uri, entries: Array<{ statement: vscode.Range; diagnostic: vscode.Diagnostic }>): void {
    this.marked.set(uri.toString(), entries);
    this.collection.set(
      uri,
      entries.map((e) => e.diagnostic),
    );
  }
}
