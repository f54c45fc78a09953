import { describeAutoResume, describeFromNow, humanDuration } from '../../protocol/duration';
import { formatPending, type PauseDetails, type Resource, type WorkerInfo } from '../../protocol/resource';
import { pauseNotHonouredWarning } from '../../protocol/workers';
import { isHeld, scopeLabel } from '../state/resourcePredicates';
import { escapeMarkdown as md, readableTime } from '../text/markdown';
import type { KindPresentation } from '../../protocol/presentation';
import { stateWords } from '../../format/stateWords';

/** The hover of a resource row: everything a developer needs before touching the pause button. */
export function resourceTooltip(resource: Resource, words: KindPresentation, now: Date): string {
  const title = resource.label ? [`**${md(resource.label)}** · ${md(words.title)}`, `Address: ${md(resource.id)}`] : [`**${md(resource.id)}** · ${md(words.title)}`];
  const sections: string[][] = [[...title, `State: **${stateWords(resource.state)}**${resource.stateDetail ? ` (${md(resource.stateDetail)})` : ''}`]];
  if (resource.capabilities.pauseUnavailable) sections[0].push(`Pause: not available: ${md(resource.capabilities.pauseUnavailable)}`);
  if (resource.pause) sections.push([...pauseLines(resource.pause, now), ...effectLines(resource)]);
  if (resource.scopedPauses.length) {
    sections.push(['Scoped pauses:', ...resource.scopedPauses.map((s) => `- ${md(scopeLabel(s.scope))}: ${md(oneLinePause(s.pause, now))}`)]);
  }
  sections.push(workLines(resource, words, now));
  sections.push(lineageLines(resource));
  if (resource.lastError) sections.push([`Last error: ${md(resource.lastError)}`]);
  return sections
    .filter((lines) => lines.length)
    .map((lines) => lines.join('  \n'))
    .join('\n\n');
}

function pauseLines(pause: PauseDetails, now: Date): string[] {
  return [
    `Reason: ${pause.reason ? md(pause.reason) : '_none given_'}`,
    `Paused by: ${md(pause.pausedBy)}`,
    `Since: ${readableTime(pause.pausedAt)} (${humanDuration(now.getTime() - Date.parse(pause.pausedAt))} ago)`,
    `Resume at: ${pause.resumeAt ? `${readableTime(pause.resumeAt)} (${md(describeAutoResume(pause, now))})` : 'not scheduled (manual resume)'}`,
  ];
}

function oneLinePause(pause: PauseDetails, now: Date): string {
  const reason = pause.reason ? ` (${pause.reason})` : '';
  const auto = pause.resumeAt ? `, auto-resume ${describeAutoResume(pause, now)}` : '';
  return `paused by ${pause.pausedBy} since ${readableTime(pause.pausedAt)}${reason}${auto}`;
}

function workLines(resource: Resource, labels: KindPresentation, now: Date): string[] {
  const { backlog } = resource;
  const lines: string[] = [];
  if (resource.workers) lines.push(`Workers: ${workersSummary(resource.workers)}`);
  const ignoring = pauseNotHonouredWarning(resource.workers);
  if (ignoring) lines.push(`**Warning:** ${md(ignoring)}`);
  const pending = formatPending(backlog);
  if (pending !== null) lines.push(`${labels.pending}: ${md(pending)}${backlog.pendingIsLowerBound ? md(` (counted up to ${pending.slice(0, -1)}; pipeline-pause status ${resource.id} --exact counts them all)`) : ''}`);
  if (backlog.inFlight !== null) lines.push(`${labels.inFlight}: ${backlog.inFlight.toLocaleString('en-US')}`);
  if (backlog.oldestPendingAt) lines.push(`${labels.oldest}: ${humanDuration(now.getTime() - Date.parse(backlog.oldestPendingAt))} old`);
  if (backlog.dataLossAt && isHeld(resource) && Date.parse(backlog.dataLossAt) > now.getTime()) {
    lines.push(`**Can stay paused: ${humanDuration(Date.parse(backlog.dataLossAt) - now.getTime())} more**`);
  }
  if (backlog.dataLossAt) {
    const due = Date.parse(backlog.dataLossAt) <= now.getTime();
    lines.push(`${due ? '**Data loss: retention passed** at' : 'Data lost if still paused at'} ${readableTime(backlog.dataLossAt)}${due ? '' : ` (${describeFromNow(new Date(backlog.dataLossAt), now)})`}`);
  }
  return lines;
}

/** Proof that the pause holds, as the agent watched it (committed offsets, ...). */
function effectLines(resource: Resource): string[] {
  const effect = resource.pauseEffect;
  if (!effect) return [];
  const word = { confirmed: '**holding** (confirmed)', unproven: 'no progress seen (not yet proven)', progressing: '**still progressing**' }[effect.status];
  return [`Pause effect: ${word}: ${md(effect.detail)}`];
}

/** What feeds this resource and what it feeds. */
function lineageLines(resource: Resource): string[] {
  const { upstream, downstream, inputs, outputs } = resource.lineage;
  const list = (items: string[]) => items.map((item) => md(item.replace(/^kafka-topic:/, 'topic '))).join(', ');
  const lines: string[] = [];
  if (inputs.length) lines.push(`Reads: ${list(inputs)}`);
  if (outputs.length) lines.push(`Writes: ${list(outputs)}`);
  if (upstream.length) lines.push(`Upstream: ${list(upstream)}`);
  if (downstream.length) lines.push(`Downstream: ${list(downstream)}`);
  return lines;
}

/** "3 healthy, 1 stale (2 idle, 1 busy)": statuses are counted over the healthy ones only. */
function workersSummary(workers: WorkerInfo[]): string {
  if (!workers.length) return 'none registered';
  const healthy = workers.filter((w) => w.healthy);
  const counts = new Map<string, number>();
  for (const worker of healthy) counts.set(worker.status, (counts.get(worker.status) ?? 0) + 1);
  const statuses = counts.size ? ` (${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')})` : '';
  return `${healthy.length} healthy, ${workers.length - healthy.length} stale${statuses}`;
}
