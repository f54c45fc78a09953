import type { BulkResult } from '../../protocol/api';
import { PauseError } from '../../protocol/errors';
import type { CommandApi, CommandContext, ProgressReport } from './commandUi';

export const RETRY = 'Retry';
export const OPEN_LOG = 'Open Log';

interface RetryText {
  progress: string;
  failure: string;
}

/**
 * Runs one agent request under a progress notification. A failure shows the agent's one-line
 * reason with "Retry" and "Open Log"; resolves to undefined when the user gives up.
 */
export function runWithRetry<T>(ctx: CommandContext, text: RetryText, work: (api: CommandApi, report: ProgressReport) => Promise<T>): Promise<T | undefined> {
  return withRetry(ctx, text, (report) => work(ctx.api(), report));
}

/** runWithRetry for work that needs no connected agent (starting one, say). */
export async function withRetry<T>(ctx: CommandContext, text: RetryText, work: (report: ProgressReport) => Promise<T>): Promise<T | undefined> {
  for (;;) {
    try {
      return await ctx.ui.withProgress(text.progress, work);
    } catch (error) {
      const choice = await ctx.ui.showError(`${text.failure}: ${oneLine(error)}`, RETRY, OPEN_LOG);
      if (choice === OPEN_LOG) ctx.openLog();
      if (choice !== RETRY) return undefined;
    }
  }
}

/** Bulk answers list each failure; any failure becomes one error naming them all. */
export function requireAllOk(results: BulkResult[], verb: string): BulkResult[] {
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    throw new PauseError('Conflict', `${failed.length} of ${results.length} could not be ${verb}: ${failed.map((r) => `${r.id}: ${r.error}`).join('; ')}`);
  }
  return results;
}

/** An error's message on one line, as notifications show it. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ');
}
