import { describeDeploy, type DeployResponse } from '../../protocol/deploy';
import { PauseError } from '../../protocol/errors';
import type { CommandContext } from '../commands/commandUi';
import { OPEN_LOG } from '../commands/runAction';

/** Where the server's complaint about a statement goes: its line and column when the server gave them. */
export interface StatementProblem {
  message: string;
  /** 1-based, relative to the first character of what was sent, as ksqlDB reports `line L:C`. */
  line: number | null;
  column: number | null;
}

/** What a deploy does to the editor around the statement. */
export interface DeployEditor {
  showProblem(problem: StatementProblem): void;
  clearProblem(): void;
  /** Selects the resource in the Pipeline Pause tree. */
  reveal(resourceId: string): Promise<void>;
}

export const RECREATE = 'Terminate and Recreate';
/** Failures that are about the statement or what the server did with it: shown on the statement too. */
const STATEMENT_FAILURES = new Set(['BadRequest', 'BackendError', 'Conflict']);

/**
 * Deploys one statement or script: in place when the server can; when it cannot, asks before
 * terminating and recreating (the query's state is dropped). The server's errors land on the statement.
 */
export async function deployFlow(ctx: CommandContext, connection: string, statement: string, editor: DeployEditor): Promise<DeployResponse | undefined> {
  const attempt = (recreate: boolean) => ctx.ui.withProgress(`Deploying to ${connection}`, () => ctx.api().deploy(connection, { statement, recreate }));
  try {
    let result: DeployResponse;
    try {
      result = await attempt(false);
    } catch (error) {
      if (!(error instanceof PauseError && error.code === 'RecreateRequired')) throw error;
      const queryId = String(error.details?.queryId ?? 'the query');
      const consequence = String(error.details?.consequence ?? 'Its state is dropped.');
      const detail = `${consequence}\n\n${connection}: ${String(error.details?.reason ?? error.message)}`;
      if (!(await ctx.ui.confirm(`Terminate and recreate ${queryId}?`, detail, RECREATE))) return undefined;
      result = await attempt(true);
    }
    editor.clearProblem();
    void ctx.ui.showInfo(describeDeploy(connection, result));
    await editor.reveal(`${connection}/${result.queryId}`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PauseError && STATEMENT_FAILURES.has(error.code)) {
      const position = (key: string) => (typeof error.details?.[key] === 'number' ? (error.details[key] as number) : null);
      editor.showProblem({ message, line: position('line'), column: position('column') });
    }
    // An action keeps the error up until it is read (VS Code hides an error without one).
    void ctx.ui.showError(`Deploy to ${connection} failed: ${message.replace(/\s*\n\s*/g, ' ')}`, OPEN_LOG).then((choice) => {
      if (choice === OPEN_LOG) ctx.openLog();
    });
    return undefined;
  }
}
