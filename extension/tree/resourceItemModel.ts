import { shortDuration } from '../../protocol/duration';
import type { ConnectionStatus, Resource, ResourceState } from '../../protocol/resource';
import { ItemToken } from '../constants';
import { autoResumeAt, hasPauses, isPausable, isPaused, isResumable, stateLabel } from '../state/resourcePredicates';
import { escapeMarkdown as md, readableTime } from '../text/markdown';
import { resourceTooltip } from './resourceTooltip';

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

export function resourceItem(resource: Resource, now: Date): ItemModel {
  return {
    id: `resource:${resource.id}`,
    label: resource.name,
    description: resourceDescription(resource, now),
    icon: STATE_ICONS[resource.state],
    contextValue: resourceContextValue(resource),
    tooltip: resourceTooltip(resource, now),
  };
}

/** "paused · auto-resume in 25m": the state, and when it ends by itself. */
export function resourceDescription(resource: Resource, now: Date): string {
  const resumeAt = autoResumeAt(resource);
  if (!resumeAt) return stateLabel(resource.state);
  const delta = resumeAt.getTime() - now.getTime();
  return `${stateLabel(resource.state)} · auto-resume ${delta > 0 ? `in ${shortDuration(delta)}` : 'due'}`;
}

export function resourceContextValue(resource: Resource): string {
  const tokens: string[] = [ItemToken.resource, `${ItemToken.kindPrefix}${resource.kind}`, `${ItemToken.statePrefix}${resource.state}`];
  if (isPausable(resource)) tokens.push(ItemToken.pausable);
  if (isResumable(resource)) tokens.push(ItemToken.resumable);
  if (autoResumeAt(resource)) tokens.push(ItemToken.autoResume);
  if (resource.scopedPauses.length && resource.capabilities.resume) tokens.push(ItemToken.scoped);
  return tokens.join(' ');
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
  unreachable: { id: 'debug-disconnect', color: ERROR_COLOR },
};

function connectionDescription(connection: ConnectionStatus, resources: Resource[]): string {
  if (connection.status === 'unreachable') return `unreachable${connection.error ? `: ${connection.error}` : ''}`;
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
