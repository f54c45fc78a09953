import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Journal, type JournalEntry } from '../../../agent/core/journal';
import { JournalPauseDetails, OUTSIDE_PAUSER } from '../../../agent/core/journalPauses';
import type { BackendAdapter } from '../../../agent/backends/types';
import type { PauseCommand, ResumeCommand } from '../../../protocol/commands';
import { PauseError } from '../../../protocol/errors';
import type { PauseDetails, Resource } from '../../../protocol/resource';

/** A backend that knows only paused-or-not, like ksqlDB. */
class FakeBackend implements BackendAdapter {
  state: Resource['state'] = 'running';
  calls: string[] = [];
  /** While set, listings wait for it: one begun before a change is answered after it. */
  hold: Promise<void> | null = null;

  async list(): Promise<Resource[]> {
    const seen = this.state;
    if (this.hold) await this.hold;
    return [this.resource(seen)];
  }
  async get(name: string): Promise<Resource> {
    if (name !== 'Q1') throw new PauseError('NotFound', `no query "${name}"`);
    return this.resource(this.state);
  }
  async pause(name: string, command: PauseCommand): Promise<PauseDetails> {
    this.calls.push(`pause ${name}`);
    if (name !== 'Q1') throw new PauseError('NotFound', `Unknown queryId: ${name}`);
    this.state = 'paused';
    return { pausedAt: new Date().toISOString(), pausedBy: command.pausedBy, reason: null, resumeAt: null, version: null };
  }
  async resume(name: string, _command: ResumeCommand) {
    this.calls.push(`resume ${name}`);
    this.state = 'running';
    return { resumed: true, previous: null };
  }
  async close(): Promise<void> {}

  private resource(state: Resource['state']): Resource {
    return {
      id: 'k/Q1',
      kind: 'ksqldb-query',
      connection: 'k',
      name: 'Q1',
      state,
      stateDetail: null,
      pause: null,
      pauseGroup: null,
      scopedPauses: [],
      backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null },
      workers: null,
      lineage: { upstream: [], downstream: [], inputs: [], outputs: [] },
      capabilities: { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false },
      pauseEffect: null,
      lastError: null,
      observedAt: new Date().toISOString(),
    };
  }
}

const command = (overrides: Partial<PauseCommand> = {}): PauseCommand => ({ reason: 'why', pausedBy: 'alice', resumeAfterMs: null, resumeAt: null, force: false, scope: null, ...overrides });
const resume = (overrides: Partial<ResumeCommand> = {}): ResumeCommand => ({ force: false, scope: null, onlyIfVersion: null, ...overrides });

describe('agent/core/journalPauses: pause details from the journal', () => {
  let dir: string;
  let journal: Journal;
  let backend: FakeBackend;
  let clock: number;
  let adapter: JournalPauseDetails;

  /** What the service does after an adapter call: journal it. */
  const record = (action: JournalEntry['action'], details: PauseDetails | null, by = 'alice') =>
    journal.append({ action, by, resource: 'k/Q1', scope: null, pausedBy: details?.pausedBy ?? null, pausedAt: details?.pausedAt ?? null, reason: details?.reason ?? null, resumeAt: details?.resumeAt ?? null, version: details?.version ?? null, via: 'agent', note: null, at: new Date(clock).toISOString() });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-journal-'));
    journal = new Journal(join(dir, 'journal.jsonl'));
    backend = new FakeBackend();
    clock = Date.parse('2026-01-29T12:00:00.000Z');
    adapter = new JournalPauseDetails(backend, journal, 'agent', pino({ level: 'silent' }), { now: () => clock, settleMs: 10_000, observeMs: 3_000 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills who, why and until when of a pause from the journal', async () => {
    const details = await adapter.pause('Q1', command({ resumeAfterMs: 30 * 60_000 }));
    assert.deepEqual([details.pausedBy, details.reason, details.resumeAt], ['alice', 'why', '2026-01-29T12:30:00.000Z']);
    assert.match(details.version ?? '', /^journal:/);
    await record('pause', details);
    clock += 60_000;
    const [listed] = await adapter.list();
    assert.equal(listed.state, 'paused');
    assert.deepEqual(listed.pause, details);
  });

  it('refuses a second pause without force, naming the first, and resolves resume times on its clock', async () => {
    await record('pause', await adapter.pause('Q1', command()));
    await assert.rejects(adapter.pause('Q1', command()), /^PauseError: k\/Q1 is already paused by alice since 2026-01-29T12:00:00Z \(reason: why\); use --force to overwrite$/);
    await assert.rejects(adapter.pause('Q1', command({ force: true, resumeAt: new Date(clock - 1) })), /is not in the future/);
    const forced = await adapter.pause('Q1', command({ force: true, reason: 'newer' }));
    assert.equal(forced.reason, 'newer');
    assert.deepEqual(backend.calls, ['pause Q1', 'pause Q1']);
  });

  it('needs force to resume a pause that has an auto-resume time; a scheduled resume only ends its own version', async () => {
    const scheduled = await adapter.pause('Q1', command({ resumeAfterMs: 60_000 }));
    await record('pause', scheduled);
    await assert.rejects(adapter.resume('Q1', resume()), /is set to auto-resume at 2026-01-29T12:01:00Z \(in 1 minute\); use --force/);
    const newer = await adapter.pause('Q1', command({ force: true, reason: 'newer' }));
    await record('pause', newer);
    const skipped = await adapter.resume('Q1', resume({ force: true, onlyIfVersion: scheduled.version }));
    assert.deepEqual([skipped.resumed, skipped.previous?.reason], [false, 'newer']);
    assert.deepEqual(backend.calls, ['pause Q1', 'pause Q1'], 'the backend was not asked to resume');
    const done = await adapter.resume('Q1', resume({ force: true, onlyIfVersion: newer.version }));
    assert.equal(done.resumed, true);
    assert.equal(backend.state, 'running');
    await record('auto-resume', done.previous);
    await assert.rejects(adapter.resume('Q1', resume()), (error: PauseError) => error.code === 'NotPaused');
  });

  it('shows a pause made outside as paused by someone unknown, and journals it once it has held', async () => {
    backend.state = 'paused';
    const [first] = await adapter.list();
    assert.deepEqual(first.pause, { pausedAt: '2026-01-29T12:00:00.000Z', pausedBy: OUTSIDE_PAUSER, reason: null, resumeAt: null, version: null });
    assert.deepEqual(await journal.read(), [], 'not yet: a CLI without the agent may be about to journal its own pause');
    clock += 3_000;
    const [held] = await adapter.list();
    await adapter.list();
    const entries = await journal.read();
    assert.deepEqual(
      entries.map((e) => [e.action, e.pausedBy, e.pausedAt]),
      [['observed-pause', OUTSIDE_PAUSER, '2026-01-29T12:00:00.000Z']],
    );
    assert.equal(held.pause?.pausedAt, '2026-01-29T12:00:00.000Z', 'pausedAt is when it was first seen paused');
    assert.match(held.pause?.version ?? '', /^observed:/);
  });

  it('lets a CLI\'s own journal line win over an observation', async () => {
    backend.state = 'paused';
    await adapter.list();
    clock += 1_000;
    await record('pause', { pausedAt: new Date(clock).toISOString(), pausedBy: 'dave', reason: 'from a terminal', resumeAt: null, version: 'journal:x' });
    clock += 5_000;
    const [listed] = await adapter.list();
    assert.equal(listed.pause?.pausedBy, 'dave');
    assert.deepEqual((await journal.read()).map((e) => e.action), ['pause']);
  });

  it('ends a journaled pause that was resumed outside, so a later outside pause is not credited to it', async () => {
    await record('pause', await adapter.pause('Q1', command()));
    backend.state = 'running';
    clock += 20_000;
    await adapter.list();
    clock += 3_000;
    await adapter.list();
    backend.state = 'paused';
    clock += 1_000;
    const [again] = await adapter.list();
    assert.equal(again.pause?.pausedBy, OUTSIDE_PAUSER);
    assert.deepEqual((await journal.read()).map((e) => e.action), ['pause', 'observed-resume']);
  });

  it('shows our own change in progress while the backend settles, and ignores listings begun before it', async () => {
    await record('pause', await adapter.pause('Q1', command()));
    backend.state = 'running'; // not applied everywhere yet
    const [pausing] = await adapter.list();
    assert.deepEqual([pausing.state, pausing.pause?.pausedBy], ['pausing', 'alice']);
    backend.state = 'paused';
    const previous = await adapter.resume('Q1', resume());
    await record('resume', previous.previous);
    backend.state = 'partially-paused'; // one server of two has applied the RESUME
    const [resuming] = await adapter.list();
    assert.deepEqual([resuming.state, resuming.pause], ['resuming', null]);
    assert.deepEqual((await journal.read()).map((e) => e.action), ['pause', 'resume']);
  });

  it('keeps the first sighting of an outside pause when an older listing answers late', async () => {
    let release!: () => void;
    backend.hold = new Promise((resolve) => (release = resolve));
    const late = adapter.list(); // begins while the query still runs
    backend.hold = null;
    clock += 500;
    backend.state = 'paused';
    await adapter.list();
    const firstSeen = clock;
    clock += 500;
    release();
    assert.equal((await late)[0].state, 'running');
    clock += 2_500;
    const [listed] = await adapter.list();
    assert.equal(listed.pause?.pausedAt, new Date(firstSeen).toISOString());
    assert.equal((await journal.read())[0]?.pausedAt, new Date(firstSeen).toISOString());
  });

  it('lets the backend word unknown names itself', async () => {
    await assert.rejects(adapter.pause('NOPE', command()), /^PauseError: Unknown queryId: NOPE$/);
    assert.deepEqual(backend.calls, ['pause NOPE']);
  });
});

describe('agent/core/journal: the index of active pauses', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-journal-'));
    path = join(dir, 'journal.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const line = (action: JournalEntry['action'], resource: string, reason: string | null = null) =>
    `${JSON.stringify({ at: new Date().toISOString(), action, resource, scope: null, by: 'x', pausedBy: 'x', reason, resumeAt: null, version: null, via: 'cli', note: null })}\n`;

  it('answers from what it read, and reads only what another process appended since', async () => {
    const journal = new Journal(path);
    assert.equal(await journal.activePause('k/A'), null, 'no file yet');
    appendFileSync(path, line('pause', 'k/A', 'first') + line('pause', 'k/B'));
    assert.equal((await journal.activePause('k/A'))?.reason, 'first');
    appendFileSync(path, line('resume', 'k/A'));
    assert.equal(await journal.activePause('k/A'), null);
    assert.equal((await journal.latestPauseEvent('k/A'))?.action, 'resume');
    assert.equal((await journal.activePause('k/B'))?.action, 'pause');
  });

  it('waits for the rest of a torn line, skips damaged ones, and starts over when the file is replaced', async () => {
    const journal = new Journal(path);
    const whole = line('pause', 'k/A', 'torn');
    appendFileSync(path, `not json\n${whole.slice(0, 20)}`);
    assert.equal(await journal.activePause('k/A'), null);
    appendFileSync(path, whole.slice(20));
    assert.equal((await journal.activePause('k/A'))?.reason, 'torn');
    writeFileSync(path, line('pause', 'k/C'));
    assert.equal(await journal.activePause('k/A'), null, 'a shorter file is a new file');
    assert.ok(await journal.activePause('k/C'));
  });

  it('starts its append on a new line after a last line torn by a crash, so the append is not lost with it', async () => {
    appendFileSync(path, line('pause', 'k/A', 'before the crash') + line('pause', 'k/B').slice(0, 30));
    const journal = new Journal(path);
    await journal.append({ action: 'pause', by: 'a', resource: 'k/C', scope: null, pausedBy: 'alice', reason: 'after the crash', resumeAt: '2030-01-01T00:00:00Z', version: null, via: 'agent', note: null });
    assert.equal((await journal.activePause('k/C'))?.reason, 'after the crash');
    assert.deepEqual((await new Journal(path).read()).map((e) => e.resource), ['k/A', 'k/C'], 'read from the file anew');
    await journal.append({ action: 'resume', by: 'a', resource: 'k/C', scope: null, pausedBy: null, reason: null, resumeAt: null, version: null, via: 'agent', note: null });
    assert.equal(await new Journal(path).activePause('k/C'), null, 'an intact last line gets no blank line before the next');
  });

  it('indexes its own appends in file order with everyone else\'s', async () => {
    const journal = new Journal(path);
    await journal.append({ action: 'pause', by: 'a', resource: 'k/A', scope: null, pausedBy: 'a', reason: 'mine', resumeAt: null, version: 'v1', via: 'agent', note: null });
    appendFileSync(path, line('resume', 'k/A'));
    await journal.append({ action: 'pause', by: 'a', resource: 'k/B', scope: null, pausedBy: 'a', reason: null, resumeAt: null, version: 'v2', via: 'agent', note: null });
    assert.equal(await journal.activePause('k/A'), null, 'the other process\'s resume came after our pause');
    assert.equal((await journal.activePause('k/B'))?.version, 'v2');
  });
});
