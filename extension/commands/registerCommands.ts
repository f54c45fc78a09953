import * as vscode from 'vscode';
import { Command, type CommandId } from '../constants';
import type { LineagePanel } from '../lineage/lineagePanel';
import type { PeekDocuments } from '../peek/peekDocuments';
import { isTreeNode, type TreeNode } from '../tree/treeNodes';
import { addConnectionCommand, type ConnectionsFileAccess } from './addConnectionCommand';
import { restartAgentCommand, startAgentCommand, type AgentControl } from './agentCommands';
import type { CommandContext } from './commandUi';
import { pauseAllCommand, pauseCommand } from './pauseCommands';
import { resumeAllCommand, resumeCommand, resumeScopeCommand } from './resumeCommands';
import { showLineageCommand } from './lineageCommand';
import { showStatusCommand } from './statusCommand';
import { stopCommand } from './stopCommand';
import { pauseUpstreamCommand, resumeGroupCommand, resumeUpstreamCommand } from './upstreamCommands';

/** Binds every command id to its logic; the Record makes the compiler insist on all of them. */
export function registerCommands(ctx: CommandContext, deps: { agent: AgentControl; showLog: () => void; openConnectionsFile: () => Promise<void>; connectionsFile: ConnectionsFileAccess; peeks: PeekDocuments; lineage: LineagePanel; deployStatement: (arg?: unknown) => Promise<void> }): vscode.Disposable[] {
  // Tree rows pass their node; the palette passes nothing, and keybindings may pass anything.
  const row = (arg: unknown): TreeNode | undefined => (isTreeNode(arg) ? arg : undefined);
  const handlers: Record<CommandId, (arg?: unknown) => Promise<void> | void> = {
    [Command.pause]: (arg) => pauseCommand(ctx, row(arg), 'plain'),
    [Command.pauseWithReason]: (arg) => pauseCommand(ctx, row(arg), 'reason'),
    [Command.pauseFor]: (arg) => pauseCommand(ctx, row(arg), 'duration'),
    [Command.resume]: (arg) => resumeCommand(ctx, row(arg)),
    [Command.stop]: (arg) => stopCommand(ctx, row(arg)),
    [Command.resumeScope]: (arg) => resumeScopeCommand(ctx, row(arg)),
    [Command.pauseAllInConnection]: (arg) => pauseAllCommand(ctx, row(arg)),
    [Command.resumeAll]: (arg) => resumeAllCommand(ctx, row(arg)),
    [Command.showStatus]: (arg) => showStatusCommand(ctx, row(arg)),
    [Command.startAgent]: () => startAgentCommand(ctx, deps.agent),
    [Command.restartAgent]: () => restartAgentCommand(ctx, deps.agent),
    [Command.showAgentLog]: () => deps.showLog(),
    [Command.openConnectionsFile]: () => deps.openConnectionsFile(),
    [Command.addConnection]: () => addConnectionCommand(ctx, deps.connectionsFile),
    [Command.pauseUpstream]: (arg) => pauseUpstreamCommand(ctx, row(arg)),
    [Command.resumeUpstream]: (arg) => resumeUpstreamCommand(ctx, row(arg)),
    [Command.resumeGroup]: (arg) => resumeGroupCommand(ctx, row(arg)),
    [Command.peek]: (arg) => deps.peeks.open(row(arg)),
    [Command.refreshPeek]: (arg) => deps.peeks.refresh(arg),
    [Command.showLineage]: (arg) => showLineageCommand(ctx, row(arg), deps.lineage),
    [Command.deployStatement]: (arg) => deps.deployStatement(arg),
  };
  return Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
