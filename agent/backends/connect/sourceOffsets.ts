import type { PauseEffect } from '../../../protocol/resource';

/**
 * Proof of pause for a source connector: its source offsets (GET /connectors/{name}/offsets),
 * watched while it is held. A source's pending work lies outside Kafka, so the watch can show
 * that nothing moved (`unproven`) or that something did (`progressing`), never `confirmed`.
 * (Sink connectors use the shared agent/kafka tracker on their consumer group instead.)
 */
export class SourceOffsetsWatch {
  private readonly watches = new Map<string, { offsets: string; since: number }>();

  observe(key: string, held: boolean, offsets: string | null, now: number = Date.now()): PauseEffect | null {
    if (!held || offsets === null) {
      this.watches.delete(key);
      return null;
    }
    const watch = this.watches.get(key);
    if (watch && watch.offsets === offsets) {
      return { status: 'unproven', since: iso(watch.since), detail: `source offsets unchanged since ${short(watch.since)}; a source shows no pending work to prove it with` };
    }
    this.watches.set(key, { offsets, since: now });
    if (!watch) return { status: 'unproven', since: iso(now), detail: `source offsets unchanged since ${short(now)}; a source shows no pending work to prove it with` };
    return { status: 'progressing', since: iso(now), detail: 'source offsets moved after the pause was seen' };
  }

  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of [...this.watches.keys()]) if (!keep.has(key)) this.watches.delete(key);
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

function short(at: number): string {
  return iso(at).replace(/\.\d{3}Z$/, 'Z');
}
