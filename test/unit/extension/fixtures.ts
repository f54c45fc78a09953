import { kindPresentations } from '../../../agent/backends/registry';
import { formatStatus } from '../../../format/resourceText';
import { resourceItem, type ItemModel } from '../../../extension/tree/resourceItemModel';
import { presentationOf } from '../../../protocol/presentation';
import type { ConnectionStatus, PauseDetails, Resource } from '../../../protocol/resource';

export const NOW = new Date('2026-01-29T12:00:00.000Z');
/** The real backends' words for their kinds, as the agent serves them. */
export const KINDS = kindPresentations();

export function minutesFromNow(minutes: number, now = NOW): string {
  return new Date(now.getTime() + minutes * 60_000).toISOString();
}

/** A canned S3 queue resource; `overrides` replace whole top-level fields. */
export function makeResource(id: string, overrides: Partial<Resource> = {}): Resource {
  const [connection, name] = id.split('/');
  return {
    id,
    kind: 's3-queue',
    connection,
    name,
    state: 'running',
    stateDetail: null,
    pause: null,
    pauseGroup: null,
    scopedPauses: [],
    backlog: { pending: 12, inFlight: 2, oldestPendingAt: null, dataLossAt: null },
    workers: [],
    lineage: { upstream: [], downstream: [], inputs: [], outputs: [] },
    capabilities: { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true, stop: false },
    pauseEffect: null,
    lastError: null,
    observedAt: NOW.toISOString(),
    ...overrides,
  };
}

export function makePause(overrides: Partial<PauseDetails> = {}): PauseDetails {
  return { pausedAt: minutesFromNow(-10), pausedBy: 'user:alice', reason: 'schema migration', resumeAt: null, version: '"etag-1"', ...overrides };
}

export function pausedResource(id: string, pause: Partial<PauseDetails> = {}, overrides: Partial<Resource> = {}): Resource {
  return makeResource(id, { state: 'paused', pause: makePause(pause), ...overrides });
}

export function makeConnection(name: string, overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return { name, kind: 's3-queue', status: 'ok', error: null, checkedAt: NOW.toISOString(), ...overrides };
}

/** A resource's tree row as the extension draws it, with its backend's words. */
export function rowOf(resource: Resource, now = NOW, ...rest: Tail<Parameters<typeof resourceItem>>): ItemModel {
  return resourceItem(resource, presentationOf(KINDS, resource.kind), now, ...rest);
}
type Tail<T extends unknown[]> = T extends [unknown, unknown, unknown, ...infer Rest] ? Rest : never;

/** `status` as the CLI prints it for a resource, with its backend's words. */
export function statusText(resource: Resource, now = NOW): string {
  return formatStatus(resource, presentationOf(KINDS, resource.kind), now);
}
