import { Counter, Gauge, type Registry } from 'prom-client';
import type { PauseDetails } from '../../../protocol/resource';

type Labels = { connection: string; bucket: string };

const byRegistry = new WeakMap<Registry, PauseMetrics>();

/** One set of metrics per registry, shared by every S3 connection and re-created adapter. */
export function pauseMetrics(registry: Registry): PauseMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new PauseMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/**
 * The seed's metrics, labelled by bucket (and connection, since two servers may share a bucket
 * name). A transition is counted when it is first seen, keyed by the pause's ETag so one pause
 * is never counted twice.
 */
class PauseMetrics {
  private readonly current = new Map<string, { labels: Labels; pause: PauseDetails | null }>();
  private readonly events: Counter<'connection' | 'bucket' | 'action'>;

  constructor(registry: Registry) {
    const current = this.current;
    new Gauge({
      name: 'buquet_queue_paused',
      help: '1 if the queue is paused, 0 if not',
      labelNames: ['connection', 'bucket'],
      registers: [registry],
      collect() {
        for (const { labels, pause } of current.values()) this.set(labels, pause ? 1 : 0);
      },
    });
    new Gauge({
      name: 'buquet_pause_duration_seconds',
      help: 'How long the queue has been paused (0 when running)',
      labelNames: ['connection', 'bucket'],
      registers: [registry],
      collect() {
        for (const { labels, pause } of current.values()) {
          this.set(labels, pause ? Math.max(0, (Date.now() - Date.parse(pause.pausedAt)) / 1000) : 0);
        }
      },
    });
    this.events = new Counter({
      name: 'buquet_pause_events_total',
      help: 'Pause and resume events seen by this agent',
      labelNames: ['connection', 'bucket', 'action'],
      registers: [registry],
    });
  }

  /** A state read from the bucket or written by us: counts what changed since the last one. */
  observe(labels: Labels, pause: PauseDetails | null): void {
    const key = `${labels.connection}\u0000${labels.bucket}`;
    const known = this.current.get(key);
    this.current.set(key, { labels, pause });
    if (!known) {
      this.events.inc({ ...labels, action: 'pause' }, 0); // the series exist from the first look
      this.events.inc({ ...labels, action: 'resume' }, 0);
      return;
    }
    if (pause && known.pause?.version !== pause.version) this.events.inc({ ...labels, action: 'pause' });
    else if (!pause && known.pause) this.events.inc({ ...labels, action: 'resume' });
  }
}
