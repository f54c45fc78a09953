import { describeFromNow } from '../../protocol/duration';
import { namedResource, type Resource } from '../../protocol/resource';
import { pauseNotHonouredWarning } from '../../protocol/workers';
import { autoResumeAt, isPaused } from '../state/resourcePredicates';
import { timeLeft } from '../text/timeLeft';
import { escapeMarkdown as md, readableTime } from '../text/markdown';
import { stateWords } from '../../format/stateWords';

export type AgentReachability = 'starting' | 'connected' | 'unreachable';

/** 'warning' and 'error' map to the statusBarItem.*Background theme colors. */
export type StatusSeverity = 'normal' | 'warning' | 'error';

export interface StatusModel {
  visible: boolean;
  text: string;
  tooltip: string;
  severity: StatusSeverity;
  /** What a click does: offer to resume, or start the missing agent. */
  action: 'resume' | 'startAgent';
}

const HIDDEN: StatusModel = { visible: false, text: '', tooltip: '', severity: 'normal', action: 'resume' };

/**
 * Hidden while nothing is paused. Otherwise "N paused", turning warning-colored when some
 * paused data will be lost within `warnWithinMs` and error-colored once that moment passed.
 */
export function statusModel(agent: AgentReachability, resources: Resource[], now: Date, warnWithinMs: number): StatusModel {
  if (agent === 'unreachable') {
    // The agent runs scheduled resumes; without it nobody knows, or changes, what is paused.
    return {
      visible: true,
      text: '$(debug-disconnect) Pipeline Pause',
      tooltip: 'The Pipeline Pause agent is not running: pause states are unknown and scheduled resumes do not run.  \nClick to start it.',
      severity: 'warning',
      action: 'startAgent',
    };
  }
  const paused = resources.filter(isPaused).sort((a, b) => a.id.localeCompare(b.id));
  if (agent === 'starting' || !paused.length) return HIDDEN;

  const lines = paused.map((r) => `- ${pausedLine(r, now)}`);
  const next = nextAutoResume(paused);
  const sections = [`**${paused.length} paused**`, lines.join('\n')];
  if (next) sections.push(`Next auto-resume: ${md(namedResource(next.resource))} ${describeFromNow(next.at, now)} (${readableTime(next.at.toISOString())})`);
  sections.push('Click to resume.');
  return { visible: true, text: `$(debug-pause) ${paused.length} paused${deadlineSuffix(paused, now)}`, tooltip: sections.join('\n\n'), severity: severityOf(paused, now, warnWithinMs), action: 'resume' };
}

/** " · 2d 23h left": how long the first of them can stay paused before data is lost, when one can tell. */
function deadlineSuffix(paused: Resource[], now: Date): string {
  const deadlines = paused.map(dataLossAt).filter((at): at is Date => at !== null);
  if (!deadlines.length) return '';
  const left = Math.min(...deadlines.map((at) => at.getTime())) - now.getTime();
  return left > 0 ? ` · ${timeLeft(left)} left` : ' · retention passed';
}

function pausedLine(resource: Resource, now: Date): string {
  const parts = [`**${md(namedResource(resource))}** ${stateWords(resource.state)}`];
  if (resource.pause) parts.push(`by ${md(resource.pause.pausedBy)}${resource.pause.reason ? `: ${md(resource.pause.reason)}` : ''}`);
  const resumeAt = autoResumeAt(resource);
  if (resumeAt) parts.push(`auto-resume ${describeFromNow(resumeAt, now)}`);
  const lossAt = dataLossAt(resource);
  if (lossAt) parts.push(lossAt <= now ? '**data loss deadline passed**' : `data lost ${describeFromNow(lossAt, now)}`);
  const ignoring = pauseNotHonouredWarning(resource.workers);
  if (ignoring) parts.push(`**warning:** ${md(ignoring)}`);
  return parts.join(' · ');
}

function nextAutoResume(paused: Resource[]): { resource: Resource; at: Date } | null {
  let next: { resource: Resource; at: Date } | null = null;
  for (const resource of paused) {
    const at = autoResumeAt(resource);
    if (at && (!next || at < next.at)) next = { resource, at };
  }
  return next;
}

function severityOf(paused: Resource[], now: Date, warnWithinMs: number): StatusSeverity {
  // A pause that workers ignore is not holding: as worth a warning as a near data-loss deadline.
  let severity: StatusSeverity = paused.some((r) => pauseNotHonouredWarning(r.workers) !== null) ? 'warning' : 'normal';
  for (const resource of paused) {
    const lossAt = dataLossAt(resource);
    if (!lossAt) continue;
    if (lossAt <= now) return 'error';
    if (lossAt.getTime() - now.getTime() <= warnWithinMs) severity = 'warning';
  }
  return severity;
}

function dataLossAt(resource: Resource): Date | null {
  return resource.backlog.dataLossAt ? new Date(resource.backlog.dataLossAt) : null;
}
