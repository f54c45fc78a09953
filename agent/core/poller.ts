import type { Logger } from 'pino';
import { connectionTroubleOf } from '../../protocol/errors';
import type { Resource } from '../../protocol/resource';
import type { ListContext } from '../backends/types';
import type { Connection } from './service';
import type { StateStore } from './stateStore';

const DEFAULT_INTERVAL_MS = 2000;

/**
 * Keeps the state store current by listing each connection on its own interval. A connection
 * that fails is shown as unreachable; it never stops the others or the agent.
 */
export class Poller {
  private readonly loops = new Map<string, { timer: NodeJS.Timeout | null; running: Promise<void> | null }>();
  private stopped = false;

  constructor(
    private readonly store: StateStore,
    private readonly log: Logger,
    /** Lists one connection's resources (the service's listing adds what the core knows, e.g. pause groups). */
    private readonly list: (connection: Connection, context: ListContext) => Promise<Resource[]>,
    private readonly onListed: (connection: string, resources: Resource[]) => void,
  ) {}

  start(connections: Connection[]): void {
    this.stopped = false;
    for (const connection of connections) {
      const name = connection.config.name;
      this.store.setConnection({ name, kind: connection.config.kind, status: 'connecting', error: null, checkedAt: null });
      this.loops.set(name, { timer: null, running: null });
      void this.tick(connection);
    }
  }

  /** Lists one connection now (after a pause or resume) instead of waiting for its next turn. */
  async refresh(connection: Connection): Promise<void> {
    const loop = this.loops.get(connection.config.name);
    if (!loop) return;
    if (loop.running) await loop.running;
    await this.listOnce(connection, 'refresh');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const pending: Promise<void>[] = [];
    for (const loop of this.loops.values()) {
      if (loop.timer) clearTimeout(loop.timer);
      if (loop.running) pending.push(loop.running);
    }
    this.loops.clear();
    await Promise.allSettled(pending);
  }

  private async tick(connection: Connection): Promise<void> {
    const loop = this.loops.get(connection.config.name);
    if (!loop || this.stopped) return;
    loop.running = this.listOnce(connection, 'poll');
    await loop.running;
    loop.running = null;
    if (this.stopped || this.loops.get(connection.config.name) !== loop) return;
    const seconds = connection.config.pollIntervalSeconds;
    const interval = typeof seconds === 'number' ? seconds * 1000 : DEFAULT_INTERVAL_MS;
    loop.timer = setTimeout(() => void this.tick(connection), interval);
  }

  private async listOnce(connection: Connection, reason: ListContext['reason']): Promise<void> {
    const { name, kind } = connection.config;
    try {
      const resources = await this.list(connection, { reason, interest: 'watched' });
      if (this.stopped) return;
      this.store.setConnection({ name, kind, status: 'ok', error: null, checkedAt: new Date().toISOString() });
      this.store.replaceResources(name, resources);
      this.onListed(name, resources);
    } catch (error) {
      if (this.stopped) return;
      const message = (error as Error).message;
      const status = connectionTroubleOf(error);
      const previous = this.store.snapshot().connections.find((c) => c.name === name);
      if (previous?.status !== status) this.log.warn({ connection: name, err: message }, `connection ${status}`);
      this.store.setConnection({ name, kind, status, error: message, checkedAt: new Date().toISOString() });
      this.store.markUnknown(name, message, status);
    }
  }
}
