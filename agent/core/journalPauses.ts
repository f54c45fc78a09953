import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { alreadyPaused, autoResumeSet, newPauseDetails } from '../../protocol/pausePolicy';
import { PauseError } from '../../protocol/errors';
import type { PauseDetails, Resource } from '../../protocol/resource';
import type { BackendAdapter, GetOptions, ListContext, PauseFacts } from '../backends/types';
import type { PauseCommand, ResumeCommand, ResumeOutcome, StopCommand } from '../../protocol/commands';
import type { Journal, JournalEntry } from './journal';

/** Who paused, when the backend shows a pause that no entry of ours explains. */
export const OUTSIDE_PAUSER = 'unknown (paused outside Pipeline Pause)';
export const OUTSIDE_RESUMER = 'unknown (resumed outside Pipeline Pause)';

/**
 * After our own pause or resume, the backend may take a while to show it everywhere (a ksqlDB
 * cluster applies commands server by server). Within this window a contradicting listing is
 * shown as pausing / resuming; after it, it is taken as a change made outside the product.
 */
export const SETTLE_MS = 15_000;

/**
 * A change nobody journaled is written down only once it has been seen this long: a CLI working
 * without the agent journals its own change right after making it, and that entry should win.
 * Until then the listing shows the change with OUTSIDE_PAUSER, unjournaled.
 */
export const OBSERVE_MS = 3_000;

// `stopped` (Kafka Connect's PUT /stop) holds like a pause, and resume ends it.
const HELD = new Set<Resource['state']>(['paused', 'partially-paused', 'stopped']);
/** Journal actions that begin a held stretch (a stop is a pause that also shut the workers down). */
const HOLDS = new Set<JournalEntry['action']>(['pause', 'observed-pause', 'stop']);

/**
 * Pause details for backends that cannot store them (BackendDefinition.pauseDetails 'agent'):
 * wraps such an adapter so that every listing carries `resource.pause` from the journal's
 * active pause for that id, pauses check for an existing pause (AlreadyPaused unless forced),
 * resume times are resolved on the agent's clock, and a scheduled resume (onlyIfVersion) goes
 * ahead only while the journal's active pause is still the version it was scheduled for.
 *
 * A pause nobody journaled (made with the backend's own tools) is recorded once as
 * `observed-pause` by OUTSIDE_PAUSER, with the time it was first seen; details are never made
 * up. A resume made outside likewise ends our journaled pause (`observed-resume`), so a later
 * outside pause is not credited to it.
 */
export class JournalPauseDetails implements PauseFacts {
  readonly pauseAll?: (command: PauseCommand) => Promise<PauseDetails>;
  readonly stop?: (name: string, command: StopCommand) => Promise<PauseDetails>;

  /** When each resource was first seen in a state the journal does not explain. */
  private readonly sightings = new Map<string, { condition: 'paused' | 'running'; since: number }>();
  private readonly observing = new Map<string, Promise<JournalEntry | null>>();
  private readonly now: () => number;
  private readonly settleMs: number;
  private readonly observeMs: number;

  constructor(
    private readonly inner: BackendAdapter,
    private readonly journal: Journal,
    private readonly via: JournalEntry['via'],
    private readonly log: Logger,
    timing: { now?: () => number; settleMs?: number; observeMs?: number } = {},
  ) {
    this.now = timing.now ?? Date.now;
    this.settleMs = timing.settleMs ?? SETTLE_MS;
    this.observeMs = timing.observeMs ?? OBSERVE_MS;
    const { pauseAll, stop } = inner;
    if (pauseAll) {
      this.pauseAll = async (command) => {
        const details = this.newDetails(command);
        await pauseAll.call(inner, command);
        return details;
      };
    }
    if (stop) {
      this.stop = async (name, command) => {
        const details = this.newDetails({ ...command, resumeAfterMs: null, resumeAt: null, force: true, scope: null });
        await stop.call(inner, name, command);
        return details;
      };
    }
  }

  async list(context?: ListContext): Promise<Resource[]> {
    const listedFrom = this.now();
    // Resources streamed before the journal is read would show without who / why / until.
    const resources = await this.inner.list(context && { reason: context.reason, interest: context.interest });
    await this.journal.refresh(); // once for the whole listing
    return Promise.all(resources.map((resource) => this.withPause(resource, listedFrom)));
  }

  async get(name: string, options?: GetOptions): Promise<Resource> {
    const listedFrom = this.now();
    const resource = await this.inner.get(name, options);
    await this.journal.refresh();
    return this.withPause(resource, listedFrom);
  }

  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    if (command.scope) throw new PauseError('Unsupported', `"${name}" can only be paused as a whole`);
    const current = command.listed !== undefined ? command.listed : await this.current(name);
    if (current?.state === 'paused' && !command.force) {
      const active = await this.journal.activePause(current.id);
      throw alreadyPaused(current.id, active ? toDetails(active) : null);
    }
    const details = this.newDetails(command);
    // A backend's own name for what it holds (a Flink savepoint) is the better version: it goes in the journal.
    const held = await this.inner.pause(name, command);
    return held.version ? { ...details, version: held.version } : details;
  }

  async resume(name: string, command: ResumeCommand): Promise<ResumeOutcome> {
    if (command.scope) throw new PauseError('Unsupported', `"${name}" can only be resumed as a whole`);
    const current = command.listed !== undefined ? command.listed : await this.current(name);
    if (!current) {
      if (command.onlyIfVersion) return { resumed: false, previous: null };
      // Not in our listing: let the backend say what it makes of the name, in its own words.
      await this.inner.resume(name, command);
      return { resumed: true, previous: null };
    }
    const active = await this.journal.activePause(current.id);
    const previous = active ? toDetails(active) : null;
    const held = HELD.has(current.state) || current.state === 'pausing';
    if (command.onlyIfVersion) {
      // A scheduled resume: only the pause it was scheduled for, never a newer one.
      if (!held || active?.version !== command.onlyIfVersion) return { resumed: false, previous };
    } else {
      if (!held) throw new PauseError('NotPaused', `${current.id} is not paused`);
      if (previous?.resumeAt && !command.force) {
        throw autoResumeSet(current.id, previous.resumeAt, new Date(this.now()));
      }
    }
    await this.inner.resume(name, command);
    return { resumed: true, previous };
  }

  private async current(name: string): Promise<Resource | null> {
    try {
      return await this.get(name);
    } catch (error) {
      if (error instanceof PauseError && error.code === 'NotFound') return null;
      throw error;
    }
  }

  private newDetails(command: PauseCommand): PauseDetails {
    return newPauseDetails(command, new Date(this.now()), 'agent', `journal:${randomUUID()}`);
  }

  /** The resource with `pause` from the journal, and outside changes recorded once they have settled. */
  private async withPause(resource: Resource, listedFrom: number): Promise<Resource> {
    const latest = this.journal.indexed(resource.id);
    const active = latest && HOLDS.has(latest.action) ? latest : null;
    // Only a listing begun well after our latest entry may contradict it; one begun earlier, or
    // while the backend is still applying our change everywhere, shows the change in progress.
    // (An observation records what the backend already showed: nothing to wait for.)
    const settleMs = latest?.action.startsWith('observed-') ? 0 : this.settleMs;
    const settled = !latest || listedFrom > Date.parse(latest.at) + settleMs;
    // A backend's own `pausing` (Kafka Connect: connector PAUSED, a task still RUNNING) is held too.
    if (HELD.has(resource.state) || resource.state === 'pausing') {
      if (active) {
        this.forget(resource.id, listedFrom);
        return { ...resource, pause: toDetails(active) };
      }
      if (!settled) return { ...resource, state: 'resuming', pause: null };
      const since = this.sighted(resource.id, 'paused', listedFrom);
      if (this.now() - since >= this.observeMs) {
        const observed = await this.observe('observed-pause', resource.id, since);
        if (observed) return { ...resource, pause: toDetails(observed) };
      }
      return { ...resource, pause: { pausedAt: new Date(since).toISOString(), pausedBy: OUTSIDE_PAUSER, reason: null, resumeAt: null, version: null } };
    }
    if (resource.state === 'running' && active) {
      if (!settled && (latest?.action === 'pause' || latest?.action === 'stop')) return { ...resource, state: 'pausing', pause: toDetails(active) };
      const since = this.sighted(resource.id, 'running', listedFrom);
      if (this.now() - since >= this.observeMs) await this.observe('observed-resume', resource.id, since, active);
      return { ...resource, pause: null };
    }
    this.forget(resource.id, listedFrom);
    return { ...resource, pause: null };
  }

  /**
   * When the resource was first seen in this unexplained condition. A listing begun before the
   * current sighting is older evidence (the poller's and an API request's listings overlap),
   * so it neither ends nor restarts it.
   */
  private sighted(id: string, condition: 'paused' | 'running', listedFrom: number): number {
    const sighting = this.sightings.get(id);
    if (sighting && (sighting.condition === condition || listedFrom <= sighting.since)) return sighting.since;
    const since = this.now();
    this.sightings.set(id, { condition, since });
    return since;
  }

  private forget(id: string, listedFrom: number): void {
    const sighting = this.sightings.get(id);
    if (sighting && listedFrom > sighting.since) this.sightings.delete(id);
  }

  /** One journal line per observation, however many listings overlap. */
  private observe(action: 'observed-pause' | 'observed-resume', id: string, since: number, ended?: JournalEntry): Promise<JournalEntry | null> {
    const key = `${action}\u0000${id}`;
    let pending = this.observing.get(key);
    if (!pending) {
      pending = this.writeObservation(action, id, since, ended).finally(() => this.observing.delete(key));
      this.observing.set(key, pending);
    }
    return pending;
  }

  private async writeObservation(action: 'observed-pause' | 'observed-resume', id: string, since: number, ended?: JournalEntry): Promise<JournalEntry | null> {
    this.sightings.delete(id);
    try {
      // Someone (another listing, a CLI) may have written it down meanwhile.
      const latest = await this.journal.latestPauseEvent(id);
      const explained = latest !== null && HOLDS.has(latest.action) === (action === 'observed-pause');
      if (explained) return latest;
      const entry = await this.journal.append({
        at: new Date(this.now()).toISOString(),
        action,
        by: action === 'observed-pause' ? OUTSIDE_PAUSER : OUTSIDE_RESUMER,
        resource: id,
        scope: null,
        pausedBy: action === 'observed-pause' ? OUTSIDE_PAUSER : (ended?.pausedBy ?? null),
        pausedAt: action === 'observed-pause' ? new Date(since).toISOString() : (ended?.pausedAt ?? null),
        reason: action === 'observed-pause' ? null : (ended?.reason ?? null),
        resumeAt: null,
        version: action === 'observed-pause' ? `observed:${randomUUID()}` : (ended?.version ?? null),
        via: this.via,
        note: action === 'observed-pause' ? 'paused outside Pipeline Pause; pausedAt is when it was first seen paused' : `seen running since ${new Date(since).toISOString()}`,
      });
      this.log.info({ resource: id, action }, action === 'observed-pause' ? 'pause made outside Pipeline Pause seen' : 'resume made outside Pipeline Pause seen');
      return entry;
    } catch (error) {
      this.log.error({ err: error, resource: id, action }, 'could not write the pause journal');
      return null;
    }
  }
}

/** The journal's record of a pause as the resource model shows it. */
export function toDetails(entry: JournalEntry): PauseDetails {
  return {
    pausedAt: entry.pausedAt ?? entry.at,
    pausedBy: entry.pausedBy ?? entry.by,
    reason: entry.reason,
    resumeAt: entry.resumeAt,
    version: entry.version,
  };
}
