import * as vscode from 'vscode';
import { Command } from '../constants';
import type { ResourceStore } from '../state/resourceStore';
import { deployables, ksqlConnections } from './deployTargets';

/** What a lens passes to the deploy command: which statement (by offset) and where to. */
export interface DeployArgs {
  uri: string;
  offset: number;
  connection: string;
}

export const SQL_FILES: vscode.DocumentSelector = { pattern: '**/*.{sql,ksql}' };

/** "Deploy to <connection>" above each CREATE ... AS SELECT, one lens per ksqlDB connection. */
export class DeployCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private shown = '';
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ResourceStore) {
    // Lenses depend only on the set of ksqlDB connections, not on every pushed resource change.
    this.unsubscribe = store.onDidChange(() => {
      const now = ksqlConnections(store).join('\n');
      if (now === this.shown) return;
      this.shown = now;
      this.emitter.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const connections = ksqlConnections(this.store);
    if (!connections.length) return [];
    return deployables(document.getText()).flatMap((statement) => {
      const start = document.positionAt(statement.start);
      const range = new vscode.Range(start, start);
      return connections.map((connection) => {
        const args: DeployArgs = { uri: document.uri.toString(), offset: statement.start, connection };
        return new vscode.CodeLens(range, { title: `$(cloud-upload) Deploy to ${connection}`, tooltip: `Run this ${statement.target.what} statement on ${connection}, upgrading its query in place when ksqlDB can`, command: Command.deployStatement, arguments: [args] });
      });
    });
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.dispose();
  }
}
