import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BulkResult, PauseUpstreamResponse } from '../../protocol/api';
import type { DeployRequest } from '../../protocol/deploy';
import { isPermanentRefusal, PauseError } from '../../protocol/errors';
import { pauseEnd } from '../../protocol/pausePolicy';
import { upstreamOf } from '../../protocol/lineage';
import type { PauseRequest, PauseUpstreamRequest, ResumeRequest, StopRequest } from '../../protocol/requests';
import { resourceId, type ConnectionStatus, type DeployUnit, type PauseDetails, type PauseGroupRef, type Resource, type Scope } from '../../protocol/resource';
import type { PeekRequest, PeekResponse } from '../../protocol/peek';
import { findBackend } from '../backends/registry';
import { FRESH_LISTING, type BackendAdapter, type DeployOutcome, type GetOptions, type ListContext, type PauseFacts } from '../backends/types';
import type { ListedResource, PauseCommand, ResumeOutcome } from '../../protocol/commands';
import type { ConnectionConfig } from '../config/connectionsFile';
import { runBulk, type BulkItem, type BulkProgress } from './bulk';
import type { Journal, JournalEntry } from './journal';
import { currentIdentity } from './identity';
import { JournalPauseDetails, toDetails } from './journalPauses';
import { groupMembers, groupsTargeting, newPauseGroup, withPauseGroups } from './pauseGroups';

export interface Connection {
  config: ConnectionConfig;
  /** The backend's own adapter: peek, deploy, names, resume-all, its lifetime. */
  adapter: BackendAdapter;
  /** Listing, pause and resume with who / why / until: the adapter itself, or the journal around it. */
  pauses: PauseFacts;
  /** See BackendDefinition.refreshesAfterAction. */
  refreshes: 'connection' | 'resource';
  deploys?: DeployUnit;
}

/** What every status of a connection says about it, whatever its health. */
export function connectionIdentity(connection: Connection): Pick<ConnectionStatus, 'name' | 'kind' | 'deploys'> {
  const { name, kind } = connection.config;
  return connection.deploys ? { name, kind, deploys: connection.deploys } : { name, kind };
}

/**
 * Pause and resume across every configured backend, with journaling. The agent and the CLI
 * without an agent both use this, so both behave the same.
 */
export class PauseService {
  private connections = new Map<string, Connection>();

  constructor(
    private readonly deps: { log: Logger; metrics: Registry; journal: Journal; via: JournalEntry['via']; home: string },
  ) {}

  /** Swaps in a new set of connections, closing the adapters of the old ones. */
  async configure(configs: ConnectionConfig[]): Promise<void> {
    const previous = this.connections;
    this.connections = new Map();
    for (const config of configs) {
      const backend = findBackend(config.kind);
      if (!backend) throw new PauseError('BadRequest', `connection "${config.name}" has unknown kind "${config.kind}"`);
      const log = this.deps.log.child({ connection: config.name });
      const adapter = backend.create(config, { log, metrics: this.deps.metrics, role: this.deps.via, home: this.deps.home });
      // Backends that keep no pause details get them from the journal, in one place for all.
      const pauses = backend.pauseDetails === 'agent' ? new JournalPauseDetails(adapter, this.deps.journal, this.deps.via, log) : adapter;
      this.connections.set(config.name, { config, adapter, pauses, deploys: backend.deploys, refreshes: backend.refreshesAfterAction ?? 'connection' });
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

  /**
   * `<connection>/<name>`; the name may itself contain slashes. `id` comes back spelled as the
   * backend spells it (ksqlDB query ids ignore case), so the journal keys every resource one way.
   */
  locate(address: string): { connection: Connection; name: string; id: string } {
    const slash = address.indexOf('/');
    if (slash <= 0 || slash === address.length - 1) throw new PauseError('BadRequest', `"${address}" is not a resource address; use <connection>/<name>`);
    const connection = this.connection(address.slice(0, slash));
    const given = address.slice(slash + 1);
    const name = connection.adapter.canonicalName?.(given) ?? given;
    return { connection, name, id: resourceId(connection.config.name, name) };
  }

  async get(address: string, options: GetOptions = {}): Promise<Resource> {
    const { connection, name } = this.locate(address);
    const [resource] = await this.asListed(connection, [await connection.pauses.get(name, options)]);
    return resource;
  }

  /** Every resource of one connection, with the pause group each current pause belongs to. */
  async list(connection: Connection, context: ListContext = FRESH_LISTING): Promise<Resource[]> {
    const { onResource } = context;
    // Streamed resources get the same journal facts, or each would flicker without its group.
    const streaming: ListContext = onResource
      ? { ...context, onResource: (resource) => void this.asListed(connection, [resource]).then(([known]) => onResource(known), () => undefined) }
      : context;
    return this.asListed(connection, await connection.pauses.list(streaming));
  }

  /** Resources as clients see them: with their pause groups, and Stop offered exactly where the adapter can stop. */
  private async asListed(connection: Connection, resources: Resource[]): Promise<Resource[]> {
    const canStop = connection.pauses.stop !== undefined;
    return (await withPauseGroups(resources, this.deps.journal)).map((resource) => ({ ...resource, capabilities: { ...resource.capabilities, stop: canStop } }));
  }

  /** `listed`: what a bulk operation's listing showed of it, so it is not read again (see ListedResource). */
  async pause(address: string, request: PauseRequest, group: PauseGroupRef | null = null, listed?: ListedResource): Promise<PauseDetails> {
    const { connection, name, id } = this.locate(address);
    const scope = request.scope ?? null;
    const details = await connection.pauses.pause(name, { ...pauseCommand(request), listed });
    await this.record('pause', details.pausedBy, id, scope, details, request.force ? 'forced' : null, group);
    this.deps.log.info({ resource: id, scope, pausedBy: details.pausedBy, reason: details.reason, resumeAt: details.resumeAt }, 'paused');
    return details;
  }

  async resume(address: string, request: ResumeRequest, listed?: ListedResource): Promise<ResumeOutcome> {
    const { connection, name, id } = this.locate(address);
    const scope = request.scope ?? null;
    const outcome = await connection.pauses.resume(name, { force: request.force, scope, onlyIfVersion: null, listed });
    await this.record('resume', currentIdentity(), id, scope, outcome.previous, request.force ? 'forced' : null);
    this.deps.log.info({ resource: id, scope }, 'resumed');
    return outcome;
  }

  /** Stops a resource whose backend can (Kafka Connect's PUT /stop); resume starts it again. */
  async stop(address: string, request: StopRequest): Promise<PauseDetails> {
    const { connection, name, id } = this.locate(address);
    if (!connection.pauses.stop) throw new PauseError('Unsupported', `${id} cannot be stopped: ${connection.config.kind} resources only pause and resume`);
    const details = await connection.pauses.stop(name, { reason: request.reason ?? null, pausedBy: request.pausedBy ?? currentIdentity() });
    await this.record('stop', details.pausedBy, id, null, details, null);
    this.deps.log.info({ resource: id, pausedBy: details.pausedBy, reason: details.reason }, 'stopped');
    return details;
  }

  /**
   * Pauses every resource that feeds `address`, transitively and across connections, as one
   * group with one reason and one resume time. Upstream resources already paused (by anyone)
   * stay out of the group, so resuming the group never ends a pause it did not make.
   */
  async pauseUpstream(address: string, request: PauseUpstreamRequest, onProgress?: BulkProgress): Promise<PauseUpstreamResponse> {
    const { id } = this.locate(address);
    const { resources, warnings } = await this.listEverything();
    const target = resources.find((r) => r.id === id);
    if (!target) throw new PauseError('NotFound', `resource "${id}" is not listed by its connection`);
    const upstream = upstreamOf(resources, id);
    if (!upstream.length) {
      throw new PauseError('NotFound', `nothing Pipeline Pause knows of feeds ${id}${warnings.length ? ` (${warnings.join('; ')})` : ''}`);
    }
    const group = newPauseGroup(target, request.name);
    // One absolute time for every member, so the group auto-resumes as one.
    const resumeAt = request.resumeAfter !== undefined ? new Date(Date.now() + request.resumeAfter).toISOString() : request.resumeAt;
    const memberRequest: PauseRequest = { reason: request.reason ?? `upstream of ${target.name} paused`, pausedBy: request.pausedBy, resumeAt, force: false };
    const members: BulkItem[] = [];
    const skipped: PauseUpstreamResponse['skipped'] = [];
    for (const resource of upstream) {
      if (resource.pause || resource.state === 'paused' || resource.state === 'stopped') {
        skipped.push({ id: resource.id, reason: `already paused${resource.pause ? ` by ${resource.pause.pausedBy}` : ''}; left as it is` });
      } else if (!resource.capabilities.pause) {
        skipped.push({ id: resource.id, reason: resource.capabilities.pauseUnavailable ?? `${resource.kind} resources cannot be paused` });
      } else {
        members.push({ id: resource.id, connection: resource.connection, run: () => this.pause(resource.id, memberRequest, group, resource) });
      }
    }
    const results = await runBulk(members, onProgress);
    this.deps.log.info({ group, target: id, paused: results.filter((r) => r.ok).map((r) => r.id), skipped }, 'paused upstream');
    return { group, results, skipped, warnings };
  }

  /** Resumes exactly the members still held by the group (started in the order they were paused). */
  async resumeGroup(groupId: string, onProgress?: BulkProgress): Promise<BulkResult[]> {
    const members = await groupMembers(this.deps.journal, groupId);
    if (!members.length) throw new PauseError('NotPaused', `no resource is paused by group "${groupId}" any more`);
    const results = await this.resumeMembers(members, onProgress);
    this.deps.log.info({ group: groupId, resumed: results.filter((r) => r.ok).map((r) => r.id) }, 'resumed group');
    return results;
  }

  /** Resumes every group made by pausing upstream of `address`. */
  async resumeUpstream(address: string, onProgress?: BulkProgress): Promise<BulkResult[]> {
    const { id } = this.locate(address);
    const groups = await groupsTargeting(this.deps.journal, id);
    if (!groups.length) throw new PauseError('NotPaused', `nothing upstream of ${id} is paused as a group; use "pause upstream" first, or resume resources one by one`);
    const members = (await Promise.all(groups.map((group) => groupMembers(this.deps.journal, group.id)))).flat();
    const results = await this.resumeMembers(members, onProgress);
    this.deps.log.info({ groups: groups.map((g) => g.id), resumed: results.filter((r) => r.ok).map((r) => r.id) }, 'resumed upstream');
    return results;
  }

  /** Group members resumed as one bulk operation, checked against one listing of each connection involved. */
  private async resumeMembers(members: JournalEntry[], onProgress?: BulkProgress): Promise<BulkResult[]> {
    const listed = await this.listingsOf(members.map((m) => m.resource));
    const items = members.map((member): BulkItem => {
      const connection = member.resource.slice(0, member.resource.indexOf('/'));
      return {
        id: member.resource,
        connection,
        run: async () => {
          const { connection: target, name, id } = this.locate(member.resource);
          const known = listed.get(connection);
          const outcome = await target.pauses.resume(name, { force: true, scope: null, onlyIfVersion: null, listed: known && (known.get(id) ?? null) });
          await this.record('resume', currentIdentity(), id, null, outcome.previous, `group ${member.group?.name ?? 'upstream'}`, member.group ?? null);
        },
      };
    });
    return runBulk(items, onProgress);
  }

  /** One listing of each connection these ids belong to, by connection; a connection that cannot be listed is left out. */
  private async listingsOf(ids: string[]): Promise<Map<string, Map<string, Resource>>> {
    const names = [...new Set(ids.map((id) => id.slice(0, id.indexOf('/'))))].filter((name) => this.connections.has(name));
    const listings = await Promise.allSettled(names.map(async (name) => new Map((await this.list(this.connection(name))).map((r) => [r.id, r]))));
    return new Map(names.flatMap((name, index) => (listings[index].status === 'fulfilled' ? [[name, listings[index].value] as const] : [])));
  }

  /** The latest records of what the resource writes to Kafka; reads only, joins no consumer group. */
  async peek(address: string, request: PeekRequest): Promise<PeekResponse> {
    const { connection, name, id } = this.locate(address);
    if (!connection.adapter.peek) throw new PauseError('Unsupported', `${id} writes to no Kafka topic: ${connection.config.kind} resources have nothing to peek at`);
    return connection.adapter.peek(name, { limit: request.limit });
  }

  /**
   * Resumes only if the pause is still the one that was scheduled (same version). A permanent
   * refusal is journaled (the scheduler then stops trying); other failures are left to retry.
   */
  async autoResume(address: string, scope: Scope | null, version: string, note: string): Promise<ResumeOutcome> {
    const connectionName = address.slice(0, address.indexOf('/'));
    if (!this.connections.has(connectionName)) {
      // Not a refusal by the backend: the pause is still there, so it must be tried again.
      throw new PauseError('BackendUnavailable', `connection "${connectionName}" is not configured right now; the auto-resume of ${address} waits for it`);
    }
    const { connection, name, id } = this.locate(address);
    let outcome: ResumeOutcome;
    try {
      outcome = await connection.pauses.resume(name, { force: true, scope, onlyIfVersion: version });
    } catch (error) {
      if (isPermanentRefusal(error)) {
        const held = scope ? null : await this.deps.journal.activePause(id);
        // The version scheduled, so status can tell this pause's refusal from a newer pause's.
        const refused = held ? { ...toDetails(held), version } : null;
        await this.record('auto-resume-refused', 'agent:auto-resume', id, scope, refused, `${note}; not retried`, null, (error as Error).message);
      }
      throw error;
    }
    if (outcome.notYetMs) return outcome; // nothing happened yet: the scheduler asks again
    await this.record(outcome.resumed ? 'auto-resume' : 'auto-resume-skipped', 'agent:auto-resume', id, scope, outcome.previous, note);
    return outcome;
  }

  /**
   * Pauses every resource of a connection that is not paused yet, reporting each. A backend
   * that can pause everything in one operation (ksqlDB's PAUSE ALL) is asked once, unless a
   * resume time is given and something there cannot auto-resume.
   */
  async pauseAll(connectionName: string, request: PauseRequest, onProgress?: BulkProgress): Promise<BulkResult[]> {
    if (request.scope) throw new PauseError('BadRequest', 'pause-all pauses whole resources; a scope applies to one resource');
    // Refused once, before anything is paused, rather than by every member on its own (each
    // result failed). This machine's clock is only a first check: a single pause leaves the
    // judgement to the backend's clock.
    if (request.resumeAt !== undefined) pauseEnd({ resumeAfterMs: null, resumeAt: new Date(request.resumeAt) }, new Date(), "this machine's");
    const { pauses } = this.connection(connectionName);
    const resources = await pauses.list();
    // A pause with a resume time on what cannot resume by itself (a ksqlDB source-table query,
    // which only PAUSE ALL / RESUME ALL reach) would outlast that time for good: it is left
    // running and reported, and the rest are paused one by one.
    const timed = request.resumeAfter !== undefined || request.resumeAt !== undefined;
    const untimeable = timed ? resources.filter((r) => (r.capabilities.pause || r.capabilities.pauseAll) && !r.capabilities.scheduledResume && r.state !== 'paused') : [];
    const refused = untimeable.map((r) => ({
      id: r.id,
      ok: false,
      error: `not paused: it cannot auto-resume${r.capabilities.pauseUnavailable ? ` (${r.capabilities.pauseUnavailable})` : ''}; pause all without a resume time to include it`,
    }));
    if (pauses.pauseAll && !untimeable.length) {
      const targets = resources.filter((r) => r.capabilities.pauseAll && r.state !== 'paused');
      if (!targets.length) return [];
      onProgress?.({ done: 0, total: targets.length, failed: 0 });
      let details: PauseDetails;
      try {
        details = await pauses.pauseAll(pauseCommand(request));
      } catch (error) {
        onProgress?.({ done: targets.length, total: targets.length, failed: targets.length });
        return targets.map((r) => ({ id: r.id, ok: false, error: (error as Error).message }));
      }
      for (const target of targets) await this.record('pause', details.pausedBy, target.id, null, details, 'pause-all');
      this.deps.log.info({ connection: connectionName, resources: targets.map((r) => r.id), pausedBy: details.pausedBy, reason: details.reason }, 'paused all');
      onProgress?.({ done: targets.length, total: targets.length, failed: 0 });
      return targets.map((r) => ({ id: r.id, ok: true, error: null }));
    }
    // One by one, a few at a time, each checked against the listing above rather than read again.
    const items = resources
      .filter((r) => r.capabilities.pause && r.state !== 'paused' && !untimeable.includes(r))
      .map((resource): BulkItem => ({ id: resource.id, connection: connectionName, run: () => this.pause(resource.id, request, null, resource) }));
    const results = await runBulk(items, onProgress);
    if (refused.length) this.deps.log.warn({ connection: connectionName, resources: refused.map((r) => r.id) }, 'pause all with a resume time left out what cannot auto-resume');
    return [...results, ...refused];
  }

  /** Resumes every pause (whole or scoped) in the given connections, reporting each. */
  async resumeAll(connectionNames: string[], request: ResumeRequest, onProgress?: BulkProgress): Promise<BulkResult[]> {
    if (request.scope) throw new PauseError('BadRequest', 'resume-all resumes whole resources; a scope applies to one resource');
    const results: BulkResult[] = [];
    const items: BulkItem[] = [];
    for (const name of connectionNames) {
      const { adapter, pauses } = this.connection(name);
      const resources = await pauses.list();
      const held = resources.filter((r) => r.pause !== null || r.state === 'paused');
      // One backend operation (RESUME ALL) when nothing needs a per-resource decision: a pause
      // with an auto-resume time needs --force, and scoped pauses are resumed one by one.
      if (adapter.resumeAll && !resources.some((r) => r.scopedPauses.length) && (request.force || !held.some((r) => r.pause?.resumeAt))) {
        if (!held.length) continue;
        try {
          await adapter.resumeAll({ force: request.force, scope: null, onlyIfVersion: null });
        } catch (error) {
          results.push(...held.map((r) => ({ id: r.id, ok: false, error: (error as Error).message })));
          continue;
        }
        for (const resource of held) await this.record('resume', currentIdentity(), resource.id, null, resource.pause, request.force ? 'resume-all, forced' : 'resume-all');
        this.deps.log.info({ connection: name, resources: held.map((r) => r.id) }, 'resumed all');
        results.push(...held.map((r) => ({ id: r.id, ok: true, error: null })));
        continue;
      }
      for (const resource of resources) {
        const scopes = [...(resource.pause !== null || resource.state === 'paused' ? [undefined] : []), ...resource.scopedPauses.map((p) => p.scope)];
        for (const scope of scopes) {
          const label = scope ? `${resource.id} (${scope.type} ${scope.value})` : resource.id;
          items.push({ id: label, connection: name, run: () => this.resume(resource.id, { force: request.force, scope }, resource) });
        }
      }
    }
    // What RESUME ALL did is reported as done before the one-by-one resumes start.
    const before = results.length;
    if (before) onProgress?.({ done: before, total: before + items.length, failed: results.filter((r) => !r.ok).length });
    const oneByOne = await runBulk(items, onProgress && (({ done, failed }) => onProgress({ done: before + done, total: before + items.length, failed: failed + results.filter((r) => !r.ok).length })));
    return [...results, ...oneByOne];
  }

  /** Every connection's resources; a connection that cannot be listed becomes a warning. */
  private async listEverything(): Promise<{ resources: Resource[]; warnings: string[] }> {
    const listed = await Promise.allSettled(this.connectionList().map((connection) => this.list(connection)));
    const warnings: string[] = [];
    const resources = listed.flatMap((outcome, index) => {
      if (outcome.status === 'fulfilled') return outcome.value;
      warnings.push(`connection "${this.connectionList()[index].config.name}" could not be listed: ${(outcome.reason as Error).message}`);
      return [];
    });
    return { resources, warnings };
  }

  /** A statement (ksqlDB) or script (Flink SQL) on a connection whose backend can deploy. */
  async deploy(connectionName: string, request: DeployRequest): Promise<DeployOutcome> {
    const { config, adapter } = this.connection(connectionName);
    if (!adapter.deploy) throw new PauseError('Unsupported', `connection "${connectionName}" is ${config.kind}; its backend takes no statements to deploy`);
    try {
      const outcome = await adapter.deploy(request.statement, { recreate: request.recreate });
      if (outcome.replacedQueryId && outcome.replacedQueryId !== outcome.queryId) {
        await this.retargetGroups(resourceId(connectionName, outcome.replacedQueryId), resourceId(connectionName, outcome.queryId));
      }
      return outcome;
    } catch (error) {
      // Successes are logged by the adapter with what it did; refusals are logged here, for every backend.
      this.deps.log.warn({ connection: connectionName, statement: request.statement, recreate: request.recreate, code: (error as PauseError).code, err: (error as Error).message }, 'deploy refused');
      throw error;
    }
  }

  /**
   * A query recreated under a new id is still what its groups paused upstream of: each member's
   * pause is journaled again, unchanged but for the group's target, so "Resume upstream" works
   * on the new query's row.
   */
  private async retargetGroups(from: string, to: string): Promise<void> {
    for (const group of await groupsTargeting(this.deps.journal, from)) {
      for (const member of await groupMembers(this.deps.journal, group.id)) {
        const { at: _previousAt, ...entry } = member;
        await this.deps.journal.append({ ...entry, group: { ...group, target: to }, note: `group follows ${from}, recreated as ${to}` });
      }
      this.deps.log.info({ group: group.id, from, to }, 'pause group follows the recreated query');
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.adapter.close().catch(() => undefined)));
    this.connections.clear();
  }

  private async record(
    action: JournalEntry['action'],
    by: string,
    id: string,
    scope: Scope | null,
    pause: PauseDetails | null,
    note: string | null,
    group: PauseGroupRef | null = null,
    error: string | null = null,
  ): Promise<void> {
    try {
      await this.deps.journal.append({
        action,
        by,
        resource: id,
        scope,
        pausedBy: pause?.pausedBy ?? null,
        pausedAt: pause?.pausedAt ?? null,
        reason: pause?.reason ?? null,
        resumeAt: pause?.resumeAt ?? null,
        version: pause?.version ?? null,
        via: this.deps.via,
        note,
        group,
        error,
      });
    } catch (error) {
      // The backend already changed; a journal that cannot be written must not hide that.
      this.deps.log.error({ err: error, resource: id, action }, 'could not write the pause journal');
    }
  }
}

function pauseCommand(request: PauseRequest): PauseCommand {
  return {
    reason: request.reason ?? null,
    pausedBy: request.pausedBy ?? currentIdentity(),
    resumeAfterMs: request.resumeAfter ?? null,
    resumeAt: request.resumeAt ? new Date(request.resumeAt) : null,
    force: request.force,
    scope: request.scope ?? null,
  };
}
