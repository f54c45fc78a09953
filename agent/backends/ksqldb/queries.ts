import type { ResourceState } from '../../../protocol/resource';

/** PAUSE / RESUME came with KLIP-63: ksqlDB 0.28.2, which Confluent Platform ships as 7.3.0. */
export const PAUSE_SINCE = '0.28.2';
export const PAUSE_SINCE_CP = '7.3.0';

/**
 * Whether a server of this version knows PAUSE: true, false, or null when the version string
 * is not one we can read (then the server is asked and its own answer is shown).
 */
export function supportsPause(version: string): boolean | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return null;
  const [major, minor, patch] = match.slice(1, 4).map(Number);
  const atLeast = (a: number, b: number, c: number) => major > a || (major === a && (minor > b || (minor === b && patch >= c)));
  if (major === 0) return atLeast(0, 28, 2);
  if (major >= 5 && major <= 7) return atLeast(7, 3, 0); // Confluent Platform numbering
  if (major >= 8) return true;
  return null;
}

export function tooOldMessage(server: string, version: string): string {
  return `ksqlDB at ${server} is version ${version} (GET /info); PAUSE and RESUME need ksqlDB ${PAUSE_SINCE} or later (Confluent Platform ${PAUSE_SINCE_CP}+)`;
}

/** The one-line reason shown where pause is not offered because the server is too old. */
export function tooOldReason(version: string): string {
  const line = /^v?(\d+\.\d+)\./.exec(version.trim())?.[1];
  return `ksqlDB ${line ? `${line}.x` : version} cannot pause queries; PAUSE needs ${PAUSE_SINCE}+ (Confluent Platform ${PAUSE_SINCE_CP}+)`;
}

export interface QueryState {
  state: ResourceState;
  stateDetail: string | null;
}

/**
 * The state of a query from its per-server statuses. `state` in ksqlDB's answers never says
 * PAUSED, so it is not read: `statusCount` (counts summed over the servers, UNRESPONSIVE for
 * servers that did not answer) decides, with `ksqlHostQueryStatus` naming the servers. A query
 * paused on some servers only is partially paused, and says on how many of how many.
 */
export function queryState(statusCount: Record<string, number>, hostStatus: Record<string, string>): QueryState {
  const counts = Object.keys(statusCount).length ? statusCount : countHosts(hostStatus);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const n = (status: string) => counts[status] ?? 0;
  const paused = n('PAUSED');
  const running = n('RUNNING');
  const error = n('ERROR');
  const unresponsive = n('UNRESPONSIVE');
  const servers = (count: number) => `${count} of ${total} ${total === 1 ? 'server' : 'servers'}`;
  const hostsIn = (status: string) => Object.keys(hostStatus).filter((host) => hostStatus[host] === status).sort();
  const named = (status: string) => (hostsIn(status).length ? ` (${hostsIn(status).join(', ')})` : '');
  // Servers in a state that needs the user (unresponsive, error) are named, so they know which to look at.
  const others = (skip: string) =>
    Object.entries(counts)
      .filter(([status, count]) => status !== skip && count > 0)
      .map(([status, count]) => `${status.toLowerCase()} on ${count}${status === 'RUNNING' ? '' : named(status)}`);

  if (total === 0) return { state: 'unknown', stateDetail: 'no server reports a status for this query' };
  if (paused === total) return { state: 'paused', stateDetail: total > 1 ? `paused on all ${total} servers` : null };
  if (paused > 0) return { state: 'partially-paused', stateDetail: [`paused on ${servers(paused)}${named('PAUSED')}`, ...others('PAUSED')].join(', ') };
  if (error > 0) return { state: 'failed', stateDetail: [`error on ${servers(error)}${named('ERROR')}`, ...others('ERROR')].join(', ') };
  if (unresponsive === total) return { state: 'unknown', stateDetail: `unresponsive on ${total === 1 ? 'its server' : `all ${total} servers`}` };
  if (running === total) return { state: 'running', stateDetail: null };
  if (running > 0) return { state: 'running', stateDetail: [`running on ${servers(running)}`, ...others('RUNNING')].join(', ') };
  return { state: 'unknown', stateDetail: others('').join(', ') };
}

/** How many servers report each status. */
export function countHosts(hostStatus: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of Object.values(hostStatus)) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

export interface LineageInput {
  id: string;
  sources: string[];
  sinks: string[];
}

/** Which queries feed which: A is upstream of B when A writes a stream or table B reads. */
export function queryLineage(queries: LineageInput[]): Map<string, { upstream: string[]; downstream: string[] }> {
  const key = (name: string) => name.toUpperCase();
  const writers = new Map<string, string[]>();
  const readers = new Map<string, string[]>();
  for (const query of queries) {
    for (const sink of query.sinks) writers.set(key(sink), [...(writers.get(key(sink)) ?? []), query.id]);
    for (const source of query.sources) readers.set(key(source), [...(readers.get(key(source)) ?? []), query.id]);
  }
  const result = new Map<string, { upstream: string[]; downstream: string[] }>();
  for (const query of queries) {
    const upstream = new Set(query.sources.flatMap((s) => writers.get(key(s)) ?? []));
    const downstream = new Set(query.sinks.flatMap((s) => readers.get(key(s)) ?? []));
    upstream.delete(query.id);
    downstream.delete(query.id);
    result.set(query.id, { upstream: [...upstream].sort(), downstream: [...downstream].sort() });
  }
  return result;
}

/** ksqlDB's own test for a transient query id (PauseQuery / ResumeQuery accept and ignore them). */
export function isTransientId(id: string): boolean {
  return id.toLowerCase().includes('transient_');
}

/** A query behind CREATE SOURCE TABLE: ksqlDB refuses to pause or resume it alone (PAUSE ALL includes it). */
export function isSourceTableQuery(statement: string): boolean {
  return /^\s*CREATE\s+(OR\s+REPLACE\s+)?SOURCE\s+TABLE\b/i.test(statement);
}
