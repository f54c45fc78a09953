import type { BulkCounts } from '../../protocol/api';
import { describeFromNow } from '../../protocol/duration';
import type { PauseRequestInput } from '../../protocol/requests';
import { type Resource, namedResource } from '../../protocol/resource';
import { isPausable } from '../state/resourcePredicates';
import { readableTime } from '../text/markdown';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { pauseConfirmation } from './pauseConfirmation';
import { autoResumeMoment, parseUntil, PAUSE_FOR_CHOICES, type AutoResume } from './pauseTime';
import { requireAllOk, runWithRetry } from './runAction';
import { targetConnection, targetResource } from './targets';

/** Pause, Pause with Reason... and Pause for... differ only in what they ask first. */
export type PauseMode = 'plain' | 'reason' | 'duration';

const PICK_PAUSABLE = { title: 'Pause which resource?', none: 'Nothing is running that could be paused.' };

/** "Nothing is running that could be paused", and why not for those that say (a Migrator job in its snapshot stage). */
function nothingToPause(ctx: CommandContext): string {
  const why = ctx.store
    .resources()
    .filter((r) => r.capabilities.pauseUnavailable)
    .map((r) => `${r.id}: ${r.capabilities.pauseUnavailable}`);
  return [PICK_PAUSABLE.none, ...why].join(' ');
}

export async function pauseCommand(ctx: CommandContext, node: TreeNode | undefined, mode: PauseMode): Promise<void> {
  const resource = await targetResource(ctx, node, isPausable, { ...PICK_PAUSABLE, none: nothingToPause(ctx) });
  if (!resource) return;
  if (!isPausable(resource) && resource.capabilities.pauseUnavailable) {
    return ctx.ui.showInfo(`${namedResource(resource)} cannot be paused now: ${resource.capabilities.pauseUnavailable}.`);
  }
  const request: PauseRequestInput = {};
  if (mode === 'reason') {
    const reason = await ctx.ui.input({
      title: `Pause ${namedResource(resource)}`,
      prompt: 'Why? Everyone who looks at this resource sees the reason.',
      validate: (text) => (text.trim() ? undefined : 'give a reason, or use "Pause"'),
    });
    if (reason === undefined) return;
    request.reason = reason.trim();
  }
  if (mode === 'duration') {
    const autoResume = await askAutoResume(ctx, namedResource(resource));
    if (!autoResume) return;
    Object.assign(request, autoResume);
  }
  const resumesAt = autoResumeMoment(request, ctx.now());
  const confirmation = pauseConfirmation(resource, ctx.store.presentation(resource.kind), pauseRisk(resource, resumesAt, ctx.now(), ctx.dataLossWarningMs()), resumesAt, ctx.now());
  if (confirmation && !(await ctx.ui.confirm(confirmation.title, confirmation.detail, confirmation.action))) return;
  await runWithRetry(ctx, { progress: `Pausing ${namedResource(resource)}`, failure: `Could not pause ${namedResource(resource)}` }, (api) => api.pause(resource.id, request));
}

export async function pauseAllCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const connection = await targetConnection(ctx, node, isPausable, { title: 'Pause everything in which connection?', none: 'No connection has anything running that could be paused.' });
  if (!connection) return;
  const running = ctx.store.resourcesOf(connection).filter(isPausable);
  const risks = running.map((r) => pauseRisk(r, null, ctx.now(), ctx.dataLossWarningMs())).filter((risk): risk is string => risk !== null);
  // Each kind that always asks before a pause says its warning once.
  const asking = new Map(running.flatMap((r) => {
    const words = ctx.store.presentation(r.kind);
    return words.confirmPause ? [[words.title, words.confirmPause.warning] as const] : [];
  }));
  const warnings = [...asking].map(([title, warning]) => `${title}: ${warning}`);
  const detail = [`This pauses: ${running.map((r) => r.name).join(', ') || 'nothing running right now'}.`, ...warnings, ...risks].join('\n\n');
  if (!(await ctx.ui.confirm(`Pause all resources in ${connection}?`, detail, 'Pause All'))) return;
  await runWithRetry(ctx, { progress: `Pausing all of ${connection}`, failure: `Could not pause all of ${connection}` }, async (api, report) => {
    const onProgress = ({ done, total, failed }: BulkCounts) => void (total && report(`${done} of ${total}${failed ? `, ${failed} failed` : ''}`, done / total));
    return requireAllOk(await api.pauseAll(connection, {}, { onProgress }), 'paused');
  });
}

/**
 * Why pausing this could cost data, or null: the backend will drop paused data at
 * `dataLossAt` (retention), and the pause would not end before then by itself, or that
 * moment is close enough (`warnWithinMs`) that a manual resume might come too late.
 */
export function pauseRisk(resource: Resource, resumesAt: Date | null, now: Date, warnWithinMs: number): string | null {
  if (!resource.backlog.dataLossAt) return null;
  const lossAt = new Date(resource.backlog.dataLossAt);
  if (lossAt <= now) return `${namedResource(resource)}: its retention deadline (${readableTime(resource.backlog.dataLossAt)}) has passed; data may already be lost.`;
  const safeMargin = resumesAt ? resumesAt < lossAt : lossAt.getTime() - now.getTime() > warnWithinMs;
  if (safeMargin) return null;
  return `${namedResource(resource)}: paused data is lost ${describeFromNow(lossAt, now)} (${readableTime(resource.backlog.dataLossAt)}) unless it is resumed before then.`;
}

/** Asks how long a pause lasts; `manual` adds "until I resume it" (an empty AutoResume) first. */
export async function askAutoResume(ctx: CommandContext, id: string, options: { manual?: boolean } = {}): Promise<AutoResume | undefined> {
  const manual = options.manual ? [{ label: 'Until I resume it', description: 'no auto-resume', value: {} as AutoResume }] : [];
  const choice = await ctx.ui.pickOne<AutoResume | 'until'>(
    [...manual, ...PAUSE_FOR_CHOICES.map((c) => ({ label: c.label, description: `auto-resume after ${c.resumeAfter}`, value: { resumeAfter: c.resumeAfter } })), { label: 'Until a time...', value: 'until' as const }],
    `Pause ${id} for how long?`,
  );
  if (choice !== 'until') return choice;
  const text = await ctx.ui.input({
    title: `Pause ${id} until`,
    prompt: 'HH:MM (today), HH:MM tomorrow, or an RFC 3339 time',
    placeHolder: '18:30 or 2026-01-29T06:00:00Z',
    validate: (value) => {
      try {
        parseUntil(value, ctx.now());
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  return text === undefined ? undefined : { resumeAt: parseUntil(text, ctx.now()).toISOString() };
}
