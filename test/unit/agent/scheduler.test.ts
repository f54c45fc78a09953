import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ResumeScheduler } from '../../../agent/core/scheduler';
import type { ResumeOutcome } from '../../../protocol/commands';
import { isPermanentRefusal, PauseError } from '../../../protocol/errors';
import { blankResource, type Resource, type Scope } from '../../../protocol/resource';
import { setTimeout as sleep } from 'node:timers/promises';

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

describe('agent/core/scheduler: auto-resume timers', () => {
  let calls: Call[];
  let logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
  let resumed: string[];
  /** What the next autoResume calls do, in order; when empty they resume. */
  let answers: Array<() => Promise<ResumeOutcome>>;
  let scheduler: ResumeScheduler;

  beforeEach(() => {
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

  afterEach(() => scheduler.stop());

  /** Waits until `count` calls were made, or fails after `timeoutMs`. */
  async function callsReach(count: number, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (calls.length < count) {
      if (Date.now() > deadline) assert.fail(`expected ${count} auto-resume calls, saw ${calls.length}`);
      await sleep(5);
    }
  }

  it("waits for the backend's clock when it says the resume came early, then asks again", async () => {
    const resumeAt = Date.now() + 50;
    answers.push(() => Promise.resolve({ resumed: false, previous: null, notYetMs: 200 }));
    scheduler.sync('c', [paused('q1', 'v1', resumeAt)]);
    await callsReach(1);
    await sleep(120);
    assert.equal(calls.length, 1, 'not asked again before the backend said');
    await callsReach(2);
    assert.ok(calls[1].at - calls[0].at >= 200, `asked again after ${calls[1].at - calls[0].at} ms`);
    assert.equal(calls[1].version, 'v1');
    assert.ok(logs.some((l) => /early by the backend's clock/.test(l.msg)));
    await sleep(20);
    assert.deepEqual(resumed, ['c/q1'], 'listed again only once it resumed');
  });

  it('resumes on time, not before, with the version it was scheduled for', async () => {
    const resumeAt = Date.now() + 250;
    scheduler.sync('c', [paused('q1', 'v1', resumeAt)]);
    await sleep(150);
    assert.equal(calls.length, 0, 'nothing before the resume time');
    await callsReach(1);
    assert.ok(calls[0].at >= resumeAt, `fired ${resumeAt - calls[0].at} ms early`);
    assert.ok(calls[0].at - resumeAt < 200, `fired ${calls[0].at - resumeAt} ms late`);
    assert.deepEqual([calls[0].id, calls[0].scope, calls[0].version, calls[0].note], ['c/q1', null, 'v1', 'on time']);
    await sleep(20);
    assert.deepEqual(resumed, ['c/q1'], 'the resource is listed again after its resume');
    assert.ok(logs.some((l) => l.msg === 'auto-resume scheduled' && l.resource === 'c/q1'));
    assert.ok(logs.some((l) => l.msg === 'auto-resumed' && l.resource === 'c/q1'));
  });

  it('runs an overdue resume at once and says how late it is', async () => {
    const start = Date.now();
    scheduler.sync('c', [paused('q1', 'v1', start - 60_000)]);
    await callsReach(1, 200);
    assert.ok(calls[0].at - start < 100, 'at once');
    assert.equal(calls[0].note, 'overdue at agent start or first sight');
    const overdue = logs.find((l) => l.msg === 'auto-resume overdue: resuming now');
    assert.ok(overdue && Number(overdue.overdueMs) >= 60_000, 'the log says it was overdue');
  });

  it('arms one timer per pause however often it is listed, and follows a changed or removed pause', async () => {
    const soon = Date.now() + 150;
    scheduler.sync('c', [paused('q1', 'v1', soon), paused('q2', 'v1', soon)]);
    scheduler.sync('c', [paused('q1', 'v1', soon), paused('q2', 'v1', soon)]);
    // q1 was paused again (a new version, later); q2 was resumed by hand.
    scheduler.sync('c', [paused('q1', 'v2', soon + 150), running('q2')]);
    await sleep(450);
    assert.deepEqual(
      calls.map((c) => [c.id, c.version]),
      [['c/q1', 'v2']],
      'only the current pause of q1 is resumed, once; nothing for q2',
    );
  });

  it('stop() cancels every pending resume', async () => {
    scheduler.sync('c', [paused('q1', 'v1', Date.now() + 100)]);
    scheduler.stop();
    await sleep(250);
    assert.equal(calls.length, 0);
  });

  it('retries a failure that may pass, and a listing meanwhile does not add a second timer', async () => {
    const unavailable = () => Promise.reject(new PauseError('BackendUnavailable', 'cannot reach ksqlDB'));
    answers = [unavailable, unavailable];
    const resource = paused('q1', 'v1', Date.now() - 1);
    scheduler.sync('c', [resource]);
    await callsReach(1, 200);
    scheduler.sync('c', [resource]); // the poller lists it again while the retry waits
    await callsReach(3, 1000);
    await sleep(150);
    assert.deepEqual(
      calls.map((c) => c.note),
      ['overdue at agent start or first sight', 'overdue at agent start or first sight, retried', 'overdue at agent start or first sight, retried, retried'],
      'two retries, then it resumed and stopped',
    );
    const warnings = logs.filter((l) => l.msg.startsWith('auto-resume failed; retrying'));
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0].code, 'BackendUnavailable');
    assert.equal(warnings[0].err, 'cannot reach ksqlDB');
    assert.deepEqual(resumed, ['c/q1']);
  });

  it('does not retry a permanent refusal: logs it as an error, and arms again only for a new pause', async () => {
    answers = [() => Promise.reject(new PauseError('Unsupported', "Cannot resume query 'CST_USERS_1' because it is linked to a source table."))];
    const resource = paused('CST_USERS_1', 'v1', Date.now() - 1);
    scheduler.sync('c', [resource]);
    await callsReach(1, 200);
    await sleep(300); // five retry intervals
    scheduler.sync('c', [resource]); // listed again, the same pause
    await sleep(150);
    assert.equal(calls.length, 1, 'asked once');
    const refused = logs.filter((l) => l.msg === 'auto-resume refused by the backend; not retried while this pause lasts');
    assert.equal(refused.length, 1);
    assert.equal(refused[0].level, 50, 'logged as an error');
    assert.equal(refused[0].code, 'Unsupported');
    assert.match(String(refused[0].err), /linked to a source table/);
    assert.equal(logs.filter((l) => l.msg.startsWith('auto-resume failed; retrying')).length, 0);
    assert.deepEqual(resumed, []);

    scheduler.sync('c', [paused('CST_USERS_1', 'v2', Date.now() - 1)]);
    await callsReach(2, 200);
    assert.equal(calls[1].version, 'v2', 'a new pause is scheduled like any other');
  });

  it('does not retry a failure of a pause that was replaced while the resume was in flight', async () => {
    let fail!: (error: Error) => void;
    answers = [() => new Promise<ResumeOutcome>((_resolve, reject) => (fail = reject))];
    scheduler.sync('c', [paused('q1', 'v1', Date.now() - 1)]);
    await callsReach(1, 200);
    scheduler.sync('c', [paused('q1', 'v2', Date.now() + 100)]);
    fail(new PauseError('BackendError', 'connection reset'));
    await callsReach(2, 1000);
    await sleep(200);
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
