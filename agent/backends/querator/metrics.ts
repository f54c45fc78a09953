import { Counter, Gauge, type Registry } from 'prom-client';

export interface GatewayMetrics {
  held(connection: string, queue: string, delta: number): void;
  retryReply(connection: string, queue: string): void;
  paused(connection: string, queue: string, paused: boolean): void;
}

const byRegistry = new WeakMap<Registry, GatewayMetrics>();

/** One set per registry, shared by every Querator connection and re-created adapter. */
export function gatewayMetrics(registry: Registry): GatewayMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    const held = new Gauge({ name: 'querator_gateway_held_calls', help: 'Calls the pausing gateway holds now', labelNames: ['connection', 'queue'], registers: [registry] });
    const retries = new Counter({
      name: 'querator_gateway_retry_replies_total',
      help: 'Held calls answered with the retry reply (454) because their request_timeout passed',
      labelNames: ['connection', 'queue'],
      registers: [registry],
    });
    const paused = new Gauge({ name: 'querator_queue_paused', help: '1 if the queue is paused at the gateway, 0 if not', labelNames: ['connection', 'queue'], registers: [registry] });
    metrics = {
      held: (connection, queue, delta) => held.inc({ connection, queue }, delta),
      retryReply: (connection, queue) => retries.inc({ connection, queue }),
      paused: (connection, queue, isPaused) => paused.set({ connection, queue }, isPaused ? 1 : 0),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
