import { namedResource } from '../../protocol/resource';
import { upstreamOf } from '../../protocol/lineage';
import type { PauseUpstreamRequestInput } from '../../protocol/requests';
import { pauseGroupsIn, upstreamFacts } from '../state/pauseGroups';
import { isPausable } from '../state/resourcePredicates';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { askAutoResume, pauseRisk } from './pauseCommands';
import { autoResumeMoment } from './pauseTime';
import { requireAllOk, runWithRetry } from './runAction';
import { targetResource } from './targets';
import { stateWords } from '../../format/stateWords';

/**
 * "Pause upstream of this": everything that feeds the resource, across connections, paused as
 * one group with one reason and one auto-resume, so the developer can change the resource and
 * resume its inputs in one step.
 */
export async function pauseUpstreamCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const facts = upstreamFacts(ctx.store.resources());
  const target = await targetResource(ctx, node, (r) => facts(r.id).hasUpstream, {
    title: 'Pause everything upstream of which resource?',
    none: 'No resource has anything upstream that Pipeline Pause knows of.',
  });
  if (!target) return;
  const upstream = upstreamOf(ctx.store.resources(), target.id);
  const toPause = upstream.filter(isPausable);
  if (!toPause.length) {
    return ctx.ui.showInfo(`Nothing upstream of ${namedResource(target)} is running: ${upstream.map((r) => `${r.id} is ${stateWords(r.state)}`).join(', ') || 'nothing feeds it'}.`);
  }
  const reason = await ctx.ui.input({
    title: `Pause upstream of ${target.name}`,
    prompt: 'Why? Shown on every paused resource (leave empty for the default).',
    placeHolder: `upstream of ${target.name} paused`,
  });
  if (reason === undefined) return;
  const autoResume = await askAutoResume(ctx, `upstream of ${target.name}`, { manual: true });
  if (!autoResume) return;
  const request: PauseUpstreamRequestInput = { ...autoResume, ...(reason.trim() ? { reason: reason.trim() } : {}) };
  const resumesAt = autoResumeMoment(request, ctx.now());
  const risks = toPause.map((r) => pauseRisk(r, resumesAt, ctx.now(), ctx.dataLossWarningMs())).filter((risk): risk is string => risk !== null);
  const left = upstream.filter((r) => !isPausable(r)).map((r) => `${r.id} (${stateWords(r.state)}) is left as it is.`);
  const detail = [`This pauses, as one group: ${toPause.map((r) => r.id).join(', ')}.`, ...left, ...risks].join('\n\n');
  if (!(await ctx.ui.confirm(`Pause ${toPause.length} upstream of ${target.name}?`, detail, 'Pause Upstream'))) return;
  const outcome = await runWithRetry(ctx, { progress: `Pausing upstream of ${namedResource(target)}`, failure: `Could not pause upstream of ${namedResource(target)}` }, async (api) => {
    const answer = await api.pauseUpstream(target.id, request);
    requireAllOk(answer.results, 'paused');
    return answer;
  });
  if (!outcome) return;
  const notes = [...outcome.skipped.map((s) => `${s.id}: ${s.reason}`), ...outcome.warnings];
  await ctx.ui.showInfo(`Paused ${outcome.results.length} as "${outcome.group.name}".${notes.length ? ` ${notes.join('; ')}.` : ''}`);
}

/** Resumes the group(s) paused upstream of a resource: exactly what they paused. */
export async function resumeUpstreamCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const facts = upstreamFacts(ctx.store.resources());
  const target = await targetResource(ctx, node, (r) => facts(r.id).upstreamPaused, {
    title: 'Resume what was paused upstream of which resource?',
    none: 'Nothing was paused with "Pause Upstream".',
  });
  if (!target) return;
  await runWithRetry(ctx, { progress: `Resuming upstream of ${namedResource(target)}`, failure: `Could not resume upstream of ${namedResource(target)}` }, async (api) => requireAllOk(await api.resumeUpstream(target.id), 'resumed'));
}

/** The group row's Resume (or, from the palette, a group picked by name). */
export async function resumeGroupCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const groups = pauseGroupsIn(ctx.store.resources());
  let group = node?.kind === 'pause-group' ? groups.find((g) => g.ref.id === node.group) : undefined;
  if (node?.kind !== 'pause-group') {
    if (!groups.length) return ctx.ui.showInfo('No group is paused.');
    group = await ctx.ui.pickOne(groups.map((g) => ({ label: g.ref.name, description: `${g.members.length} paused`, detail: g.members.map((m) => m.id).join(', '), value: g })), 'Resume which group?');
  }
  if (!group) return;
  await runWithRetry(ctx, { progress: `Resuming ${group.ref.name}`, failure: `Could not resume ${group.ref.name}` }, async (api) => requireAllOk(await api.resumeGroup(group.ref.id), 'resumed'));
}
