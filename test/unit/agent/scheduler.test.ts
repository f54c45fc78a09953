import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ResumeScheduler } from '../../../agent/core/scheduler';
import type { ResumeOutcome } from '../../../protocol/commands';
import { isPermanentRefusal, PauseError } from '../../../protocol/errors';
import { blankResource, type Resource, type Scope } from '../../../protocol/resource';
import { mock } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false };

interface Call {
  id: string;
  scope: Scope | null;
  version: string;
  note: string;
  at: number;
}

/** A paused resource as a listing shows it, with the resume time the scheduler follows. */
function paused(name: string, version: string, resumeAt: number): Resource {
  const resource = blankResource('c', name, 'test', CAPABILITIES);
  return { ...resource, state: 'paused', pause: { pausedAt: new Date().toISOString(), pausedBy: 'ann', reason: null, resumeAt: new Date(resumeAt).toISOString(), version } };
}

function running(name: string): Resource {
  return { ...blankResource('c', name, 'test', CAPABILITIES), state: 'running' };
}

describe('agent/core/scheduler: auto-resume timers (on a fake clock)', () => {
  let calls: Call[];
  let logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
  let resumed: string[];
  /** What the next autoResume calls do, in order; when empty they resume. */
  let answers: Array<() => Promise<ResumeOutcome>>;
  let scheduler: ResumeScheduler;
  const START = Date.parse('2026-01-29T12:00:00Z');

  /** Moves the fake clock on, firing due timers, and lets the promises they started settle. */
  async function advance(ms: number): Promise<void> {
    mock.timers.tick(ms);
    for (let i = 0; i < 10; i++) await turn();
  }

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: START });
    calls = [];
    logs = [];
    resumed = [];
    answers = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line));
        done();
      },
    });
    const service = {
      autoResume: (id: string, scope: Scope | null, version: string, note: string): Promise<ResumeOutcome> => {
        calls.push({ id, scope, version, note, at: Date.now() });
        const answer = answers.shift();
        return answer ? answer() : Promise.resolve({ resumed: true, previous: null });
      },
    };
    scheduler = new ResumeScheduler(service, pino({ level: 'debug' }, sink), (id) => resumed.push(id), { retryMs: 60 });
  });

  afterEach(() => {
    scheduler.stop();
    mock.timers.reset();
  });

  it("waits for the backend's clock when it says the resume came early, then asks again", async () => {
    answers.push(() => Promise.resolve({ resumed: false, previous: null, notYetMs: 200 }));
    scheduler.sync('c', [paused('q1', 'v1', START + 50)]);
    await advance(50);
    assert.equal(calls.length, 1);
    await advance(199);
    assert.equal(calls.length, 1, 'not asked again before the backend said');
    await advance(1);
    assert.deepEqual([calls.length, calls[1].at - calls[0].at, calls[1].version], [2, 200, 'v1']);
    assert.ok(logs.some((l) => /early by the backend's clock/.test(l.msg)));
    assert.deepEqual(resumed, ['c/q1'], 'listed again only once it resumed');
  });

  it('resumes on time, not before, with the version it was scheduled for', async () => {
    scheduler.sync('c', [paused('q1', 'v1', START + 250)]);
    await advance(249);
    assert.equal(calls.length, 0, 'nothing before the resume time');
    await advance(1);
    assert.deepEqual(
      calls.map((c) => [c.id, c.scope, c.version, c.note, c.at]),
      [['c/q1', null, 'v1', 'on time', START + 250]],
    );
    assert.deepEqual(resumed, ['c/q1'], 'the resource is listed again after its resume');
    assert.ok(logs.some((l) => l.msg === 'auto-resume scheduled' && l.resource === 'c/q1'));
    assert.ok(logs.some((l) => l.msg === 'auto-resumed' && l.resource === 'c/q1'));
  });

  it('runs an overdue resume at once and says how late it is', async () => {
    scheduler.sync('c', [paused('q1', 'v1', START - 60_000)]);
    await advance(0);
    assert.deepEqual(
      calls.map((c) => [c.note, c.at]),
      [['overdue at agent start or first sight', START]],
    );
    const overdue = logs.find((l) => l.msg === 'auto-resume overdue: resuming now');
    assert.equal(overdue?.overdueMs, 60_000, 'the log says how overdue it was');
  });

  it('a resource read on its own changes only its own timers, never those of the rest of its connection', async () => {
    const soon = START + 150;
    scheduler.sync('c', [paused('q1', 'v1', soon), paused('q2', 'v1', soon)]);
    scheduler.syncResource(running('q1')); // q1 resumed by hand; q2 was not read
    scheduler.syncResource(paused('q3', 'v1', soon + 150)); // q3 newly paused
    assert.equal(scheduler.pendingCount(), 2);
    await advance(150);
    await advance(150);
    assert.deepEqual(calls.map((c) => [c.id, c.at]), [['c/q2', soon], ['c/q3', soon + 150]]);
  });

  it('arms one timer per pause however often it is listed, and follows a changed or removed pause', async () => {
    const soon = START + 150;
    scheduler.sync('c', [paused('q1', 'v1', soon), paused('q2', 'v1', soon)]);
    scheduler.sync('c', [paused('q1', 'v1', soon), paused('q2', 'v1', soon)]);
    // q1 was paused again (a new version, later); q2 was resumed by hand.
    scheduler.sync('c', [paused('q1', 'v2', soon + 150), running('q2')]);
    await advance(150);
    await advance(150);
    await advance(1000);
    assert.deepEqual(
      calls.map((c) => [c.id, c.version, c.at]),
      [['c/q1', 'v2', soon + 150]],
      'only the current pause of q1 is resumed, once; nothing for q2',
    );
  });

  it('stop() cancels every pending resume', async () => {
    scheduler.sync('c', [paused('q1', 'v1', START + 100)]);
    scheduler.stop();
    await advance(1000);
    assert.equal(calls.length, 0);
  });

  it('retries a failure that may pass, and a listing meanwhile does not add a second timer', async () => {
    const unavailable = () => Promise.reject(new PauseError('BackendUnavailable', 'cannot reach ksqlDB'));
    answers = [unavailable, unavailable];
    const resource = paused('q1', 'v1', START - 1);
    scheduler.sync('c', [resource]);
    await advance(0);
    scheduler.sync('c', [resource]); // the poller lists it again while the retry waits
    await advance(60);
    await advance(60);
    await advance(1000);
    assert.deepEqual(
      calls.map((c) => [c.note, c.at - START]),
      [
        ['overdue at agent start or first sight', 0],
        ['overdue at agent start or first sight, retried', 60],
        ['overdue at agent start or first sight, retried, retried', 120],
      ],
      'two retries, a retry interval apart, then it resumed and stopped',
    );
    const warnings = logs.filter((l) => l.msg.startsWith('auto-resume failed; retrying'));
    assert.deepEqual(
      warnings.map((w) => [w.code, w.err]),
      [
        ['BackendUnavailable', 'cannot reach ksqlDB'],
        ['BackendUnavailable', 'cannot reach ksqlDB'],
      ],
    );
    assert.deepEqual(resumed, ['c/q1']);
  });

  it('does not retry a permanent refusal: logs it as an error, and arms again only for a new pause', async () => {
    answers = [() => Promise.reject(new PauseError('Unsupported', "Cannot resume query 'CST_USERS_1' because it is linked to a source table."))];
    const resource = paused('CST_USERS_1', 'v1', START - 1);
    scheduler.sync('c', [resource]);
    await advance(0);
    await advance(300); // five retry intervals
    scheduler.sync('c', [resource]); // listed again, the same pause
    await advance(150);
    assert.equal(calls.length, 1, 'asked once');
    const refused = logs.filter((l) => l.msg === 'auto-resume refused by the backend; not retried while this pause lasts');
    assert.deepEqual(
      refused.map((r) => [r.level, r.code]),
      [[50, 'Unsupported']],
      'logged once, as an error',
    );
    assert.match(String(refused[0].err), /linked to a source table/);
    assert.equal(logs.filter((l) => l.msg.startsWith('auto-resume failed; retrying')).length, 0);
    assert.deepEqual(resumed, []);

    scheduler.sync('c', [paused('CST_USERS_1', 'v2', Date.now() - 1)]);
    await advance(0);
    assert.deepEqual(
      calls.map((c) => c.version),
      ['v1', 'v2'],
      'a new pause is scheduled like any other',
    );
  });

  it('does not retry a failure of a pause that was replaced while the resume was in flight', async () => {
    let fail!: (error: Error) => void;
    answers = [() => new Promise<ResumeOutcome>((_resolve, reject) => (fail = reject))];
    scheduler.sync('c', [paused('q1', 'v1', START - 1)]);
    await advance(0);
    scheduler.sync('c', [paused('q1', 'v2', START + 100)]);
    fail(new PauseError('BackendError', 'connection reset'));
    await advance(100);
    await advance(1000);
    assert.deepEqual(
      calls.map((c) => [c.version, c.note]),
      [
        ['v1', 'overdue at agent start or first sight'],
        ['v2', 'on time'],
      ],
      'no retry of v1; v2 keeps its own timer',
    );
  });

  it('counts only refusals that asking again cannot change as permanent', () => {
    for (const code of ['BadRequest', 'NotFound', 'Unsupported'] as const) assert.equal(isPermanentRefusal(new PauseError(code, 'x')), true, code);
    for (const code of ['BackendError', 'BackendUnavailable', 'Conflict', 'Internal'] as const) assert.equal(isPermanentRefusal(new PauseError(code, 'x')), false, code);
    assert.equal(isPermanentRefusal(new Error('socket hang up')), false);
  });
});
