import * as vscode from 'vscode';
import { Command } from '../constants';
import type { ResourceStore } from '../state/resourceStore';
import { deployables, deployConnections, UNIT_WORDING } from './deployTargets';

/** What a lens passes to the deploy command: which statement (by offset) and where to. */
export interface DeployArgs {
  uri: string;
  offset: number;
  connection: string;
}

export const SQL_FILES: vscode.DocumentSelector = { pattern: '**/*.{sql,ksql}' };

/** "Deploy to <connection>" above each statement a connection can deploy, one lens per such connection. */
export class DeployCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private shown = '';
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ResourceStore) {
    // Lenses depend only on the set of deploying connections, not on every pushed resource change.
    this.unsubscribe = store.onDidChange(() => {
      const now = JSON.stringify(deployConnections(store));
      if (now === this.shown) return;
      this.shown = now;
      this.emitter.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText();
    return deployConnections(this.store).flatMap(({ name: connection, unit }) =>
      deployables(text, unit).map((deployable) => {
        const start = document.positionAt(deployable.anchor.start);
        const args: DeployArgs = { uri: document.uri.toString(), offset: deployable.anchor.start, connection };
        return new vscode.CodeLens(new vscode.Range(start, start), { title: `$(cloud-upload) Deploy to ${connection}`, tooltip: UNIT_WORDING[unit].lensTooltip(deployable, connection), command: Command.deployStatement, arguments: [args] });
      }),
    );
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.dispose();
  }
}
