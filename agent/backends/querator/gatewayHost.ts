import type { Logger } from 'pino';
import { QueratorGateway } from './gateway';
import type { GatewayMetrics } from './metrics';
import { PauseStateStore } from './pauseState';

export interface GatewayLease {
  gateway: QueratorGateway;
  store: PauseStateStore;
  /** Resolves once the gateway listens with its pauses restored; rejects if it cannot. */
  ready: Promise<void>;
  release(): Promise<void>;
}

interface Entry {
  gateway: QueratorGateway;
  store: PauseStateStore;
  ready: Promise<void>;
  refs: number;
}

/**
 * The gateways running in this process, one per connection, port and state file. The agent makes
 * new adapters on every reload of the connections file and closes the old ones after; the new
 * adapter takes over the running gateway (and its held calls) instead of starting another one,
 * so a reload never drops a held call. The gateway stops when the last adapter using it closes:
 * when the agent stops, or when its connection (or port) leaves the connections file.
 */
const running = new Map<string, Entry>();

export function acquireGateway(options: { connection: string; port: number; upstream: string; statePath: string; log: Logger; metrics: GatewayMetrics }): GatewayLease {
  const key = JSON.stringify([options.connection, options.port, options.statePath]);
  let entry = running.get(key);
  if (entry) {
    entry.gateway.setUpstream(options.upstream);
  } else {
    const store = new PauseStateStore(options.statePath, options.connection);
    const gateway = new QueratorGateway({ connection: options.connection, port: options.port, upstream: options.upstream, store, log: options.log, metrics: options.metrics });
    const created: Entry = { gateway, store, refs: 0, ready: gateway.start() };
    // A gateway that could not start is forgotten, so the next adapter tries again.
    created.ready.catch(() => {
      if (running.get(key) === created) running.delete(key);
      store.close();
    });
    running.set(key, created);
    entry = created;
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    gateway: held.gateway,
    store: held.store,
    ready: held.ready,
    async release() {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs > 0) return;
      if (running.get(key) === held) running.delete(key);
      const started = await held.ready.then(
        () => true,
        () => false,
      );
      if (!started) return;
      await held.gateway.close();
      held.store.close();
    },
  };
}
