import { describeFromNow } from '../../protocol/duration';
import type { KindPresentation } from '../../protocol/presentation';
import { displayName, type Resource } from '../../protocol/resource';
import { readableTime } from '../text/markdown';

export interface Confirmation {
  title: string;
  detail: string;
  /** The button that goes ahead. */
  action: string;
}

/**
 * What to ask before a pause, or null to pause at once. A kind whose own product always asks
 * (its presentation's `confirmPause`: Relational Migrator) is always confirmed, with its warning
 * turned into a deadline when the resource has one. Other resources are confirmed only when the
 * pause risks data (pauseRisk).
 */
export function pauseConfirmation(resource: Resource, words: KindPresentation, risk: string | null, resumesAt: Date | null, now: Date): Confirmation | null {
  const asks = words.confirmPause;
  if (asks) {
    const lossAt = resource.backlog.dataLossAt;
    const deadline = lossAt ? asks.deadline.replace('{at}', readableTime(lossAt)).replace('{in}', describeFromNow(new Date(lossAt), now)) : asks.noDeadline;
    const late = resumesAt && lossAt && resumesAt >= new Date(lossAt) ? `The auto-resume you chose (${readableTime(resumesAt.toISOString())}) comes after that.` : null;
    return { title: asks.title.replace('{name}', displayName(resource)), detail: [asks.warning, deadline, late].filter(Boolean).join('\n\n'), action: asks.action };
  }
  return risk ? { title: `Pause ${resource.id}?`, detail: risk, action: 'Pause' } : null;
}
