import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BulkResult } from '../../protocol/api';
import { PauseError } from '../../protocol/errors';
import type { PauseRequest, ResumeRequest } from '../../protocol/requests';
import type { PauseDetails, Resource, Scope } from '../../protocol/resource';
import { findBackend } from '../backends/registry';
import type { BackendAdapter, ResumeOutcome } from '../backends/types';
import type { ConnectionConfig } from '../config/connectionsFile';
import type { Journal, JournalEntry } from './journal';

export interface Connection {
  config: ConnectionConfig;
  adapter: BackendAdapter;
}


/**
 * Pause and resume across every configured backend, with journaling. The agent and the CLI
 * without an agent both use this, so both behave the same.
 */
export class PauseService {
  private connections = new Map<string, Connection>();

  constructor(
    private readonly deps: { log: Logger; metrics: Registry; journal: Journal; via: JournalEntry['via'] },
  ) {}

  /** Swaps in a new set of connections, closing the adapters of the old ones. */
  async configure(configs: ConnectionConfig[]): Promise<void> {
    const previous = this.connections;
    this.connections = new Map();
    for (const config of configs) {
      const backend = findBackend(config.kind);
      if (!backend) throw new PauseError('BadRequest', `connection "${config.name}" has unknown kind "${config.kind}"`);
      this.connections.set(config.name, { config, adapter: backend.create(config, { log: this.deps.log.child({ connection: config.name }), metrics: this.deps.metrics }) });
    }
    await Promise.all([...previous.values()].map((c) => c.adapter.close().catch(() => undefined)));
  }

  connectionList(): Connection[] {
    return [...this.connections.values()];
  }

  connection(name: string): Connection {
    const connection = this.connections.get(name);
    if (!connection) {
      const known = [...this.connections.keys()];
      throw new PauseError('NotFound', `no connection "${name}" (${known.length ? `known: ${known.join(', ')}` : 'the connections file lists none'})`);
    }
    return connection;
  }

  /** `<connection>/<name>`; the name may itself contain slashes. */
  locate(id: string): { connection: Connection; name: string } {
    const slash = id.indexOf('/');
    if (slash <= 0 || slash === id.length - 1) throw new PauseError('BadRequest', `"${id}" is not a resource address; use <connection>/<name>`);
    return { connection: this.connection(id.slice(0, slash)), name: id.slice(slash + 1) };
  }

  async get(id: string): Promise<Resource> {
    const { connection, name } = this.locate(id);
    return connection.adapter.get(name);
  }

  async pause(id: string, request: PauseRequest): Promise<PauseDetails> {
    const { connection, name } = this.locate(id);
    const scope = request.scope ?? null;
    const details = await connection.adapter.pause(name, {
      reason: request.reason ?? null,
      pausedBy: request.pausedBy ?? defaultActor(),
      resumeAfterMs: request.resumeAfter ?? null,
      resumeAt: request.resumeAt ? new Date(request.resumeAt) : null,
      force: request.force,
      scope,
    });
    await this.record('pause', details.pausedBy, id, scope, details, request.force ? 'forced' : null);
    this.deps.log.info({ resource: id, scope, pausedBy: details.pausedBy, reason: details.reason, resumeAt: details.resumeAt }, 'paused');
    return details;
  }

  async resume(id: string, request: ResumeRequest): Promise<ResumeOutcome> {
    const { connection, name } = this.locate(id);
    const scope = request.scope ?? null;
    const outcome = await connection.adapter.resume(name, { force: request.force, scope, onlyIfVersion: null });
    await this.record('resume', defaultActor(), id, scope, outcome.previous, request.force ? 'forced' : null);
    this.deps.log.info({ resource: id, scope }, 'resumed');
    return outcome;
  }

  /** Resumes only if the pause is still the one that was scheduled (same version). */
  async autoResume(id: string, scope: Scope | null, version: string, note: string): Promise<ResumeOutcome> {
    const { connection, name } = this.locate(id);
    const outcome = await connection.adapter.resume(name, { force: true, scope, onlyIfVersion: version });
    await this.record(outcome.resumed ? 'auto-resume' : 'auto-resume-skipped', 'agent:auto-resume', id, scope, outcome.previous, note);
    return outcome;
  }

  /** Pauses every resource of a connection that is not paused yet, reporting each. */
  async pauseAll(connectionName: string, request: PauseRequest): Promise<BulkResult[]> {
    if (request.scope) throw new PauseError('BadRequest', 'pause-all pauses whole resources; a scope applies to one resource');
    const resources = await this.connection(connectionName).adapter.list();
    const results: BulkResult[] = [];
    for (const resource of resources.filter((r) => r.capabilities.pause && r.state !== 'paused')) {
      results.push(await attempt(resource.id, () => this.pause(resource.id, request)));
    }
    return results;
  }

  /** Resumes every pause (whole or scoped) in the given connections, reporting each. */
  async resumeAll(connectionNames: string[], request: ResumeRequest): Promise<BulkResult[]> {
    if (request.scope) throw new PauseError('BadRequest', 'resume-all resumes whole resources; a scope applies to one resource');
    const results: BulkResult[] = [];
    for (const name of connectionNames) {
      for (const resource of await this.connection(name).adapter.list()) {
        const scopes = [...(resource.state === 'paused' ? [undefined] : []), ...resource.scopedPauses.map((p) => p.scope)];
        for (const scope of scopes) {
          const label = scope ? `${resource.id} (${scope.type} ${scope.value})` : resource.id;
          results.push(await attempt(label, () => this.resume(resource.id, { force: request.force, scope })));
        }
      }
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.adapter.close().catch(() => undefined)));
    this.connections.clear();
  }

  private async record(action: JournalEntry['action'], by: string, id: string, scope: Scope | null, pause: PauseDetails | null, note: string | null): Promise<void> {
    try {
      await this.deps.journal.append({
        action,
        by,
        resource: id,
        scope,
        pausedBy: pause?.pausedBy ?? null,
        reason: pause?.reason ?? null,
        resumeAt: pause?.resumeAt ?? null,
        version: pause?.version ?? null,
        via: this.deps.via,
        note,
      });
    } catch (error) {
      // The backend already changed; a journal that cannot be written must not hide that.
      this.deps.log.error({ err: error, resource: id, action }, 'could not write the pause journal');
    }
  }
}

async function attempt(id: string, operation: () => Promise<unknown>): Promise<BulkResult> {
  try {
    await operation();
    return { id, ok: true, error: null };
  } catch (error) {
    return { id, ok: false, error: (error as Error).message };
  }
}

export function defaultActor(): string {
  try {
    return `user:${userInfo().username}`;
  } catch {
    return 'unknown';
  }
}
