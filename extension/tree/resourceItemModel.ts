import { shortDuration } from '../../protocol/duration';
import type { ConnectionStatus, Resource, ResourceState } from '../../protocol/resource';
import { displayName, formatPending, isTroubled } from '../../protocol/resource';
import { ItemToken } from '../constants';
import { autoResumeAt, dataLossDeadline, DEFAULT_DATA_LOSS_WARNING_MS, hasOutputTopics, hasPauses, isHeld, isPausable, isPaused, isResumable, isStoppable } from '../state/resourcePredicates';
import { escapeMarkdown as md, readableTime } from '../text/markdown';
import type { KindPresentation } from '../../protocol/presentation';
import { timeLeft } from '../text/timeLeft';
import { resourceTooltip } from './resourceTooltip';
import { groupPause, type PauseGroupView, type UpstreamFacts } from '../state/pauseGroups';
import { stateWords } from '../../format/stateWords';

/** A codicon id and an optional theme color id; the adapter turns them into ThemeIcon/ThemeColor. */
export interface ItemIcon {
  id: string;
  color: string | null;
}

/** Everything a tree row shows, computed without VS Code so it can be tested as data. */
export interface ItemModel {
  id: string;
  label: string;
  description: string;
  icon: ItemIcon;
  contextValue: string;
  tooltip: string;
}

const PAUSED_COLOR = 'debugIcon.pauseForeground';
const ERROR_COLOR = 'errorForeground';

const STATE_ICONS: Record<ResourceState, ItemIcon> = {
  running: { id: 'debug-start', color: 'debugIcon.startForeground' },
  pausing: { id: 'loading~spin', color: null },
  resuming: { id: 'loading~spin', color: null },
  paused: { id: 'debug-pause', color: PAUSED_COLOR },
  'partially-paused': { id: 'circle-slash', color: PAUSED_COLOR },
  stopped: { id: 'debug-stop', color: null },
  failed: { id: 'error', color: ERROR_COLOR },
  unknown: { id: 'question', color: null },
};

/** A resource its backend lists for information only (a transient ksqlDB query): never pausable. */
const LISTED_ONLY_ICON: ItemIcon = { id: 'eye', color: null };

const WARNING_COLOR = 'list.warningForeground';

const NO_UPSTREAM: UpstreamFacts = { hasUpstream: false, upstreamPaused: false };

export function resourceItem(resource: Resource, words: KindPresentation, now: Date, warnWithinMs = DEFAULT_DATA_LOSS_WARNING_MS, upstream = NO_UPSTREAM, idPrefix = ''): ItemModel {
  return {
    id: `${idPrefix}resource:${resource.id}`,
    label: displayName(resource),
    description: resourceDescription(resource, words, now),
    icon: isListedOnly(resource, words) && resource.state === 'running' ? LISTED_ONLY_ICON : deadlineColored(STATE_ICONS[resource.state], resource, now, warnWithinMs),
    contextValue: resourceContextValue(resource, upstream),
    tooltip: resourceTooltip(resource, words, now),
  };
}

/**
 * "paused · resume within 45m": the state and the one fact that matters most now. The view cuts
 * rows to its width, so a row stays short and the tooltip has every fact. Of a data-loss deadline,
 * why the state is in between (or failed, or cannot pause), a pending auto-resume and the backlog,
 * the first there is shows; a deadline that an auto-resume comes before is no worry, so then the
 * auto-resume shows.
 */
export function resourceDescription(resource: Resource, words: KindPresentation, now: Date): string {
  const state = stateWords(resource.state) + qualifier(resource, words);
  const fact = keyFact(resource, words, now);
  return fact ? `${state} · ${fact}` : state;
}

function keyFact(resource: Resource, words: KindPresentation, now: Date): string | null {
  const resumeAt = autoResumeAt(resource);
  const lossAt = isHeld(resource) ? dataLossDeadline(resource) : null;
  if (lossAt && !(resumeAt && resumeAt < lossAt)) {
    const left = lossAt.getTime() - now.getTime();
    return left > 0 ? `resume within ${timeLeft(left)}` : 'retention passed';
  }
  const detail = isListedOnly(resource, words) ? null : shownDetail(resource);
  if (detail) return detail;
  if (resumeAt) {
    const delta = resumeAt.getTime() - now.getTime();
    return `auto-resume ${delta > 0 ? `in ${shortDuration(delta)}` : 'due'}`;
  }
  const pending = formatPending(resource.backlog);
  return words.backlogInDescription && pending !== null ? `${words.backlogInDescription} ${pending}` : null;
}

/**
 * The state detail, on rows where it is the point: a pause or resume not complete yet ("connector
 * PAUSED but task 0 still RUNNING"), a failure, or a running resource that cannot pause now.
 */
function shownDetail(resource: Resource): string | null {
  if (!resource.stateDetail) return null;
  const inBetween = resource.state === 'pausing' || resource.state === 'resuming' || resource.state === 'failed';
  return inBetween || (resource.state === 'running' && resource.capabilities.pauseUnavailable) ? resource.stateDetail : null;
}

/** A held row turns warning-colored as its data-loss deadline nears, error-colored once it passed. */
function deadlineColored(icon: ItemIcon, resource: Resource, now: Date, warnWithinMs: number): ItemIcon {
  const lossAt = dataLossDeadline(resource);
  if (!lossAt || !isHeld(resource)) return icon;
  const left = lossAt.getTime() - now.getTime();
  if (left <= 0) return { id: icon.id, color: ERROR_COLOR };
  return left <= warnWithinMs ? { id: icon.id, color: WARNING_COLOR } : icon;
}

/** " (transient)" on a resource listed for information only; " (1 of 2 servers)" on one paused in part. */
function qualifier(resource: Resource, words: KindPresentation): string {
  if (isListedOnly(resource, words)) return ` (${words.listedOnly})`;
  const part = resource.state === 'partially-paused' ? /\b(\d+ of \d+ [a-z-]+)\b/.exec(resource.stateDetail ?? '') : null;
  return part ? ` (${part[1]})` : '';
}

/** Its kind lists some resources for information only (ksqlDB's transient queries): they offer no pause at all. */
export function isListedOnly(resource: Resource, words: KindPresentation): boolean {
  const { pause, resume, pauseAll } = resource.capabilities;
  return words.listedOnly !== null && !pause && !resume && !pauseAll;
}

export function resourceContextValue(resource: Resource, upstream = NO_UPSTREAM): string {
  const tokens: string[] = [ItemToken.resource, `${ItemToken.kindPrefix}${resource.kind}`, `${ItemToken.statePrefix}${resource.state}`];
  if (isPausable(resource)) tokens.push(ItemToken.pausable);
  if (isResumable(resource)) tokens.push(ItemToken.resumable);
  if (isStoppable(resource)) tokens.push(ItemToken.stoppable);
  if (autoResumeAt(resource)) tokens.push(ItemToken.autoResume);
  if (resource.scopedPauses.length && resource.capabilities.resume) tokens.push(ItemToken.scoped);
  if (upstream.hasUpstream) tokens.push(ItemToken.hasUpstream);
  if (upstream.upstreamPaused) tokens.push(ItemToken.upstreamPaused);
  if (hasOutputTopics(resource)) tokens.push(ItemToken.peekable);
  return tokens.join(' ');
}

/** "upstream of CSAS_TOTALS_3" · 2 paused · auto-resume in 25m: the whole group, resumed as one. */
export function pauseGroupItem(group: PauseGroupView, now: Date): ItemModel {
  const pause = groupPause(group);
  const parts = [`${group.members.length} paused`];
  if (pause?.resumeAt) {
    const delta = Date.parse(pause.resumeAt) - now.getTime();
    parts.push(`auto-resume ${delta > 0 ? `in ${shortDuration(delta)}` : 'due'}`);
  }
  if (pause?.reason) parts.push(pause.reason);
  const lines = [`**${md(group.ref.name)}** · paused together, resumed together`, `Upstream of: ${md(group.ref.target)}`];
  if (pause) {
    lines.push(`Paused by: ${md(pause.pausedBy)} at ${readableTime(pause.pausedAt)}`);
    if (pause.reason) lines.push(`Reason: ${md(pause.reason)}`);
    lines.push(`Auto-resume: ${pause.resumeAt ? readableTime(pause.resumeAt) : 'none (resume by hand)'}`);
  }
  lines.push(`Members: ${group.members.map((m) => md(m.id)).join(', ')}`);
  return {
    id: `pause-group:${group.ref.id}`,
    label: group.ref.name,
    description: parts.join(' · '),
    icon: { id: 'debug-pause', color: PAUSED_COLOR },
    contextValue: ItemToken.pauseGroup,
    tooltip: lines.join('  \n'),
  };
}

export function connectionItem(connection: ConnectionStatus, resources: Resource[]): ItemModel {
  const tokens: string[] = [ItemToken.connection];
  if (resources.some(isPausable)) tokens.push(ItemToken.connectionPausable);
  if (resources.some(hasPauses)) tokens.push(ItemToken.connectionResumable);
  if (connection.status === 'unreachable') tokens.push(ItemToken.connectionUnreachable);
  return {
    id: `connection:${connection.name}`,
    label: connection.name,
    description: connectionDescription(connection, resources),
    icon: CONNECTION_ICONS[connection.status],
    contextValue: tokens.join(' '),
    tooltip: connectionTooltip(connection, resources),
  };
}

const CONNECTION_ICONS: Record<ConnectionStatus['status'], ItemIcon> = {
  ok: { id: 'plug', color: null },
  connecting: { id: 'loading~spin', color: null },
  slow: { id: 'watch', color: WARNING_COLOR },
  failing: { id: 'error', color: ERROR_COLOR },
  unreachable: { id: 'debug-disconnect', color: ERROR_COLOR },
};

function connectionDescription(connection: ConnectionStatus, resources: Resource[]): string {
  if (isTroubled(connection.status)) return `${connection.status}${connection.error ? `: ${connection.error}` : ''}`;
  if (connection.status === 'connecting') return 'connecting…';
  const paused = resources.filter(isPaused).length;
  return paused ? `ok · ${paused} of ${resources.length} paused` : 'ok';
}

function connectionTooltip(connection: ConnectionStatus, resources: Resource[]): string {
  const lines = [`**${md(connection.name)}** · ${md(connection.kind)}`, `Status: **${connection.status}**`];
  if (connection.error) lines.push(`Error: ${md(connection.error)}`);
  if (connection.checkedAt) lines.push(`Checked: ${readableTime(connection.checkedAt)}`);
  lines.push(`Resources: ${resources.length}, paused: ${resources.filter(isPaused).length}`);
  return lines.join('  \n');
}

/** Instead of stale rows: the agent is away, and why. */
export function agentDownItem(error: string): ItemModel {
  return {
    id: 'agent-down',
    label: 'Agent not running',
    description: error,
    icon: { id: 'debug-disconnect', color: ERROR_COLOR },
    contextValue: ItemToken.agentDown,
    tooltip: `**The Pipeline Pause agent is not running**, so pause states are unknown and scheduled resumes do not run.  \n${md(error)}  \nClick to start it.`,
  };
}
