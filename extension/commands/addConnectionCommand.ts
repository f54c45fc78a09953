import { candidateOf, type ConnectionCandidate, type ConnectionKind, type TestConnectionResponse } from '../../protocol/connections';
import { connectionNamesIn } from '../config/connectionsEdit';
import { askConnection, type ConnectionDraft } from './connectionPrompts';
import type { CommandContext } from './commandUi';
import { oneLine, RETRY } from './runAction';

/** The connections file as Add Connection uses it; extension.ts binds it to the real file. */
export interface ConnectionsFileAccess {
  read(): Promise<string | null>;
  append(connection: ConnectionCandidate): Promise<void>;
  /** Why the file cannot be written now (unsaved edits in an editor), or null. */
  blocked(): string | null;
}

/**
 * Add Connection: asks what to connect to and how (the agent's backends say which questions),
 * has the agent test the candidate, and only when it lists appends it to the connections file,
 * which the agent then loads. A refused test writes nothing; Retry asks again with every answer kept.
 */
export async function addConnectionCommand(ctx: CommandContext, file: ConnectionsFileAccess): Promise<void> {
  let draft: ConnectionDraft | undefined;
  let kinds: ConnectionKind[];
  try {
    kinds = await ctx.api().connectionKinds();
  } catch (error) {
    await ctx.ui.showError(`Cannot add a connection: ${sentence(error)}`);
    return;
  }
  for (;;) {
    const taken = new Set([...connectionNamesIn(await file.read().catch(() => null)), ...ctx.store.connections().map((c) => c.name)]);
    draft = await askConnection(ctx.ui, kinds, taken, draft);
    if (!draft) return;
    const candidate = candidateOf(draft.kind, draft.name, draft.answers);
    const refusal = await testAndAppend(ctx, file, candidate);
    if (refusal === null) return;
    if ((await ctx.ui.showError(refusal, RETRY)) !== RETRY) return;
  }
}

/** Null once the connection is in the file; otherwise what went wrong and what to do next. */
async function testAndAppend(ctx: CommandContext, file: ConnectionsFileAccess, candidate: ConnectionCandidate): Promise<string | null> {
  let tested: TestConnectionResponse;
  try {
    tested = await ctx.ui.withProgress(`Testing connection "${candidate.name}"...`, () => ctx.api().testConnection({ connection: candidate }));
  } catch (error) {
    return `Connection "${candidate.name}" was not added: ${sentence(error)} Nothing was written to the connections file; Retry to change the answers.`;
  }
  try {
    const blocked = file.blocked();
    if (blocked) throw new Error(blocked);
    await file.append(candidate);
  } catch (error) {
    return `Connection "${candidate.name}" tested fine but was not added: ${sentence(error)}`;
  }
  const found = `${tested.resources} resource${tested.resources === 1 ? '' : 's'}`;
  const problems = tested.problems.length ? ` Some need a look: ${tested.problems.join('; ')}.` : '';
  await ctx.ui.showInfo(`Added connection "${candidate.name}" (${found} found); it shows in the Pipelines view in a moment.${problems}`);
  return null;
}

/** The reason as the end of a sentence: one full stop, unless it ends asking ("is it running?"). */
function sentence(error: unknown): string {
  const reason = oneLine(error).replace(/[.\s]+$/, '');
  return /[?!]$/.test(reason) ? reason : `${reason}.`;
}
