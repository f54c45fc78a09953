import { shortDuration } from '../../protocol/duration';
import { type ScopedPause, namedResource } from '../../protocol/resource';
import { autoResumeAt, hasPauses, isResumable, scopeLabel } from '../state/resourcePredicates';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { requireAllOk, runWithRetry } from './runAction';
import { targetResource, targetResources } from './targets';

const PICK_RESUMABLE = { title: 'Resume which resources?', none: 'Nothing is paused.' };

interface Scheduled {
  label: string;
  at: Date | null;
}

/** From a row: that resource. From the palette or the status bar: any paused ones, several at once. */
export async function resumeCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const targets = node ? await targetResource(ctx, node, isResumable, PICK_RESUMABLE).then((r) => r && [r]) : await targetResources(ctx, isResumable, PICK_RESUMABLE);
  if (!targets) return;
  const forced = await confirmEarlyResume(ctx, targets.map((r) => ({ label: namedResource(r), at: autoResumeAt(r) })));
  if (!forced) return;
  for (const resource of targets) {
    // The agent refuses to cut a scheduled pause short unless forced; the user just agreed to.
    const request = { force: forced.includes(resource.id) };
    await runWithRetry(ctx, { progress: `Resuming ${namedResource(resource)}`, failure: `Could not resume ${namedResource(resource)}` }, (api) => api.resume(resource.id, request));
  }
}

/** Resumes one task-type or shard pause of a partially paused resource. */
export async function resumeScopeCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const resource = await targetResource(ctx, node, (r) => r.scopedPauses.length > 0, { title: 'Resume a scope of which resource?', none: 'No task type or shard is paused.' });
  if (!resource) return;
  const scoped = await ctx.ui.pickOne<ScopedPause>(
    resource.scopedPauses.map((s) => ({ label: scopeLabel(s.scope), description: `paused by ${s.pause.pausedBy}`, detail: s.pause.reason ?? undefined, value: s })),
    `Resume which part of ${namedResource(resource)}?`,
  );
  if (!scoped) return;
  const label = `${namedResource(resource)} (${scopeLabel(scoped.scope)})`;
  const forced = await confirmEarlyResume(ctx, [{ label, at: pauseEnd(scoped.pause.resumeAt) }]);
  if (!forced) return;
  await runWithRetry(ctx, { progress: `Resuming ${label}`, failure: `Could not resume ${label}` }, (api) => api.resume(resource.id, { scope: scoped.scope, force: forced.length > 0 }));
}

/** Everything paused (whole or scoped), or everything paused in the clicked connection. */
export async function resumeAllCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const connection = node?.kind === 'connection' ? node.name : null;
  const where = connection ? ` in ${connection}` : '';
  const paused = ctx.store.resources().filter((r) => hasPauses(r) && (connection === null || r.connection === connection));
  if (!paused.length) return ctx.ui.showInfo(`Nothing is paused${where}.`);
  const now = ctx.now();
  const scheduled = paused.flatMap((r) => [{ label: r.id, at: autoResumeAt(r) }, ...r.scopedPauses.map((s) => ({ label: `${r.id} (${scopeLabel(s.scope)})`, at: pauseEnd(s.pause.resumeAt) }))]).filter((s) => pending(s, now));
  const detail = [`This resumes: ${paused.map((r) => r.id).join(', ')}.`, ...scheduled.map((s) => `${s.label} would auto-resume ${inTime(s.at!, now)}.`)].join('\n');
  if (!(await ctx.ui.confirm(`Resume all ${paused.length} paused${where}?`, detail, 'Resume All'))) return;
  const request = { force: scheduled.length > 0 };
  await runWithRetry(ctx, { progress: `Resuming all${where}`, failure: `Could not resume all${where}` }, async (api) => requireAllOk(await api.resumeAll(connection, request), 'resumed'));
}

/**
 * Asks before cutting short pauses that would end by themselves ("Resume now? It would
 * auto-resume in 25m"). Returns the labels to resume with force ([] when none was
 * scheduled), or undefined when the user declined.
 */
async function confirmEarlyResume(ctx: CommandContext, targets: Scheduled[]): Promise<string[] | undefined> {
  const now = ctx.now();
  const scheduled = targets.filter((t) => pending(t, now));
  if (!scheduled.length) return [];
  const detail = targets.length === 1 ? `It would auto-resume ${inTime(scheduled[0].at!, now)}.` : scheduled.map((t) => `${t.label} would auto-resume ${inTime(t.at!, now)}.`).join('\n');
  return (await ctx.ui.confirm('Resume now?', detail, 'Resume Now')) ? scheduled.map((t) => t.label) : undefined;
}

function pending(target: Scheduled, now: Date): boolean {
  return target.at !== null && target.at > now;
}

function pauseEnd(resumeAt: string | null): Date | null {
  return resumeAt ? new Date(resumeAt) : null;
}

function inTime(at: Date, now: Date): string {
  return `in ${shortDuration(at.getTime() - now.getTime())}`;
}
