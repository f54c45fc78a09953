import { join } from 'node:path';
import pLimit from 'p-limit';
import { alreadyPaused, autoResumeSet, newPauseDetails } from '../../../protocol/pausePolicy';
import { PauseError } from '../../../protocol/errors';
import { resourceId, type PauseDetails, type PauseEffect, type Resource, blankResource } from '../../../protocol/resource';
import type { AdapterContext, BackendAdapter } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import { backlogOf, QueratorClient } from './client';
import type { QueratorConfig } from './config';
import type { QueueActivity } from './gateway';
import { acquireGateway, type GatewayLease } from './gatewayHost';
import { gatewayMetrics, type GatewayMetrics } from './metrics';
import { newPauseVersion, pauseExpired, PauseStateStore, type QueuePause } from './pauseState';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false };
const STATS_CONCURRENCY = 8;

export function statePathFor(config: QueratorConfig, context: AdapterContext): string {
  const dir = config.stateDir ?? join(context.home, 'querator');
  return join(dir, `${config.name}.json`);
}

/**
 * Querator queues (kapetan-io/querator), paused by the agent's gateway (ADR 13): one resource per
 * queue the server lists, plus any paused queue the server no longer has, so a pause never hides.
 */
export class QueratorAdapter implements BackendAdapter {
  private readonly role: 'agent' | 'cli';
  private readonly statePath: string;
  private readonly metrics: GatewayMetrics;
  private readonly client: QueratorClient;
  private lease: GatewayLease | null = null;
  private store: PauseStateStore;
  private unsubscribe: (() => void) | null = null;
  /** The queue names of the last listing: the only thing this adapter caches; dropped when a pause ends. */
  private listed: Set<string> | null = null;
  private closed = false;

  constructor(
    private readonly config: QueratorConfig,
    private readonly context: AdapterContext,
  ) {
    this.role = context.role;
    this.statePath = statePathFor(config, context);
    this.metrics = gatewayMetrics(context.metrics);
    this.client = new QueratorClient(config.endpoint, (body) => this.lease?.gateway.observeReply(body));
    this.store = new PauseStateStore(this.statePath, config.name);
    if (this.role === 'agent') this.takeGateway();
  }

  async list(): Promise<Resource[]> {
    await this.ready();
    const queues = await this.client.listQueues();
    const onServer = new Set(queues.map((q) => q.queue_name));
    this.listed = onServer;
    const names = [...new Set([...onServer, ...this.store.all().keys()])].sort();
    const limit = pLimit(STATS_CONCURRENCY);
    return Promise.all(names.map((name) => limit(() => this.observe(name, onServer.has(name)))));
  }

  async get(name: string): Promise<Resource> {
    await this.ready();
    const exists = (await this.client.queueInfo(name)) !== null;
    if (!exists && !this.store.get(name)) throw this.notFound(name);
    return this.observe(name, exists);
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    await this.ready();
    if (command.scope) throw new PauseError('Unsupported', 'Querator queues have no scoped pauses; pause the whole queue');
    await this.requireQueue(name);
    const version = newPauseVersion();
    const record: QueuePause = { ...newPauseDetails(command, new Date(), 'agent', version), version, mode: this.config.queuePauseModes[name] ?? this.config.pauseMode };
    return this.store.update(name, (current) => {
      if (current && !pauseExpired(current) && !command.force) throw alreadyPaused(this.id(name), current);
      return { next: record, result: toDetails(record) };
    });
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    await this.ready();
    if (command.scope) throw new PauseError('Unsupported', 'Querator queues have no scoped pauses');
    if (!this.store.get(name) && !command.onlyIfVersion) {
      await this.requireQueue(name);
      throw new PauseError('NotPaused', `${this.id(name)} is not paused`);
    }
    return this.store.update<ResumeOutcome>(name, (current) => {
      if (!current) {
        if (command.onlyIfVersion) return { unchanged: { resumed: false, previous: null } };
        throw new PauseError('NotPaused', `${this.id(name)} is not paused`);
      }
      if (command.onlyIfVersion && current.version !== command.onlyIfVersion) return { unchanged: { resumed: false, previous: toDetails(current) } };
      if (current.resumeAt && !command.force && !command.onlyIfVersion && !pauseExpired(current)) {
        throw autoResumeSet(this.id(name), current.resumeAt, new Date());
      }
      return { next: null, result: { resumed: true, previous: toDetails(current) } };
    });
  }

  /** Producers and consumers call the gateway, paused or not: were the agent to leave, their calls would be refused. */
  keepsAgentAlive(): string | null {
    return this.lease ? `its gateway on 127.0.0.1:${this.config.gatewayPort} serves producers and consumers` : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    const lease = this.lease;
    this.lease = null;
    if (lease) await lease.release();
    else this.store.close();
  }

  // ---------------------------------------------------------------------------------------------

  private takeGateway(): void {
    const lease = acquireGateway({
      connection: this.config.name,
      port: this.config.gatewayPort,
      upstream: this.config.endpoint,
      statePath: this.statePath,
      log: this.context.log.child({ gateway: this.config.gatewayPort }),
      metrics: this.metrics,
    });
    lease.ready.catch(() => undefined); // reported by ready() to whoever asks
    this.lease = lease;
    this.store = lease.store;
    const dropCache = () => {
      this.listed = null;
    };
    lease.gateway.onPauseEnded(dropCache);
    this.unsubscribe = () => lease.gateway.offPauseEnded(dropCache);
  }

  /** The gateway listens (retrying a failed start, say a port that was busy) or the state is loaded. */
  private async ready(): Promise<void> {
    if (this.closed) throw new PauseError('BackendUnavailable', `connection "${this.config.name}" is closed`);
    if (this.role === 'cli') {
      await this.store.load().catch((error: Error) => {
        throw new PauseError('BackendError', error.message);
      });
      return;
    }
    try {
      await this.lease!.ready;
    } catch {
      this.unsubscribe?.();
      await this.lease?.release();
      this.takeGateway();
      try {
        await this.lease!.ready;
      } catch (error) {
        const cause = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is in use' : (error as Error).message;
        throw new PauseError('BackendUnavailable', `the Querator gateway of "${this.config.name}" cannot start on 127.0.0.1:${this.config.gatewayPort}: ${cause}`);
      }
    }
  }

  private async requireQueue(name: string): Promise<void> {
    try {
      if ((await this.client.queueInfo(name)) === null) throw this.notFound(name);
    } catch (error) {
      // Pausing for server maintenance must work while the server is down, for queues it had.
      if (error instanceof PauseError && error.code === 'BackendUnavailable' && this.listed?.has(name)) return;
      throw error;
    }
  }

  private async observe(name: string, onServer: boolean): Promise<Resource> {
    const resource = this.emptyResource(name);
    const errors: string[] = [];
    if (onServer) {
      try {
        const backlog = await backlogOf(this.client, name);
        resource.backlog = { ...resource.backlog, ...backlog };
      } catch (error) {
        errors.push((error as Error).message);
      }
    } else {
      errors.push(`the Querator server at ${this.client.describe()} has no queue "${name}"; the pause stays until resumed`);
    }
    const pause = this.store.get(name);
    const activity = this.lease?.gateway.activity(name) ?? null;
    resource.pause = pause ? toDetails(pause) : null;
    resource.state = pause ? 'paused' : 'running';
    resource.stateDetail = this.describeState(pause, activity, resource.backlog.inFlight);
    resource.pauseEffect = pause ? pauseEffect(pause, activity) : null;
    resource.lastError = errors.length ? errors.join('; ') : null;
    this.metrics.paused(this.config.name, name, pause !== null);
    return resource;
  }

  private describeState(pause: QueuePause | null, activity: QueueActivity | null, leased: number | null): string | null {
    const gateway = `gateway 127.0.0.1:${this.config.gatewayPort}`;
    if (!pause) return gateway;
    if (pauseExpired(pause)) return `pause timed out; calls pass again (${gateway})`;
    const waiting = activity ? Object.values(activity.held).reduce((a, b) => a + b, 0) : null;
    const held = waiting === null ? `at the agent's ${gateway}` : `${waiting} waiting at ${gateway}`;
    if (pause.mode === 'drain') {
      const still = leased ? `; ${leased} leased item${leased === 1 ? '' : 's'} can still complete` : '';
      return `draining: produce and lease held (${held}), complete and retry pass${still}`;
    }
    return `produce, lease, complete and retry held (${held})`;
  }

  private emptyResource(name: string): Resource {
    return blankResource(this.config.name, name, 'querator', CAPABILITIES);
  }


  private id(name: string): string {
    return resourceId(this.config.name, name);
  }

  private notFound(name: string): PauseError {
    return new PauseError('NotFound', `no queue "${name}" on the Querator server of connection "${this.config.name}" (${this.client.describe()})`);
  }

}

function toDetails(pause: QueuePause): PauseDetails {
  return { pausedAt: pause.pausedAt, pausedBy: pause.pausedBy, reason: pause.reason, resumeAt: pause.resumeAt, version: pause.version };
}

/**
 * The gateway is where the pause is enforced, so it can prove it: nothing of what the pause holds
 * has gone to the server since it began, unless calls sent before it are still open there.
 */
function pauseEffect(pause: QueuePause, activity: QueueActivity | null): PauseEffect | null {
  if (!activity || activity.expired) return null;
  const held = pause.mode === 'drain' ? 'produce or lease' : 'produce, lease, complete or retry';
  if (activity.openAtServer > 0) {
    return { status: 'progressing', since: pause.pausedAt, detail: `${activity.openAtServer} call${activity.openAtServer === 1 ? '' : 's'} sent before the pause still open at the server` };
  }
  if (activity.heldSincePause === 0) return { status: 'unproven', since: pause.pausedAt, detail: `no ${held} call has arrived at the gateway since the pause` };
  return {
    status: 'confirmed',
    since: pause.pausedAt,
    detail: `no ${held} call reached the server since the pause; ${activity.heldSincePause} held, ${activity.retryRepliesSincePause} answered with retry`,
  };
}
