import type { ServerMessage } from '../../protocol/messages';
import { presentationOf, type KindPresentation, type KindPresentations } from '../../protocol/presentation';
import { displayName, type ConnectionStatus, type Resource } from '../../protocol/resource';

/**
 * What changed, as narrowly as it can be said, so the tree refreshes one row rather than all:
 * a known resource changed in place -> that row; a resource came or went -> its connection's
 * children; anything about the set of connections -> everything.
 */
export type StoreChange = { type: 'all' } | { type: 'connection'; name: string } | { type: 'resource'; id: string };

/** The agent's state as last pushed; empty whenever the agent is not connected. */
export class ResourceStore {
  private connectionMap = new Map<string, ConnectionStatus>();
  private resourceMap = new Map<string, Resource>();
  private kinds: KindPresentations = {};
  private listeners = new Set<(change: StoreChange) => void>();
  /** Each connection's resources in order, sorted once per change: a refreshed tree asks per row. */
  private byConnection: Map<string, Resource[]> | null = null;
  configError: string | null = null;
  /** Counts changes, so facts derived from all resources are computed once per change (StoreFacts). */
  revision = 0;

  onDidChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.kinds = message.snapshot.kinds;
        this.connectionMap = new Map(message.snapshot.connections.map((c) => [c.name, c]));
        this.resourceMap = new Map(message.snapshot.resources.map((r) => [r.id, r]));
        this.configError = message.snapshot.configError;
        return this.emit({ type: 'all' });
      case 'resource-changed': {
        const known = this.resourceMap.has(message.resource.id);
        this.resourceMap.set(message.resource.id, message.resource);
        return this.emit(known && this.connectionMap.has(message.resource.connection) ? { type: 'resource', id: message.resource.id } : this.parentChange(message.resource.connection));
      }
      case 'resource-removed': {
        const removed = this.resourceMap.get(message.id);
        if (!removed) return;
        this.resourceMap.delete(message.id);
        return this.emit(this.parentChange(removed.connection));
      }
      case 'connection-changed': {
        const known = this.connectionMap.has(message.connection.name);
        this.connectionMap.set(message.connection.name, message.connection);
        return this.emit(known ? { type: 'connection', name: message.connection.name } : { type: 'all' });
      }
      case 'connection-removed':
        this.connectionMap.delete(message.name);
        for (const [id, resource] of this.resourceMap) if (resource.connection === message.name) this.resourceMap.delete(id);
        return this.emit({ type: 'all' });
      case 'config-error':
        this.configError = message.message;
        return this.emit({ type: 'all' });
    }
  }

  /** Forgets everything: with the agent gone, old states would be shown as current. */
  clear(): void {
    if (!this.connectionMap.size && !this.resourceMap.size && this.configError === null) return;
    this.connectionMap.clear();
    this.resourceMap.clear();
    this.configError = null;
    this.emit({ type: 'all' });
  }

  /** How the agent's backends word this kind of resource. */
  presentation(kind: string): KindPresentation {
    return presentationOf(this.kinds, kind);
  }

  /** Connections in the agent's order. */
  connections(): ConnectionStatus[] {
    return [...this.connectionMap.values()];
  }

  connection(name: string): ConnectionStatus | undefined {
    return this.connectionMap.get(name);
  }

  resources(): Resource[] {
    return [...this.resourceMap.values()];
  }

  /** By name; a copy the caller may keep. */
  resourcesOf(connection: string): Resource[] {
    if (!this.byConnection) {
      this.byConnection = new Map();
      for (const resource of this.resourceMap.values()) {
        const list = this.byConnection.get(resource.connection) ?? [];
        list.push(resource);
        this.byConnection.set(resource.connection, list);
      }
      for (const list of this.byConnection.values()) list.sort((a, b) => displayName(a).localeCompare(displayName(b))); // in the order the rows read
    }
    return [...(this.byConnection.get(connection) ?? [])];
  }

  resource(id: string): Resource | undefined {
    return this.resourceMap.get(id);
  }

  private parentChange(connection: string): StoreChange {
    return this.connectionMap.has(connection) ? { type: 'connection', name: connection } : { type: 'all' };
  }

  private emit(change: StoreChange): void {
    this.revision++;
    this.byConnection = null;
    for (const listener of this.listeners) listener(change);
  }
}
