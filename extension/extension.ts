import './zodConfig';
import * as vscode from 'vscode';
import { agentPaths } from '../protocol/paths';
import { VERSION } from '../protocol/version';
import { AgentLifecycle } from './agent/agentLifecycle';
import { AgentLogChannel } from './agent/agentLogChannel';
import { launchAgent } from './agent/agentProcess';
import { AgentSession } from './agent/agentSession';
import { startAgentCommand } from './commands/agentCommands';
import type { CommandContext } from './commands/commandUi';
import { registerCommands } from './commands/registerCommands';
import { vscodeUi } from './commands/vscodeUi';
import type { ConnectionsFileAccess } from './commands/addConnectionCommand';
import { appendConnection, prepareConnectionsFile, readConnectionsFile } from './config/connectionsFile';
import { Command, Setting } from './constants';
import { LineagePanel } from './lineage/lineagePanel';
import { PeekDocuments } from './peek/peekDocuments';
import { DeployCodeLens, SQL_FILES } from './deploy/deployCodeLens';
import { deployCommand } from './deploy/deployCommand';
import { DeployDiagnostics } from './deploy/deployDiagnostics';
import { dueDeadlineWarnings } from './statusBar/deadlineWarnings';
import { PauseStatusBar } from './statusBar/pauseStatusBar';
import { ResourceView } from './tree/resourceView';

/** Countdowns ("auto-resume in 25m") and data-loss colors move with the clock, not with events. */
const CLOCK_TICK_MS = 30_000;

export function activate(context: vscode.ExtensionContext): void {
  const settings = () => vscode.workspace.getConfiguration(Setting.section);
  const paths = agentPaths({ home: settings().get<string>(Setting.home)?.trim() || undefined });
  const log = new AgentLogChannel(paths.log);
  const lifecycle = new AgentLifecycle({
    paths,
    version: VERSION,
    launch: () => launchAgent({ command: process.execPath, args: [context.asAbsolutePath('dist/cli.js')], paths }),
  });
  const session = new AgentSession(lifecycle, VERSION, { log: (message) => log.warn(message) });
  // Watching = the window has focus, not the tree's visibility: the status bar shows pauses in any focused window.
  session.setWatching(vscode.window.state.focused);
  const warnWithinMs = () => (settings().get<number>(Setting.dataLossWarningMinutes) ?? 60) * 60_000;
  const view = new ResourceView(session, warnWithinMs);
  const statusBar = new PauseStatusBar(() => ({ agent: session.state.state, resources: session.store.resources(), warnWithinMs: warnWithinMs() }));
  const warned = new Set<string>();
  const warnDeadlines = () => {
    if (session.state.state !== 'connected') return;
    for (const warning of dueDeadlineWarnings(session.store.resources(), new Date(), warnWithinMs(), warned)) {
      warned.add(warning.key);
      const show = warning.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      void Promise.resolve(show(warning.message, 'Resume')).then((choice) => {
        if (choice) void vscode.commands.executeCommand(Command.resume, { kind: 'resource', id: warning.resourceId });
      });
    }
  };
  const render = () => {
    statusBar.render();
    warnDeadlines();
  };
  const stopListening = [session.onDidChangeState(render), session.store.onDidChange(render)];
  const clock = setInterval(() => {
    view.provider.refreshCountdowns();
    render();
  }, CLOCK_TICK_MS);

  const ctx: CommandContext = { ui: vscodeUi, api: () => session.api(), store: session.store, now: () => new Date(), dataLossWarningMs: warnWithinMs, openLog: () => log.show() };
  const bundledSchema = context.asAbsolutePath('schemas/connections.schema.json');
  const openConnectionsFile = async () => {
    await prepareConnectionsFile(paths.connections, bundledSchema);
    await vscode.window.showTextDocument(vscode.Uri.file(paths.connections));
  };
  const connectionsFile: ConnectionsFileAccess = {
    read: () => readConnectionsFile(paths.connections),
    append: (connection) => appendConnection(paths.connections, bundledSchema, connection),
    // Writing under unsaved edits would leave the editor's copy and the file at odds.
    blocked: () =>
      vscode.workspace.textDocuments.some((document) => document.isDirty && document.uri.fsPath === vscode.Uri.file(paths.connections).fsPath)
        ? 'the connections file has unsaved changes in an editor; save or revert them, then Retry'
        : null,
  };

  const peeks = new PeekDocuments(ctx, () => session.api());
  const lineage = new LineagePanel(session.store, vscode.Uri.joinPath(context.extensionUri, 'media'), (id) => view.reveal(id));
  const deployDiagnostics = new DeployDiagnostics();
  const deployLenses = new DeployCodeLens(session.store);

  context.subscriptions.push(
    log,
    peeks,
    lineage,
    view,
    statusBar,
    { dispose: () => session.dispose() },
    { dispose: () => clearInterval(clock) },
    { dispose: () => stopListening.forEach((stop) => stop()) },
    deployDiagnostics,
    deployLenses,
    vscode.languages.registerCodeLensProvider(SQL_FILES, deployLenses),
    ...registerCommands(ctx, { agent: session, showLog: () => log.show(), openConnectionsFile, connectionsFile, peeks, lineage, deployStatement: (arg) => deployCommand(ctx, deployDiagnostics, (id) => view.reveal(id), arg) }),
    vscode.window.onDidChangeWindowState((state) => session.setWatching(state.focused)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${Setting.section}.${Setting.dataLossWarningMinutes}`)) render();
      if (event.affectsConfiguration(`${Setting.section}.${Setting.home}`)) void offerReload();
    }),
  );
  render();
  // Everything above is disposed with the window; the agent is not, on purpose: it runs scheduled resumes.
  void startAgentCommand(ctx, session);
}

async function offerReload(): Promise<void> {
  const choice = await vscode.window.showInformationMessage('Pipeline Pause uses the new agent home after a reload.', 'Reload Window');
  if (choice) await vscode.commands.executeCommand('workbench.action.reloadWindow');
}
