import { shortDuration } from '../../protocol/duration';

/** "45m", "5h 10m", "2d 23h": how long is left, compact enough for a tree row or the status bar. */
export function timeLeft(ms: number): string {
  const hours = Math.floor(ms / 3600_000);
  if (hours < 48) return shortDuration(ms);
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}
