import type { BulkResult, PauseUpstreamResponse } from '../protocol/api';
import { describeAutoResume, describeFromNow, humanDuration } from '../protocol/duration';
import type { Snapshot } from '../protocol/messages';
import type { PauseDetails, Resource, ScopedPause, WorkerInfo } from '../protocol/resource';
import { formatPending, isTroubled } from '../protocol/resource';
import type { KindPresentation } from '../protocol/presentation';
import { pauseNotHonouredWarning } from '../protocol/workers';
import { singleLine } from '../protocol/printable';
import { isoSeconds } from '../protocol/pausePolicy';
import { PLAIN, stateHeadline, stateTone, stateWords, type Paint } from './stateWords';

/**
 * Plain-text renderings of the model that the CLI prints and the editor's Show Status opens: one
 * wording for both. Status text is shaped like seed 003's examples of `buquet status` and `buquet workers`.
 * `paint` marks states, failures and warnings (colour on a terminal); the text is the same without it.
 */
export function formatStatus(resource: Resource, words: KindPresentation, now = new Date(), paint: Paint = PLAIN): string {
  const lines = [`${words.heading}: ${resource.id}${resource.label ? ` (${singleLine(resource.label)})` : ''}`, `Status: ${statusWord(resource, paint)}`];
  if (resource.pause) lines.push(...pauseLines(resource.pause, now));
  if (resource.pauseGroup) lines.push(`Group: ${resource.pauseGroup.name} (resume with: pipeline-pause resume-upstream ${resource.pauseGroup.target})`);
  lines.push(...holdLines(resource, now));
  if (resource.lastError) lines.push(`${paint('bad', 'Problem:')} ${resource.lastError}`);
  for (const scoped of resource.scopedPauses) lines.push(scopedLine(scoped, now));
  lines.push('');
  if (resource.workers) lines.push(`Workers: ${workersSummary(resource)}`, ...workerWarningLines(resource, paint));
  const pending = formatPending(resource.backlog);
  if (pending !== null) lines.push(`${words.pending}: ${pending}${resource.backlog.pendingIsLowerBound ? ` (counted up to ${pending.slice(0, -1)}; --exact counts them all)` : ''}`);
  if (resource.backlog.inFlight !== null) lines.push(`${words.inFlight}: ${resource.backlog.inFlight.toLocaleString('en-US')}`);
  return lines.join('\n');
}

export function formatWorkers(resource: Resource, now = new Date(), paint: Paint = PLAIN): string {
  const rows = (resource.workers ?? []).map((w) => [
    w.id,
    w.healthy ? w.status : 'stale',
    w.currentTask ?? '-',
    workerAge(w, now),
  ]);
  const lines = rows.length ? table(['WORKER', 'STATUS', 'CURRENT TASK', 'UPTIME'], rows) : ['No workers registered.'];
  lines.push(...workerWarningLines(resource, paint), '');
  if (resource.pause) {
    lines.push(`Queue Status: ${paint(stateTone('paused'), stateHeadline('paused'))} (since ${humanDuration(now.getTime() - Date.parse(resource.pause.pausedAt))} ago)`);
    if (resource.pause.reason) lines.push(`Reason: ${singleLine(resource.pause.reason)}`);
    if (resource.pause.resumeAt) lines.push(`Auto-resume: ${describeAutoResume(resource.pause, now)}`);
  } else {
    lines.push(`Queue Status: ${statusWord(resource, paint)}`);
  }
  return lines.join('\n');
}

const STATE_COLUMN = 2;

export function formatList(snapshot: Snapshot, now = new Date(), paint: Paint = PLAIN): string {
  const lines: string[] = [];
  if (snapshot.configError) lines.push(`${paint('bad', 'Connections file problem:')} ${snapshot.configError}`, '');
  const resources = snapshot.resources.slice().sort((a, b) => a.id.localeCompare(b.id));
  const rows = resources.map((r) => [r.id, r.kind, stateHeadline(r.state), summary(r, now)]);
  // Only the state column is painted, after padding: escape codes would throw the widths off.
  if (rows.length) lines.push(...table(['RESOURCE', 'KIND', 'STATE', 'DETAIL'], rows, (row, column, text) => (row >= 0 && column === STATE_COLUMN ? paint(stateTone(resources[row].state), text) : text)));
  for (const connection of snapshot.connections.filter((c) => isTroubled(c.status))) {
    lines.push(`${connection.name}: ${paint('bad', connection.status)} (${connection.error})`);
  }
  if (!rows.length && !snapshot.connections.length) lines.push('No connections configured. Add one to the connections file (see README).');
  return lines.join('\n');
}

export function formatPaused(resource: Resource, pause: PauseDetails, scopeLabel: string | null, now = new Date(), verb = 'Paused', paint: Paint = PLAIN): string {
  const what = scopeLabel ? `${resource.id} (${scopeLabel})` : resource.id;
  const lines = [`${verb} ${what}`, ...pauseLines(pause, now)];
  // The backend applies some pauses asynchronously (Kafka Connect): say where it stands.
  if (!scopeLabel && !['paused', 'stopped'].includes(resource.state)) lines.push(`Status: ${statusWord(resource, paint)}`);
  lines.push(...holdLines(resource, now));
  if (!scopeLabel || resource.pause) lines.push(...workerWarningLines(resource, paint));
  return lines.join('\n');
}

/** "Resumed local/orders; now running": the state in a sentence, so in its plain words. */
export function formatResumed(resource: Resource, scopeLabel: string | null, paint: Paint = PLAIN): string {
  return `Resumed ${resource.id}${scopeLabel ? ` (${scopeLabel})` : ''}; now ${paint(stateTone(resource.state), stateWords(resource.state))}`;
}

/** Why a running resource cannot pause now, and how long a held one may stay held. */
function holdLines(resource: Resource, now: Date): string[] {
  const lines: string[] = [];
  if (resource.capabilities.pauseUnavailable) lines.push(`Pause: not available: ${resource.capabilities.pauseUnavailable}`);
  const held = resource.pause !== null || ['paused', 'pausing', 'stopped'].includes(resource.state);
  if (held && resource.backlog.dataLossAt) {
    const at = new Date(resource.backlog.dataLossAt);
    lines.push(at <= now ? `Resume before: ${isoSeconds(resource.backlog.dataLossAt)} has passed: paused data may already be lost` : `Resume before: ${isoSeconds(resource.backlog.dataLossAt)} (${describeFromNow(at, now)}); paused data may be lost after that`);
  }
  if (held && resource.pauseEffect) lines.push(`Pause effect: ${resource.pauseEffect.status} (${resource.pauseEffect.detail})`);
  return lines;
}

const BULK_WORDS = { pause: { done: 'Paused', none: 'Nothing to pause.' }, resume: { done: 'Resumed', none: 'Nothing to resume.' } };

/** One line per resource a pause-all or resume-all touched, or that there was nothing to do. */
export function formatBulk(action: keyof typeof BULK_WORDS, results: BulkResult[], paint: Paint = PLAIN): string {
  const words = BULK_WORDS[action];
  if (!results.length) return words.none;
  return results.map((r) => (r.ok ? `${words.done} ${r.id}` : `${paint('bad', 'Failed')} ${r.id}: ${r.error}`)).join('\n');
}

export function formatGroupPause(outcome: PauseUpstreamResponse, paint: Paint = PLAIN): string {
  const lines = [`Group "${outcome.group.name}" (${outcome.group.id}), upstream of ${outcome.group.target}:`];
  lines.push(...outcome.results.map((r) => (r.ok ? `  Paused ${r.id}` : `  ${paint('bad', 'Failed')} ${r.id}: ${r.error}`)));
  lines.push(...outcome.skipped.map((s) => `  Skipped ${s.id}: ${s.reason}`));
  lines.push(...outcome.warnings.map((w) => `  ${paint('held', 'Warning:')} ${w}`));
  lines.push(`Resume with: pipeline-pause resume-upstream ${outcome.group.target}`);
  return lines.join('\n');
}

function pauseLines(pause: PauseDetails, now: Date): string[] {
  const lines = [`Paused at: ${isoSeconds(pause.pausedAt)}`, `Paused by: ${singleLine(pause.pausedBy)}`];
  if (pause.reason) lines.push(`Reason: ${singleLine(pause.reason)}`);
  lines.push(`Auto-resume: ${describeAutoResume(pause, now)}${pause.resumeAt ? ` (${isoSeconds(pause.resumeAt)})` : ''}`);
  return lines;
}

function scopedLine(scoped: ScopedPause, now: Date): string {
  const label = scoped.scope.type === 'shard' ? `shard ${scoped.scope.value}` : `task type ${scoped.scope.value}`;
  const reason = scoped.pause.reason ? `: ${singleLine(scoped.pause.reason)}` : '';
  const auto = scoped.pause.resumeAt ? `, auto-resume ${describeAutoResume(scoped.pause, now)}` : '';
  return `Paused ${label} by ${singleLine(scoped.pause.pausedBy)} since ${isoSeconds(scoped.pause.pausedAt)}${reason}${auto}`;
}

function statusWord(resource: Resource, paint: Paint): string {
  const word = paint(stateTone(resource.state), stateHeadline(resource.state));
  return resource.stateDetail ? `${word} (${resource.stateDetail})` : word;
}

function workersSummary(resource: Resource): string {
  const workers = resource.workers ?? [];
  const healthy = workers.filter((w) => w.healthy);
  const stale = workers.length - healthy.length;
  const counts = new Map<string, number>();
  for (const worker of healthy) counts.set(worker.status, (counts.get(worker.status) ?? 0) + 1);
  let detail = '';
  if (healthy.length && counts.size === 1) detail = ` (all ${[...counts.keys()][0]})`;
  else if (counts.size > 1) detail = ` (${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')})`;
  return `${healthy.length} connected${detail}${stale ? `, ${stale} stale` : ''}`;
}

function workerWarningLines(resource: Resource, paint: Paint): string[] {
  const warning = pauseNotHonouredWarning(resource.workers);
  return warning ? [`${paint('held', 'Warning:')} ${warning}`] : [];
}

/** Uptime while it beats; a stale worker's uptime would only grow, so show when it was last seen. */
function workerAge(worker: WorkerInfo, now: Date): string {
  if (!worker.healthy) return worker.lastHeartbeatAt ? `last seen ${compactDuration(now.getTime() - Date.parse(worker.lastHeartbeatAt))} ago` : '-';
  return worker.startedAt ? compactDuration(now.getTime() - Date.parse(worker.startedAt)) : '-';
}

function summary(resource: Resource, now: Date): string {
  if (resource.lastError && resource.state === 'unknown') return resource.lastError;
  // The label leads: the RESOURCE column holds the address, which for some kinds is an opaque id.
  const parts: string[] = resource.label ? [singleLine(resource.label)] : [];
  if (resource.pause) {
    parts.push(`by ${singleLine(resource.pause.pausedBy)}${resource.pause.reason ? `: ${singleLine(resource.pause.reason)}` : ''}`);
    if (resource.pause.resumeAt) parts.push(`auto-resume ${describeAutoResume(resource.pause, now)}`);
  }
  if (resource.stateDetail) parts.push(resource.stateDetail);
  const pending = formatPending(resource.backlog);
  if (pending !== null) parts.push(`${pending} pending`);
  return parts.join(', ');
}

/** Columns padded to the widest cell; `paint` (row -1 is the header) marks a cell after its width is counted. */
function table(header: string[], rows: string[][], paint: (row: number, column: number, text: string) => string = (_r, _c, text) => text): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], row: number) => cells.map((c, i) => `${paint(row, i, c)}${i === cells.length - 1 ? '' : ' '.repeat(widths[i] + 4 - c.length)}`).join('').trimEnd();
  return [line(header, -1), ...rows.map((cells, row) => line(cells, row))];
}

function compactDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
