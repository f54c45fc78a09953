import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { ProgressMessage, ServerMessage } from '../../protocol/messages';
import type { ConnectionStatus, Resource, TroubledConnectionStatus } from '../../protocol/resource';

/** The agent's current view of every connection and resource; emits only real changes. */
export class StateStore {
  private readonly events = new EventEmitter();
  private readonly connections = new Map<string, ConnectionStatus>();
  private readonly resources = new Map<string, Resource>();
  private configError: string | null = null;

  onChange(listener: (message: ServerMessage) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  snapshot(): { connections: ConnectionStatus[]; resources: Resource[]; configError: string | null } {
    return { connections: [...this.connections.values()], resources: [...this.resources.values()], configError: this.configError };
  }

  resource(id: string): Resource | undefined {
    return this.resources.get(id);
  }

  /** Passes a long operation's progress to every client; it is not state, so nothing is kept. */
  publish(progress: ProgressMessage): void {
    this.emit(progress);
  }

  setConfigError(message: string | null): void {
    if (message === this.configError) return;
    this.configError = message;
    this.emit({ type: 'config-error', message });
  }

  setConnection(status: ConnectionStatus): void {
    const previous = this.connections.get(status.name);
    this.connections.set(status.name, status);
    if (!previous || !sameIgnoring(previous, status, 'checkedAt')) this.emit({ type: 'connection-changed', connection: status });
  }

  removeConnection(name: string): void {
    for (const resource of this.resources.values()) if (resource.connection === name) this.removeResource(resource.id);
    if (this.connections.delete(name)) this.emit({ type: 'connection-removed', name });
  }

  /** Replaces every resource of one connection with a fresh listing. */
  replaceResources(connection: string, fresh: Resource[]): void {
    const freshIds = new Set(fresh.map((r) => r.id));
    for (const resource of [...this.resources.values()]) {
      if (resource.connection === connection && !freshIds.has(resource.id)) this.removeResource(resource.id);
    }
    for (const resource of fresh) this.upsertResource(resource);
  }

  upsertResource(resource: Resource): void {
    const previous = this.resources.get(resource.id);
    this.resources.set(resource.id, resource);
    if (!previous || !sameIgnoring(previous, resource, 'observedAt')) this.emit({ type: 'resource-changed', resource });
  }

  /** When a connection stops answering, its resources stay listed but nothing is claimed about them. */
  markUnknown(connection: string, error: string, status: TroubledConnectionStatus = 'unreachable'): void {
    for (const resource of [...this.resources.values()]) {
      if (resource.connection !== connection) continue;
      this.upsertResource({ ...resource, state: 'unknown', stateDetail: `connection ${status}`, lastError: error });
    }
  }

  private removeResource(id: string): void {
    if (this.resources.delete(id)) this.emit({ type: 'resource-removed', id });
  }

  private emit(message: ServerMessage): void {
    this.events.emit('change', message);
  }
}

function sameIgnoring<T extends object>(a: T, b: T, key: keyof T): boolean {
  return isDeepStrictEqual({ ...a, [key]: null }, { ...b, [key]: null });
}
