import type { Logger } from 'pino';
import { PauseError } from '../../../protocol/errors';
import { resourceId, type Capabilities, type PauseDetails, type Resource } from '../../../protocol/resource';
import { createKafka } from '../../kafka/access';
import { ConsumerGroupLag, type GroupLag } from '../../kafka/groupLag';
import { PauseEffectTracker } from '../../kafka/pauseEffect';
import { TopicPeeker } from '../../kafka/topicPeek';
import type { PeekResponse } from '../../../protocol/peek';
import { FRESH_LISTING, type AdapterContext, type BackendAdapter, type ListContext, type DeployOptions, type DeployOutcome } from '../types';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../../../protocol/commands';
import type { KsqlDbConfig } from './config';
import { deployStatement, type DeploySession } from './deploy';
import { ExtendedFacts } from './extendedFacts';
import { isSourceTableQuery, isTransientId, queryLineage, queryState, supportsPause, tooOldMessage, tooOldReason, PAUSE_SINCE } from './queries';
import { KsqlRest, KsqlServerError } from './rest';
import {
  CurrentStatusEntity,
  QueriesEntity,
  QueryDescriptionsEntity,
  StreamsEntity,
  TablesEntity,
  type CommandStatus,
  type QueryDescription,
  type RunningQuery,
} from './wire';

export const KSQLDB_QUERY_KIND = 'ksqldb-query';

const PERSISTENT: Capabilities = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false };
/**
 * ksqlDB refuses PAUSE / RESUME of a source-table query by id, but PAUSE ALL / RESUME ALL include
 * it; so it cannot auto-resume alone either. The reason is shown where pause is not offered.
 */
const SOURCE_TABLE: Capabilities = {
  pause: false,
  resume: false,
  pauseAll: true,
  scheduledResume: false,
  scopedPause: false,
  pauseUnavailable: 'it is linked to a source table: ksqlDB pauses and resumes it only with every other query (PAUSE ALL / RESUME ALL)',
};
/** A server before KLIP-63 has neither PAUSE nor RESUME, for any query. */
function tooOld(version: string): Capabilities {
  return { pause: false, resume: false, pauseAll: false, scheduledResume: false, scopedPause: false, pauseUnavailable: tooOldReason(version) };
}
const TRANSIENT: Capabilities = { pause: false, resume: false, pauseAll: false, scheduledResume: false, scopedPause: false };

/** How long pause-all waits for every server to apply PAUSE ALL before reporting those that have not. */
const ALL_PAUSED_WAIT_SECONDS = 5;
/** How long a server's answer that it knows PAUSE is trusted (a downgrade shows as ksqlDB's own parse error). */
const PAUSE_SUPPORT_TRUST_MS = 10_000;

const FULL_LISTING = 'SHOW QUERIES; SHOW QUERIES EXTENDED; LIST STREAMS; LIST TABLES;';
const STATE_LISTING = 'SHOW QUERIES;';
/** One resource's state now: SHOW QUERIES is fresh; the extended facts are read only if the cache lacks them. */
const CURRENT_STATE: ListContext = { reason: 'poll', interest: 'watched' };

interface Listed {
  query: RunningQuery;
  description: QueryDescription | null;
}

/**
 * ksqlDB persistent queries (KLIP-63): one connection is one ksqlDB cluster, which may have
 * several servers. Pause details are not stored by ksqlDB; this adapter lists resources with
 * `pause: null` and the agent core fills them in from its journal (pauseDetails 'agent').
 */
export class KsqlDbAdapter implements BackendAdapter {
  private readonly rest: KsqlRest;
  private readonly log: Logger;
  private readonly lag: ConsumerGroupLag | null;
  private readonly effects = new PauseEffectTracker();
  private readonly peeker: TopicPeeker;
  private readonly facts = new ExtendedFacts();
  /** Query ids of the last listing by their upper-case spelling: ids compare case-insensitively. */
  private known = new Map<string, { id: string; queryType: string; statement: string }>();
  private pauseSupportedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: KsqlDbConfig,
    context: AdapterContext,
  ) {
    this.rest = new KsqlRest(config);
    this.log = context.log;
    this.lag = config.kafka ? new ConsumerGroupLag(createKafka(config.kafka, `pipeline-pause-${config.name}`), context.log) : null;
    this.peeker = new TopicPeeker(config.kafka ?? null, config.name);
  }

  canonicalName(name: string): string {
    return this.known.get(name.toUpperCase())?.id ?? (isTransientId(name) ? name : name.toUpperCase());
  }

  /**
   * A poll sends only `SHOW QUERIES;` (the pause state of every query, summed over the servers);
   * the extended facts come from a cache (extendedFacts.ts) and are read again, in the same
   * request, on a refresh, when they are old, or, in a second request, when this answer shows a
   * query they do not cover.
   */
  async list(context: ListContext = FRESH_LISTING): Promise<Resource[]> {
    let listing = await this.read(this.facts.wanted(context));
    const gap = listing.full ? null : this.facts.gap(listing.queries);
    if (gap) {
      this.log.debug({ why: gap }, 'reading the extended query facts again');
      listing = await this.read(true);
    }
    const { server, queries } = listing;
    const topics = this.facts.topics;
    const listed: Listed[] = queries.map((query) => ({ query, description: this.facts.description(query) }));
    this.known = new Map(listed.map(({ query, description }) => [query.id.toUpperCase(), { id: query.id, queryType: query.queryType, statement: description?.statementText || query.queryString }]));

    const lineage = queryLineage(
      listed.filter(({ query }) => isPersistent(query)).map(({ query, description }) => ({ id: query.id, sources: description?.sources ?? [], sinks: description?.sinks ?? query.sinks })),
    );
    // The version is read on every listing (one small GET, beside the lag read), so an upgrade
    // to a version with PAUSE shows at once.
    const [lags, version] = await Promise.all([this.readLag(listed, topics), this.rest.info(server).then((info) => info.version, () => null)]);
    const tooOldFor = version !== null && supportsPause(version) === false ? tooOld(version) : null;
    const resources = listed.map((entry) => this.toResource(entry, topics, lineage.get(entry.query.id) ?? null, lags, tooOldFor));
    this.effects.retain(resources.map((r) => r.id));
    return resources.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** SHOW QUERIES, and with `full` the extended facts too (stored in the cache). */
  private async read(full: boolean): Promise<{ server: string; queries: RunningQuery[]; full: boolean }> {
    const { server, entities } = await this.rest.show(full ? FULL_LISTING : STATE_LISTING).catch((error: unknown) => {
      throw this.failure(error);
    });
    const queries = pick(QueriesEntity, entities, server, 'SHOW QUERIES').queries;
    if (full) {
      const topics = new Map<string, string>();
      for (const source of [...pick(StreamsEntity, entities, server, 'LIST STREAMS').streams, ...pick(TablesEntity, entities, server, 'LIST TABLES').tables]) {
        topics.set(source.name.toUpperCase(), source.topic);
      }
      this.facts.store(queries, pick(QueryDescriptionsEntity, entities, server, 'SHOW QUERIES EXTENDED').queryDescriptions, topics);
    }
    return { server, queries, full };
  }

  async get(name: string): Promise<Resource> {
    const resources = await this.list(CURRENT_STATE);
    const found = resources.find((r) => r.name.toUpperCase() === name.toUpperCase());
    if (!found) {
      const known = resources.map((r) => r.name).join(', ');
      throw new PauseError('NotFound', `no query "${name}" in connection "${this.config.name}" (${known ? `it lists: ${known}` : 'it lists no queries'})`);
    }
    return found;
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    this.refuseUnpausable(name, 'pause');
    await this.execute(`PAUSE ${this.canonicalName(name)};`);
    return placeholder(command);
  }

  async resume(name: string, _command: ResumeCommand): Promise<ResumeOutcome> {
    this.refuseUnpausable(name, 'resume');
    await this.execute(`RESUME ${this.canonicalName(name)};`);
    return { resumed: true, previous: null };
  }

  /** One statement for the whole cluster: every persistent query, source-table ones included. */
  async pauseAll(command: PauseCommand): Promise<PauseDetails> {
    await this.execute('PAUSE ALL;');
    await this.confirmAllPaused();
    return placeholder(command);
  }

  /**
   * SUCCESS means the answering server paused; the others apply PAUSE ALL from the command
   * topic a moment later. Their states are read with SHOW QUERIES alone, again with a growing
   * wait; a query still not paused everywhere after a short wait is reported (one full listing
   * names the servers), so pause-all does not claim what the cluster has not done.
   */
  private async confirmAllPaused(): Promise<void> {
    const deadline = Date.now() + Math.min(this.config.commandTimeoutSeconds, ALL_PAUSED_WAIT_SECONDS) * 1000;
    for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
      const { queries } = await this.read(false);
      if (!queries.some((q) => isPersistent(q) && queryState(q.statusCount, {}).state !== 'paused')) return;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const behind = (await this.list()).filter((r) => r.capabilities.pauseAll && r.state !== 'paused');
    if (!behind.length) return;
    const which = behind.map((r) => `${r.name} is ${r.state}${r.stateDetail ? ` (${r.stateDetail})` : ''}`).join('; ');
    throw new PauseError('BackendError', `PAUSE ALL was accepted but has not taken effect on every server: ${which}; check the servers named, then pause again or resume`);
  }

  async resumeAll(_command: ResumeCommand): Promise<void> {
    await this.execute('RESUME ALL;');
  }

  /** The latest records of the query's sink topic. */
  async peek(name: string, options: { limit: number }): Promise<PeekResponse> {
    return this.peeker.peek(await this.get(name), options.limit);
  }

  /** CREATE ... AS SELECT from the editor: in place where ksqlDB can, else terminate and recreate (see deploy.ts). */
  deploy(statement: string, options: DeployOptions): Promise<DeployOutcome> {
    const session: DeploySession = {
      queries: async () => {
        const { server, entities } = await this.rest.show('SHOW QUERIES EXTENDED;').catch((error: unknown) => {
          throw this.failure(error);
        });
        return pick(QueryDescriptionsEntity, entities, server, 'SHOW QUERIES EXTENDED').queryDescriptions.filter((q) => q.queryType === 'PERSISTENT' && !isTransientId(q.id));
      },
      submit: (text, properties) => this.submit(text, properties),
    };
    return deployStatement(session, statement, options, this.log);
  }

  async close(): Promise<void> {
    await Promise.all([this.lag?.close(), this.peeker.close()]);
  }

  private refuseUnpausable(name: string, verb: 'pause' | 'resume'): void {
    const known = this.known.get(name.toUpperCase());
    if (isTransientId(name) || (known && known.queryType !== 'PERSISTENT')) {
      const type = known?.queryType ?? 'transient';
      throw new PauseError('Unsupported', `${known?.id ?? name} is a ${type} (transient) query; ksqlDB can ${verb} only persistent queries`);
    }
  }

  /** Sends a PAUSE / RESUME statement and follows a QUEUED answer until the cluster has applied it. */
  private async execute(statement: string): Promise<void> {
    await this.requirePauseSupport();
    try {
      await this.submit(statement);
    } catch (error) {
      throw this.failure(error, statement);
    }
  }

  /**
   * One statement that changes something, followed until applied. A refusal comes back as the
   * server's KsqlServerError, for the caller to interpret.
   */
  private async submit(statement: string, streamsProperties: Record<string, string> = {}): Promise<CommandStatus> {
    const answer = await this.rest.statements(statement, streamsProperties);
    const parsed = CurrentStatusEntity.safeParse(answer.entities[0]);
    if (!parsed.success) throw new PauseError('BackendError', `ksqlDB at ${answer.server} answered "${statement}" with something other than a command status`);
    const { commandId, commandStatus } = parsed.data;
    const final = await this.follow(answer.server, statement, commandId, commandStatus);
    this.log.info({ statement, commandId, status: final.status, message: final.message, server: answer.server, queued: commandStatus.status !== final.status }, 'ksqlDB command applied');
    return final;
  }

  private async follow(server: string, statement: string, commandId: string, first: CommandStatus): Promise<CommandStatus> {
    const deadline = Date.now() + this.config.commandTimeoutSeconds * 1000;
    let status = first;
    let wait = 100;
    for (;;) {
      if (status.status === 'SUCCESS') return status;
      if (status.status === 'ERROR' || status.status === 'TERMINATED') throw new PauseError('BackendError', `${status.message || `command ${commandId} ended ${status.status}`} (ksqlDB at ${server})`);
      if (Date.now() > deadline) {
        throw new PauseError(
          'BackendError',
          `ksqlDB at ${server} has not applied "${statement}" within ${this.config.commandTimeoutSeconds}s (command ${commandId}: ${status.status}${status.message ? `, ${status.message}` : ''}); it is in the command topic and may still apply`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 1000);
      try {
        status = await this.rest.status(server, commandId);
      } catch (error) {
        if (error instanceof KsqlServerError && error.httpStatus < 500) throw this.failure(error, statement);
        if (Date.now() > deadline) throw this.failure(error, statement);
      }
    }
  }

  private async requirePauseSupport(): Promise<void> {
    // A server that knew PAUSE a moment ago is trusted for a few seconds, so a pause-all of
    // many queries asks once; a refusal is never remembered: after an upgrade the next pause
    // must go through. The first server that answers is the one the statement will go to.
    if (Date.now() - this.pauseSupportedAt < PAUSE_SUPPORT_TRUST_MS) return;
    for (const server of this.rest.ordered) {
      let version: string;
      try {
        version = (await this.rest.info(server)).version;
      } catch {
        continue; // an unreachable server is not the one that will answer
      }
      if (supportsPause(version) === false) throw new PauseError('Unsupported', tooOldMessage(server, version));
      this.pauseSupportedAt = Date.now();
      return;
    }
  }

  /** The server's own words, with the server named; the code says what kind of failure it is. */
  private failure(error: unknown, statement?: string): PauseError {
    if (error instanceof PauseError) return error;
    if (!(error instanceof KsqlServerError)) return new PauseError('BackendError', `ksqlDB: ${(error as Error).message}`);
    const message = `${error.message} (ksqlDB at ${error.server})`;
    if (/^Unknown queryId/i.test(error.message)) return new PauseError('NotFound', message);
    if (/linked to a source table/i.test(error.message)) return new PauseError('Unsupported', message);
    if (statement && /^(PAUSE|RESUME)\b/i.test(statement) && /syntax error|mismatched input|extraneous input|no viable alternative/i.test(error.message)) {
      return new PauseError('Unsupported', `ksqlDB at ${error.server} does not understand ${statement.split(' ')[0]} (it needs ${PAUSE_SINCE} or later): ${error.message}`);
    }
    if (error.httpStatus === 401 || error.httpStatus === 403) return new PauseError('BackendError', `ksqlDB at ${error.server} refused the request (HTTP ${error.httpStatus}): ${error.message}`);
    return new PauseError('BackendError', message);
  }

  private async readLag(listed: Listed[], topics: Map<string, string>): Promise<Map<string, GroupLag>> {
    if (!this.lag || !this.config.kafka) return new Map();
    const groups = listed
      .filter(({ query, description }) => isPersistent(query) && description?.consumerGroupId)
      .map(({ description }) => ({
        groupId: description!.consumerGroupId!,
        topics: description!.sources.map((s) => topics.get(s.toUpperCase())).filter((t): t is string => t !== undefined),
      }));
    return this.lag.readOrReport(groups, this.config.kafka);
  }

  private toResource(
    { query, description }: Listed,
    topics: Map<string, string>,
    lineage: { upstream: string[]; downstream: string[] } | null,
    lags: Map<string, GroupLag>,
    tooOldFor: Capabilities | null,
  ): Resource {
    const id = resourceId(this.config.name, query.id);
    const persistent = isPersistent(query);
    const statement = description?.statementText || query.queryString;
    const sourceTable = persistent && isSourceTableQuery(statement);
    const { state, stateDetail } = queryState(query.statusCount, description?.ksqlHostQueryStatus ?? {});
    const details: string[] = stateDetail ? [stateDetail] : [];
    if (!persistent) details.push(`${query.queryType} query: ksqlDB cannot pause it`);
    if (sourceTable) details.push('linked to a source table: ksqlDB pauses it only with PAUSE ALL');
    const lag = description?.consumerGroupId ? lags.get(description.consumerGroupId) : undefined;
    if (lag?.lost) details.push(`${lag.lost} ${lag.lost === 1 ? 'record' : 'records'} deleted by retention before this query read them`);
    const errors = (description?.queryErrors ?? []).map((e) => e.errorMessage).filter((m): m is string => Boolean(m));
    const held = state === 'paused' || state === 'partially-paused';
    const asTopic = (name: string) => `kafka-topic:${name}`;
    return {
      id,
      kind: KSQLDB_QUERY_KIND,
      connection: this.config.name,
      name: query.id,
      state,
      stateDetail: details.length ? details.join('; ') : null,
      pause: null,
      pauseGroup: null,
      scopedPauses: [],
      backlog: {
        pending: lag?.lag ?? null,
        inFlight: null,
        oldestPendingAt: lag?.oldestUnconsumedAt ? new Date(lag.oldestUnconsumedAt).toISOString() : null,
        dataLossAt: lag?.dataLossAt ? new Date(lag.dataLossAt).toISOString() : null,
      },
      workers: null,
      lineage: {
        upstream: (lineage?.upstream ?? []).map((q) => resourceId(this.config.name, q)),
        downstream: (lineage?.downstream ?? []).map((q) => resourceId(this.config.name, q)),
        inputs: (description?.sources ?? []).map((s) => topics.get(s.toUpperCase())).filter((t): t is string => t !== undefined).map(asTopic),
        outputs: query.sinkKafkaTopics.map(asTopic),
      },
      capabilities: !persistent ? TRANSIENT : (tooOldFor ?? (sourceTable ? SOURCE_TABLE : PERSISTENT)),
      pauseEffect: persistent ? this.effects.observe(id, held, lag ? { positions: lag.positions, pending: lag.lag } : null) : null,
      lastError: errors.length ? errors.join('; ') : persistent && this.lag?.problem ? this.lag?.problem : null,
      observedAt: new Date().toISOString(),
    };
  }
}

function isPersistent(query: RunningQuery): boolean {
  return query.queryType === 'PERSISTENT' && !isTransientId(query.id);
}

function placeholder(command: PauseCommand): PauseDetails {
  // ksqlDB keeps no details; the core's journal supplies the real ones (pauseDetails 'agent').
  return { pausedAt: new Date().toISOString(), pausedBy: command.pausedBy, reason: command.reason, resumeAt: null, version: null };
}

function pick<T extends { '@type': string }>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, entities: unknown[], server: string, statement: string): T {
  for (const entity of entities) {
    const parsed = schema.safeParse(entity);
    if (parsed.success) return parsed.data;
  }
  throw new PauseError('BackendError', `ksqlDB at ${server} answered "${statement};" with no entity of the expected type`);
}
