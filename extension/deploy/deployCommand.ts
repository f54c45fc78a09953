import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandUi';
import type { DeployArgs } from './deployCodeLens';
import type { DeployDiagnostics } from './deployDiagnostics';
import { deployFlow } from './deployFlow';
import { deployableAt, deployConnections, UNIT_WORDING, type Deployable } from './deployTargets';

function isDeployArgs(value: unknown): value is DeployArgs {
  const args = value as Partial<DeployArgs> | null;
  return typeof args?.uri === 'string' && typeof args.offset === 'number' && typeof args.connection === 'string';
}

/**
 * "Deploy...": from a lens (statement and connection given) or from the palette (what the
 * cursor is in, for each connection that deploys it; a quick pick when several can).
 */
export async function deployCommand(ctx: CommandContext, diagnostics: DeployDiagnostics, reveal: (id: string) => Promise<void>, arg: unknown): Promise<void> {
  const fromLens = isDeployArgs(arg) ? arg : null;
  const document = fromLens ? await vscode.workspace.openTextDocument(vscode.Uri.parse(fromLens.uri)) : vscode.window.activeTextEditor?.document;
  const connections = deployConnections(ctx.store).filter((c) => !fromLens || c.name === fromLens.connection);
  if (!connections.length) return void ctx.ui.showError('No connection that deploys (ksqlDB or Flink) is known to the agent; add one to the connections file.');
  if (!document) return void ctx.ui.showError('Open a .sql or .ksql file and put the cursor in the statement to deploy.');

  const text = document.getText();
  const offset = fromLens?.offset ?? document.offsetAt(vscode.window.activeTextEditor!.selection.active);
  const candidates = connections.flatMap((c) => {
    const deployable = deployableAt(text, offset, c.unit);
    return deployable ? [{ connection: c.name, deployable }] : [];
  });
  if (!candidates.length) {
    const wanted = [...new Set(connections.map((c) => UNIT_WORDING[c.unit].what))].join(', or ');
    return void ctx.ui.showError(`Nothing here to deploy: put the cursor in ${wanted}.`);
  }
  const chosen =
    candidates.length === 1
      ? candidates[0]
      : await ctx.ui.pickOne(
          candidates.map((c) => ({ label: c.connection, description: c.deployable.writes, value: c })),
          'Deploy to which connection?',
        );
  if (!chosen) return;
  await deployFlow(ctx, chosen.connection, chosen.deployable.text, editorAround(document, chosen.deployable, chosen.connection, diagnostics, reveal));
}

function editorAround(document: vscode.TextDocument, deployable: Deployable, connection: string, diagnostics: DeployDiagnostics, reveal: (id: string) => Promise<void>) {
  const range = new vscode.Range(document.positionAt(deployable.start), document.positionAt(deployable.end));
  return {
    showProblem: (problem: Parameters<DeployDiagnostics['show']>[2]) => diagnostics.show(document, range, problem, connection),
    clearProblem: () => diagnostics.clear(document, range),
    reveal,
  };
}
