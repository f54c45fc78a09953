import { watchFile, unwatchFile } from 'node:fs';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { BulkResult } from '../../protocol/api';
import type { TestConnectionResponse } from '../../protocol/connections';
import type { DeployRequest, DeployResponse } from '../../protocol/deploy';
import { PauseError } from '../../protocol/errors';
import type { PauseRequest, ResumeRequest } from '../../protocol/requests';
import type { Resource } from '../../protocol/resource';
import { loadConnections } from '../config/connectionsFile';
import type { Interest } from '../backends/types';
import type { BulkProgress } from './bulk';
import { testConnection } from './connectionTest';
import { Journal } from './journal';
import { Poller } from './poller';
import type { Cadence } from './pollSchedule';
import { ResumeScheduler } from './scheduler';
import { PauseService } from './service';
import { StateStore } from './stateStore';

/** Everything the agent does except talking HTTP: configuration, polling, scheduling, state. */
export class AgentCore {
  readonly store = new StateStore();
  readonly service: PauseService;
  readonly journal: Journal;
  private readonly poller: Poller;
  private readonly scheduler: ResumeScheduler;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly options: { home: string; connectionsPath: string; journalPath: string; log: Logger; metrics: Registry; cadence?: Cadence }) {
    this.journal = new Journal(options.journalPath);
    this.service = new PauseService({ log: options.log, metrics: options.metrics, journal: this.journal, via: 'agent', home: options.home });
    this.scheduler = new ResumeScheduler(this.service, options.log, (id) => void this.refreshed(id).catch(() => undefined));
    const listings = new Counter({
      name: 'pipeline_pause_agent_listings_total',
      help: 'Listings of a connection, by why (poll or refresh) and for whom (watched, background, idle)',
      labelNames: ['connection', 'reason', 'interest'],
      registers: [options.metrics],
    });
    this.poller = new Poller({
      store: this.store,
      log: options.log,
      list: (connection, context) => this.service.list(connection, context),
      onListed: (connection, resources) => this.scheduler.sync(connection, resources),
      onRead: (resource) => this.scheduler.syncResource(resource),
      resumeTimes: (connection) => this.scheduler.resumeTimes(connection),
      onListing: (connection, context) => listings.inc({ connection, reason: context.reason, interest: context.interest }),
      cadence: options.cadence,
    });
  }

  /** How closely the agent's clients watch (see pollSchedule.ts interestOf); sets how often connections are listed. */
  setInterest(interest: Interest): void {
    this.poller.setInterest(interest);
  }

  /** Why the agent must keep running with no client (an armed auto-resume, a gateway others call), or null. */
  keepAliveReason(): string | null {
    const pending = this.scheduler.pendingCount();
    if (pending) return `${pending} auto-resume(s) pending`;
    for (const connection of this.service.connectionList()) {
      const reason = connection.adapter.keepsAgentAlive?.();
      if (reason) return `connection "${connection.config.name}": ${reason}`;
    }
    return null;
  }

  async start(): Promise<void> {
    await this.reload();
    // Polling the file's stat survives editors that save by rename; fs.watch does not.
    watchFile(this.options.connectionsPath, { interval: 1000 }, () => {
      this.reloading = this.reloading
        .then(() => this.reload())
        .catch((error: Error) => this.options.log.error({ err: error.message }, 'could not apply the connections file'));
    });
  }

  async stop(): Promise<void> {
    unwatchFile(this.options.connectionsPath);
    this.scheduler.stop();
    await this.poller.stop();
    await this.service.close();
  }

  /** Re-reads the connections file; a bad file is reported and the last good one stays in force. */
  async reload(): Promise<void> {
    let file;
    try {
      file = await loadConnections(this.options.connectionsPath);
    } catch (error) {
      this.options.log.error({ err: (error as Error).message }, 'connections file rejected; keeping the previous connections');
      this.store.setConfigError((error as Error).message);
      return;
    }
    const kept = this.service.connectionList().length;
    if (file.missing && kept) {
      // Editors that save by rename leave the file missing for a moment, and a deleted file is
      // more likely a mistake than a wish to forget every connection (and its auto-resumes).
      const message = `connections file ${this.options.connectionsPath} is missing; keeping the ${kept} connection(s) it last listed. Restore it, or save it with "connections": [] to remove them`;
      this.options.log.error(message);
      this.store.setConfigError(message);
      return;
    }
    this.store.setConfigError(null);
    await this.poller.stop();
    await this.service.configure(file.connections);
    const names = new Set(file.connections.map((c) => c.name));
    for (const connection of this.store.snapshot().connections) {
      if (names.has(connection.name)) continue;
      this.store.removeConnection(connection.name);
      // Its auto-resumes are re-armed from the first listing if it comes back.
      this.scheduler.forget(connection.name);
    }
    this.options.log.info({ connections: [...names] }, 'connections loaded');
    this.poller.start(this.service.connectionList());
  }

  /** Lists a connection that is not in the file yet, once: the editor's Add Connection writes only one that works. */
  testConnection(body: unknown): Promise<TestConnectionResponse> {
    return testConnection(body, { log: this.options.log, home: this.options.home });
  }

  /** Reads the resource again (or its whole connection, see refreshesAfterAction) so every client sees the change now, then returns it. */
  async refreshed(address: string): Promise<Resource> {
    const { connection, id } = this.service.locate(address);
    if (connection.refreshes === 'resource') await this.poller.refreshOne(connection, () => this.service.get(id));
    else await this.poller.refresh(connection);
    const resource = this.store.resource(id);
    if (!resource) throw new PauseError('NotFound', `resource "${id}" is not listed by its connection`);
    return resource;
  }

  /** Lists every connection now for a client asking what is true, without the fast pace an action earns. */
  async listAllNow(): Promise<void> {
    await Promise.all(this.service.connectionList().map((c) => this.poller.listNow(c)));
  }

  async refreshAll(): Promise<void> {
    await Promise.all(this.service.connectionList().map((c) => this.poller.refresh(c)));
  }

  /** Deploys, then lists the connection at once so every client sees the new query. */
  async deploy(connection: string, request: DeployRequest): Promise<DeployResponse> {
    const outcome = await this.service.deploy(connection, request);
    await this.poller.refresh(this.service.connection(connection));
    return { ...outcome, resource: this.store.resource(this.service.locate(`${connection}/${outcome.queryId}`).id) ?? null };
  }

  async pauseAll(connection: string, request: PauseRequest, onProgress?: BulkProgress): Promise<BulkResult[]> {
    const results = await this.service.pauseAll(connection, request, onProgress);
    await this.poller.refresh(this.service.connection(connection));
    return results;
  }

  /** Resumes what is paused (wholly or partly) in the given connections, or in all of them. */
  async resumeAll(connections: string[] | null, request: ResumeRequest, onProgress?: BulkProgress): Promise<BulkResult[]> {
    const names = connections ?? this.service.connectionList().map((c) => c.config.name);
    const results = await this.service.resumeAll(names, request, onProgress);
    await Promise.all(names.map((name) => this.poller.refresh(this.service.connection(name))));
    return results;
  }
}
