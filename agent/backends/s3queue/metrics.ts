import { Counter, Gauge, type Registry } from 'prom-client';
import type { PauseDetails } from '../../../protocol/resource';

/**
 * The seed's metrics, labelled by bucket. Transitions are counted when this process makes them
 * or first observes them, keyed by the pause's ETag so one pause is never counted twice.
 */
export class PauseMetrics {
  private readonly current = new Map<string, PauseDetails | null>();
  private readonly events: Counter<'bucket' | 'action'>;

  constructor(registry: Registry) {
    const current = this.current;
    new Gauge({
      name: 'buquet_queue_paused',
      help: '1 if the queue is paused, 0 if not',
      labelNames: ['bucket'],
      registers: [registry],
      collect() {
        for (const [bucket, pause] of current) this.set({ bucket }, pause ? 1 : 0);
      },
    });
    new Gauge({
      name: 'buquet_pause_duration_seconds',
      help: 'How long the queue has been paused (0 when running)',
      labelNames: ['bucket'],
      registers: [registry],
      collect() {
        for (const [bucket, pause] of current) {
          this.set({ bucket }, pause ? Math.max(0, (Date.now() - Date.parse(pause.pausedAt)) / 1000) : 0);
        }
      },
    });
    this.events = new Counter({
      name: 'buquet_pause_events_total',
      help: 'Pause and resume events seen by this agent',
      labelNames: ['bucket', 'action'],
      registers: [registry],
    });
  }

  /** A state read from the bucket: counts changes made by others since the last read. */
  observe(bucket: string, pause: PauseDetails | null): void {
    if (!this.current.has(bucket)) {
      this.current.set(bucket, pause);
      this.events.inc({ bucket, action: 'pause' }, 0); // the series exist from the first look
      this.events.inc({ bucket, action: 'resume' }, 0);
      return;
    }
    const previous = this.current.get(bucket) ?? null;
    this.current.set(bucket, pause);
    if (pause && previous?.version !== pause.version) this.events.inc({ bucket, action: 'pause' });
    else if (!pause && previous) this.events.inc({ bucket, action: 'resume' });
  }
}
