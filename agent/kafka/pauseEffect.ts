import type { PauseEffect } from '../../protocol/resource';
import { isoSeconds } from '../../protocol/pausePolicy';

/** A progress marker at one moment: committed offsets by `topic:partition`, and the work waiting. */
export interface Progress {
  positions: Record<string, number>;
  pending: number | null;
}

interface Watch {
  positions: Record<string, number>;
  /** The pause was first seen, or progress was last seen, at this moment. */
  since: number;
  pendingAtSince: number | null;
}

/**
 * Proof that a pause took effect, from a progress marker watched while paused: committed offsets
 * that do not move while new records arrive mean the consumer really stopped. Offsets that
 * move after the pause was seen are reported (a last commit right after the pause, or a pause
 * not honoured), and the watch starts again from there.
 */
export class PauseEffectTracker {
  private readonly watches = new Map<string, Watch>();

  /** The effect for `key` now; null (and the watch dropped) when it is not paused or has no marker. */
  observe(key: string, paused: boolean, progress: Progress | null, now: number = Date.now()): PauseEffect | null {
    if (!paused || !progress) {
      this.watches.delete(key);
      return null;
    }
    const watch = this.watches.get(key);
    if (!watch) {
      this.watches.set(key, { positions: progress.positions, since: now, pendingAtSince: progress.pending });
      return still(now, 0, progress);
    }
    const moved = movement(watch.positions, progress.positions);
    if (moved.changed) {
      this.watches.set(key, { positions: progress.positions, since: now, pendingAtSince: progress.pending });
      return {
        status: 'progressing',
        since: new Date(now).toISOString(),
        detail: `committed offsets moved ${moved.forward > 0 ? `forward by ${moved.forward} ${moved.forward === 1 ? 'record' : 'records'}` : ''} after the pause was seen`.replace('  ', ' '),
      };
    }
    const arrived = watch.pendingAtSince !== null && progress.pending !== null ? progress.pending - watch.pendingAtSince : 0;
    return still(watch.since, arrived, progress);
  }

  /** Drops the watches of keys no longer listed. */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of [...this.watches.keys()]) if (!keep.has(key)) this.watches.delete(key);
  }
}

function still(since: number, arrived: number, progress: Progress): PauseEffect {
  const at = new Date(since).toISOString();
  const when = isoSeconds(at);
  if (!Object.keys(progress.positions).length) {
    return { status: 'unproven', since: at, detail: `no committed offsets to watch yet (since ${when})` };
  }
  if (arrived > 0) {
    return { status: 'confirmed', since: at, detail: `committed offsets unchanged since ${when} while ${arrived} new ${arrived === 1 ? 'record' : 'records'} arrived` };
  }
  return { status: 'unproven', since: at, detail: `committed offsets unchanged since ${when}; no new records yet to prove it with` };
}

/** Whether any committed offset changed (a partition committed for the first time counts), and by how much forward. */
function movement(before: Record<string, number>, after: Record<string, number>): { changed: boolean; forward: number } {
  let forward = 0;
  let changed = false;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    changed = true;
    if (a !== undefined && b !== undefined && b > a) forward += b - a;
  }
  return { changed, forward };
}
