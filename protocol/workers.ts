import type { WorkerInfo } from './resource';

/**
 * The warning for live workers that ignore the pause (buquet 0.1.0), or null when there are none.
 * One text for the CLI, the pause reply and the extension, so they never disagree.
 */
export function pauseNotHonouredWarning(workers: WorkerInfo[] | null): string | null {
  const ignoring = (workers ?? []).filter((w) => w.healthy && !w.honoursPause);
  if (!ignoring.length) return null;
  const one = ignoring.length === 1;
  return `${ignoring.length} worker${one ? '' : 's'} (${ignoring.map((w) => w.id).join(', ')}) ${one ? 'does' : 'do'} not honour the pause (no status in ${one ? 'its' : 'their'} heartbeat, e.g. buquet 0.1.0): ${one ? 'it keeps' : 'they keep'} running tasks while paused; stop ${one ? 'it' : 'them'} or move to pipeline-pause/worker`;
}
