import type { IncomingMessage } from 'node:http';
import { byMethodAndPath, type Classify } from './countingProxy';

const TASK_READ = 'GET task ';
export const READY_LIST = 'LIST ready/';

/**
 * CountingProxy classes for a buquet worker's polling: each task's GET by its id and the listing
 * of the ready index by name, everything else by method and path. Tells a worker's reads of
 * tasks apart from its pause checks and heartbeats.
 */
export const byTaskRead: Classify = (request: IncomingMessage) => {
  const url = new URL(request.url ?? '/', 'http://proxy');
  if (request.method === 'GET' && url.searchParams.get('prefix') === 'ready/') return READY_LIST;
  const task = /^\/[^/]+\/tasks\/[0-9a-f]+\/([0-9a-f-]+)\.json$/.exec(url.pathname);
  return request.method === 'GET' && task ? `${TASK_READ}${task[1]}` : byMethodAndPath(request);
};

export function taskReadClass(id: string): string {
  return `${TASK_READ}${id}`;
}

/** All task GETs in a tally of byTaskRead classes. */
export function taskReads(counts: Record<string, { requests: number }>): number {
  return Object.entries(counts).reduce((sum, [name, cost]) => sum + (name.startsWith(TASK_READ) ? cost.requests : 0), 0);
}
