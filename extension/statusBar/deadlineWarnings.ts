import { describeFromNow } from '../../protocol/duration';
import { type Resource, namedResource } from '../../protocol/resource';
import { dataLossDeadline, isHeld } from '../state/resourcePredicates';
import { readableTime } from '../text/markdown';
import { stateWords } from '../../format/stateWords';

export interface DeadlineWarning {
  /** One warning per resource, deadline and severity: shown once, not on every clock tick. */
  key: string;
  resourceId: string;
  severity: 'warning' | 'error';
  message: string;
}

/**
 * Notifications for held resources whose data-loss deadline is near (within `warnWithinMs`) or
 * has passed, skipping those already shown (`shown` holds their keys). A Relational Migrator job
 * paused past its source's CDC retention loses change events; a paused sink connector or query,
 * records aged out of its topics.
 */
export function dueDeadlineWarnings(resources: Resource[], now: Date, warnWithinMs: number, shown: ReadonlySet<string>): DeadlineWarning[] {
  const due: DeadlineWarning[] = [];
  for (const resource of resources) {
    const lossAt = dataLossDeadline(resource);
    if (!lossAt || !isHeld(resource)) continue;
    const left = lossAt.getTime() - now.getTime();
    const severity = left <= 0 ? 'error' : left <= warnWithinMs ? 'warning' : null;
    if (!severity) continue;
    const key = `${resource.id}\u0000${lossAt.toISOString()}\u0000${severity}`;
    if (shown.has(key)) continue;
    const at = readableTime(lossAt.toISOString());
    const message =
      severity === 'error'
        ? `${namedResource(resource)} is still ${stateWords(resource.state)} past its retention deadline (${at}): data may already be lost. Resume it now.`
        : `${namedResource(resource)} can stay ${stateWords(resource.state)} only until ${at} (${describeFromNow(lossAt, now)}); resume it before then so no data is lost.`;
    due.push({ key, resourceId: resource.id, severity, message });
  }
  return due;
}
