import type { Logger } from 'pino';
import { PauseError } from '../../../protocol/errors';
import type { PauseDetails, Resource, ResourceState } from '../../../protocol/resource';
import { blankResource } from '../../../protocol/resource';
import { createKafka } from '../../kafka/access';
import { ConsumerGroupLag, type GroupLag } from '../../kafka/groupLag';
import { PauseEffectTracker, type Progress } from '../../kafka/pauseEffect';
import { TopicPeeker } from '../../kafka/topicPeek';
import { datasetLabel } from '../../../protocol/lineage';
import type { PeekResponse } from '../../../protocol/peek';
import type { AdapterContext, BackendAdapter } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome, StopCommand } from '../../../protocol/commands';
import { newPauseDetails } from '../../../protocol/pausePolicy';
import type { KafkaConnectConfig } from './config';
import { ConnectRest, type ConnectorInfo, type ConnectorStatus } from './rest';
import { SourceOffsetsWatch } from './sourceOffsets';
import { connectorView } from './status';

export const KAFKA_CONNECT_KIND = 'kafka-connect';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false };

/** Active topics of source connectors change rarely; asking for them on every poll is wasteful. */
const TOPICS_TTL_MS = 30_000;
const SETTLE_POLL_MS = 250;

/** States in which a connector should make no progress: what proof of pause watches. */
const HELD = new Set<ResourceState>(['paused', 'pausing', 'stopped']);

interface Entry {
  status: ConnectorStatus;
  info: ConnectorInfo | null;
}

/**
 * Kafka Connect connectors (one connection = one Connect cluster, reached through any worker's
 * REST API). Connect keeps only the target state, never who paused or why, so this backend
 * declares `pauseDetails: 'agent'`: the core fills `pause` from its journal. The adapter reports
 * what Connect reports, and nothing it has not confirmed (see connectorView).
 *
 * With `kafka` set, sink connectors get the lag of their consumer group (`connect-<name>`, or
 * `consumer.override.group.id`) and the data-loss deadline of what waits for them, through the
 * shared agent/kafka module, as ksqlDB queries do; the same read gives a `topics.regex` sink its
 * input topics. Proof that a pause holds watches the sink's committed offsets, or a source's
 * offsets (GET /connectors/{name}/offsets), while it is held.
 */
export class KafkaConnectAdapter implements BackendAdapter {
  private readonly rest: ConnectRest;
  private readonly log: Logger;
  private readonly topics = new Map<string, { topics: string[] | null; at: number }>();
  private readonly lag: ConsumerGroupLag | null;
  private readonly effects = new PauseEffectTracker();
  private readonly sourceWatch = new SourceOffsetsWatch();
  private readonly peeker: TopicPeeker;

  constructor(
    private readonly config: KafkaConnectConfig,
    context: AdapterContext,
  ) {
    this.rest = new ConnectRest(config.url, config.requestTimeoutSeconds * 1000);
    this.log = context.log;
    this.lag = config.kafka ? new ConsumerGroupLag(createKafka(config.kafka, `pipeline-pause-${config.name}`), context.log) : null;
    this.peeker = new TopicPeeker(config.kafka ?? null, config.name);
  }

  async list(): Promise<Resource[]> {
    const expanded = await this.rest.expanded();
    const names = this.config.connectors ?? Object.keys(expanded).sort();
    const entries: Entry[] = [];
    const missing: Resource[] = [];
    for (const name of names) {
      const entry = expanded[name];
      if (entry?.status) entries.push({ status: entry.status, info: entry.info ?? null });
      else missing.push({ ...this.emptyResource(name), stateDetail: 'not on this Connect cluster', lastError: `Kafka Connect at ${this.rest.baseUrl} has no connector "${name}"` });
    }
    const resources = [...(await this.toResources(entries)), ...missing];
    this.effects.retain(resources.map((r) => r.id));
    this.sourceWatch.retain(resources.map((r) => r.id));
    return linkWithinCluster(resources);
  }

  async get(name: string): Promise<Resource> {
    this.requireListed(name);
    const status = await this.rest.status(name);
    const info = await this.rest.info(name).catch(() => null);
    const [resource] = await this.toResources([{ status, info }]);
    return resource;
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    if (command.scope) throw new PauseError('Unsupported', `a Kafka Connect connector is paused as a whole; "${name}" has no task types or shards`);
    this.requireListed(name);
    const recorded = newPauseDetails(command, new Date(), 'agent', null); // refused, if at all, before the pause
    await this.rest.transition(name, 'pause');
    await this.settle(name, 'paused');
    return recorded;
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    if (command.scope) throw new PauseError('Unsupported', `a Kafka Connect connector is resumed as a whole; "${name}" has no task types or shards`);
    this.requireListed(name);
    await this.rest.transition(name, 'resume');
    await this.settle(name, 'running');
    return { resumed: true, previous: null };
  }

  /** PUT /stop (Connect 3.5+): the tasks are shut down and removed; resume starts them again. */
  async stop(name: string, command: StopCommand): Promise<PauseDetails> {
    this.requireListed(name);
    await this.rest.transition(name, 'stop');
    await this.settle(name, 'stopped');
    return { pausedAt: new Date().toISOString(), pausedBy: command.pausedBy, reason: command.reason, resumeAt: null, version: null };
  }

  /** The latest records a source connector wrote; a sink writes outside Kafka, so it has none. */
  async peek(name: string, options: { limit: number }): Promise<PeekResponse> {
    const resource = await this.get(name);
    if (!resource.lineage.outputs.length && resource.lineage.inputs.length) {
      throw new PauseError('Unsupported', `${resource.id} is a sink connector: it writes outside Kafka, so it has no output topic to peek at (peek at what writes ${resource.lineage.inputs.map(datasetLabel).join(', ')} instead)`);
    }
    return this.peeker.peek(resource, options.limit);
  }

  async close(): Promise<void> {
    await Promise.all([this.lag?.close(), this.peeker.close()]);
  }

  /** Waits (up to settleSeconds) for Connect to report the connector and all its tasks in `target`. */
  private async settle(name: string, target: ResourceState): Promise<void> {
    const deadline = Date.now() + this.config.settleSeconds * 1000;
    let seen: string | null = null;
    while (Date.now() < deadline) {
      try {
        const view = connectorView(await this.rest.status(name));
        // A connector with failed tasks never gets them all RUNNING again by a resume.
        if (view.state === target || (target === 'running' && view.state === 'failed')) return;
        seen = view.stateDetail ?? view.state;
      } catch (error) {
        seen = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
    if (this.config.settleSeconds > 0) this.log.info({ connector: name, target, seen }, `Kafka Connect has not reported the connector ${target} yet`);
  }

  private requireListed(name: string): void {
    if (this.config.connectors && !this.config.connectors.includes(name)) {
      throw new PauseError('NotFound', `connector "${name}" is not one of connection "${this.config.name}"'s connectors (${this.config.connectors.join(', ')})`);
    }
  }

  private async toResources(entries: Entry[]): Promise<Resource[]> {
    const lags = await this.readLag(entries);
    return Promise.all(entries.map((entry) => this.toResource(entry, lags)));
  }

  private async toResource({ status, info }: Entry, lags: Map<string, GroupLag>): Promise<Resource> {
    const view = connectorView(status);
    const resource = this.emptyResource(status.name);
    resource.state = view.state;
    resource.lastError = view.lastError;
    const notes = view.stateDetail ? [view.stateDetail] : [];
    const held = HELD.has(view.state);
    // Already held: pause-all leaves it alone (a pause would turn a stopped connector into a paused one).
    resource.capabilities = { ...CAPABILITIES, pause: !held };
    const type = status.type ?? info?.type;
    if (type === 'sink' && info) {
      const lag = lags.get(sinkGroup(info));
      resource.lineage.inputs = sinkInputs(info, lag).map(topicId);
      if (lag) {
        resource.backlog = {
          pending: lag.lag,
          inFlight: null,
          oldestPendingAt: lag.oldestUnconsumedAt !== null ? new Date(lag.oldestUnconsumedAt).toISOString() : null,
          dataLossAt: lag.dataLossAt !== null ? new Date(lag.dataLossAt).toISOString() : null,
        };
        if (lag.lost) notes.push(`${lag.lost} ${lag.lost === 1 ? 'record' : 'records'} deleted by retention before this connector read them`);
      } else if (this.lag?.problem) {
        resource.lastError = [resource.lastError, this.lag?.problem].filter(Boolean).join('; ');
      }
      const progress: Progress | null = lag ? { positions: lag.positions, pending: lag.lag } : null;
      resource.pauseEffect = this.effects.observe(resource.id, held, progress);
    } else if (type === 'source') {
      const topics = new Set(await this.activeTopics(status.name));
      if (info?.config.topic) topics.add(info.config.topic);
      resource.lineage.outputs = [...topics].sort().map(topicId);
      const offsets = held ? await this.rest.sourceOffsets(status.name) : null;
      resource.pauseEffect = this.sourceWatch.observe(resource.id, held, offsets);
    }
    resource.stateDetail = notes.length ? notes.join('; ') : null;
    return resource;
  }

  /** Lag of every sink connector's consumer group, when the connection names its Kafka cluster. */
  private async readLag(entries: Entry[]): Promise<Map<string, GroupLag>> {
    if (!this.lag || !this.config.kafka) return new Map();
    const groups = entries
      .filter((e) => (e.status.type ?? e.info?.type) === 'sink' && e.info)
      .map((e) => ({ groupId: sinkGroup(e.info!), topics: sinkTopics(e.info!), pattern: sinkPattern(e.info!) }));
    return this.lag.readOrReport(groups, this.config.kafka);
  }

  private async activeTopics(name: string): Promise<string[]> {
    const cached = this.topics.get(name);
    if (cached && Date.now() - cached.at < TOPICS_TTL_MS) return cached.topics ?? [];
    const topics = await this.rest.activeTopics(name);
    this.topics.set(name, { topics, at: Date.now() });
    return topics ?? [];
  }

  private emptyResource(name: string): Resource {
    return blankResource(this.config.name, name, KAFKA_CONNECT_KIND, CAPABILITIES);
  }

}

/** A sink's consumer group: `connect-<name>` unless the connector overrides it. */
function sinkGroup(info: ConnectorInfo): string {
  return info.config['consumer.override.group.id'] ?? `connect-${info.name}`;
}

/** Topics a sink names in `topics` (a sink has either this or `topics.regex`). */
function sinkTopics(info: ConnectorInfo): string[] {
  return (info.config.topics ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * `topics.regex` as the consumer applies it (Java's Matcher.matches: the whole name). Null when
 * there is none, or it uses Java syntax JavaScript cannot read: its committed topics still show.
 */
function sinkPattern(info: ConnectorInfo): RegExp | null {
  const regex = info.config['topics.regex'];
  if (!regex) return null;
  try {
    return new RegExp(`^(?:${regex})$`);
  } catch {
    return null;
  }
}

/**
 * What a sink reads: its `topics`; for a `topics.regex` sink, the topics behind its consumer group
 * (those it has committed on, and the existing ones its regex matches), known only with `kafka`.
 */
function sinkInputs(info: ConnectorInfo, lag: GroupLag | undefined): string[] {
  return info.config['topics.regex'] ? (lag?.topics ?? []) : sinkTopics(info);
}

function topicId(topic: string): string {
  return `kafka-topic:${topic}`;
}

/** Sources and sinks of one cluster that share a topic are each other's upstream / downstream. */
function linkWithinCluster(resources: Resource[]): Resource[] {
  for (const resource of resources) {
    resource.lineage.upstream = resources.filter((other) => other !== resource && other.lineage.outputs.some((t) => resource.lineage.inputs.includes(t))).map((r) => r.id);
    resource.lineage.downstream = resources.filter((other) => other !== resource && other.lineage.inputs.some((t) => resource.lineage.outputs.includes(t))).map((r) => r.id);
  }
  return resources;
}

