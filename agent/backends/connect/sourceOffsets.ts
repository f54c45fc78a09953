import type { PauseEffect } from '../../../protocol/resource';
import { isoSeconds } from '../../../protocol/pausePolicy';

export interface SourceOffset {
  partition: unknown;
  offset: unknown;
}

/**
 * Proof of pause for a source connector: its source offsets (GET /connectors/{name}/offsets),
 * watched while it is held. A source's pending work lies outside Kafka, so the watch can show
 * that nothing moved (`unproven`) or that something did (`progressing`), never `confirmed`.
 * (Sink connectors use the shared agent/kafka tracker on their consumer group instead.)
 */
export class SourceOffsetsWatch {
  private readonly watches = new Map<string, { offsets: string; since: number }>();

  /** `read`: the connector's offsets (GET /connectors/{name}/offsets), null when unknown. */
  observe(key: string, held: boolean, read: SourceOffset[] | null, now: number = Date.now()): PauseEffect | null {
    if (!held || read === null) {
      this.watches.delete(key);
      return null;
    }
    const offsets = canonical(read);
    const watch = this.watches.get(key);
    if (watch && watch.offsets === offsets) {
      return { status: 'unproven', since: iso(watch.since), detail: `source offsets unchanged since ${isoSeconds(iso(watch.since))}; a source shows no pending work to prove it with` };
    }
    this.watches.set(key, { offsets, since: now });
    if (!watch) return { status: 'unproven', since: iso(now), detail: `source offsets unchanged since ${isoSeconds(iso(now))}; a source shows no pending work to prove it with` };
    return { status: 'progressing', since: iso(now), detail: 'source offsets moved after the pause was seen' };
  }

  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of [...this.watches.keys()]) if (!keep.has(key)) this.watches.delete(key);
  }
}

/**
 * One string per set of offsets, whatever order Connect lists partitions and keys in (it builds
 * them from Java hash maps), so only a real change counts as progress.
 */
function canonical(offsets: SourceOffset[]): string {
  return offsets
    .map((entry) => JSON.stringify([sortedKeys(entry.partition), sortedKeys(entry.offset)]))
    .sort()
    .join('\n');
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

