import { describeFromNow } from '../../protocol/duration';
import type { Resource } from '../../protocol/resource';
import { readableTime } from '../text/markdown';

/**
 * Relational Migrator's own warning in its "Pause CDC" dialog (product docs, "Pause and Resume
 * Kafka Sync Jobs"), shown before pausing one of its sync jobs.
 */
export const MIGRATOR_PAUSE_WARNING = "You must resume the sync job within your source database's CDC retention period to ensure no events are lost.";

export interface Confirmation {
  title: string;
  detail: string;
  /** The button that goes ahead. */
  action: string;
}

/**
 * What to ask before a pause, or null to pause at once. A Relational Migrator sync job is always
 * confirmed, as the Migrator itself does, with its warning turned into a deadline when the
 * connection sets a CDC retention period. Other resources are confirmed only when the pause
 * risks data (pauseRisk).
 */
export function pauseConfirmation(resource: Resource, risk: string | null, resumesAt: Date | null, now: Date): Confirmation | null {
  if (resource.kind === 'relational-migrator') {
    const lossAt = resource.backlog.dataLossAt;
    const deadline = lossAt
      ? `With this connection's CDC retention period, resume before ${readableTime(lossAt)} (${describeFromNow(new Date(lossAt), now)}).`
      : 'Set "cdcRetention" on this connection to see the deadline here, in the tree and in the status bar.';
    const late = resumesAt && lossAt && resumesAt >= new Date(lossAt) ? `The auto-resume you chose (${readableTime(resumesAt.toISOString())}) comes after that.` : null;
    return { title: `Pause CDC of sync job ${resource.name}?`, detail: [MIGRATOR_PAUSE_WARNING, deadline, late].filter(Boolean).join('\n\n'), action: 'Pause CDC' };
  }
  return risk ? { title: `Pause ${resource.id}?`, detail: risk, action: 'Pause' } : null;
}
