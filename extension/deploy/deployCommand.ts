import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandUi';
import type { DeployArgs } from './deployCodeLens';
import type { DeployDiagnostics } from './deployDiagnostics';
import { deployFlow } from './deployFlow';
import { deployableAt, ksqlConnections } from './deployTargets';

function isDeployArgs(value: unknown): value is DeployArgs {
  const args = value as Partial<DeployArgs> | null;
  return typeof args?.uri === 'string' && typeof args.offset === 'number' && typeof args.connection === 'string';
}

/**
 * "Deploy Statement": from a lens (statement and connection given) or from the palette (the
 * statement under the cursor; a quick pick when several ksqlDB connections are known).
 */
export async function deployCommand(ctx: CommandContext, diagnostics: DeployDiagnostics, reveal: (id: string) => Promise<void>, arg: unknown): Promise<void> {
  const fromLens = isDeployArgs(arg) ? arg : null;
  const document = fromLens ? await vscode.workspace.openTextDocument(vscode.Uri.parse(fromLens.uri)) : vscode.window.activeTextEditor?.document;
  if (!document) return void ctx.ui.showError('Open a .sql or .ksql file and put the cursor in a CREATE ... AS SELECT statement.');
  const offset = fromLens?.offset ?? document.offsetAt(vscode.window.activeTextEditor!.selection.active);
  const statement = deployableAt(document.getText(), offset);
  if (!statement) return void ctx.ui.showError('The cursor is not in a CREATE STREAM|TABLE ... AS SELECT statement.');

  const connections = ksqlConnections(ctx.store);
  const connection =
    fromLens?.connection ?? (connections.length === 1 ? connections[0] : await ctx.ui.pickOne(connections.map((name) => ({ label: name, value: name })), `Deploy ${statement.target.name} to which ksqlDB connection?`));
  if (!connection) {
    if (!connections.length) void ctx.ui.showError('No ksqlDB connection is configured; add one to the connections file.');
    return;
  }
  const range = new vscode.Range(document.positionAt(statement.start), document.positionAt(statement.end));
  await deployFlow(ctx, connection, statement.text, {
    showProblem: (problem) => diagnostics.show(document, range, problem),
    clearProblem: () => diagnostics.clear(document, range),
    reveal,
  });
}
