import { strict as assert } from 'node:assert';
import { newTask, retryDelayMs, DEFAULT_RETRY_POLICY, type TaskRecord } from '../../../buquet/task';
import { claim, complete, holdsLease, recoverExpiredLease, retryOrFail } from '../../../buquet/transitions';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

function running(overrides: Partial<TaskRecord> = {}): TaskRecord {
  const claimed = claim({ ...newTask('echo', {}, NOW), ...overrides }, NOW, 'w1');
  assert.ok(claimed);
  return claimed;
}

describe('buquet task transitions', () => {
  it('claims a due pending task: running, leased for its timeout, attempt counted', () => {
    const task = running({ timeout_seconds: 60 });
    assert.deepEqual([task.status, task.worker_id, task.attempt, task.lease_expires_at], ['running', 'w1', 1, '2026-11-23T12:01:00.000Z']);
    assert.match(task.lease_id ?? '', /^[0-9a-f-]{36}$/);
  });

  it('does not claim what is not pending, not yet due, or expired', () => {
    assert.equal(claim(running(), NOW, 'w2'), null);
    assert.equal(claim(newTask('echo', {}, NOW, { availableAt: later(1000) }), NOW, 'w1'), null);
    assert.equal(claim({ ...newTask('echo', {}, NOW), expires_at: NOW.toISOString() }, NOW, 'w1'), null);
  });

  it('lets only the current lease holder finish, and completing clears the lease', () => {
    const task = running();
    assert.equal(holdsLease(task, task.lease_id), true);
    assert.equal(holdsLease(task, 'someone-else'), false);
    const done = complete(task, later(500), { ok: 1 });
    assert.deepEqual([done.status, done.output, done.completed_at, done.lease_id, done.worker_id], ['completed', { ok: 1 }, '2026-11-23T12:00:00.500Z', null, null]);
    assert.equal(holdsLease(done, task.lease_id), false);
  });

  it('retries with buquet\'s backoff while retries remain, then fails', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, jitter_percent: 0 };
    const first = retryOrFail(running({ max_retries: 2, retry_policy: policy }), NOW, 'RetryableError: busy', true);
    assert.deepEqual([first.status, first.retry_count, first.available_at, first.last_error, first.lease_id], ['pending', 1, '2026-11-23T12:00:01.000Z', 'RetryableError: busy', null]);
    const second = retryOrFail({ ...running({ max_retries: 2, retry_policy: policy }), retry_count: 1 }, NOW, 'again', true);
    assert.equal(second.available_at, '2026-11-23T12:00:02.000Z');
    const exhausted = retryOrFail({ ...running({ max_retries: 2 }), retry_count: 2 }, NOW, 'again', true);
    assert.deepEqual([exhausted.status, exhausted.completed_at], ['failed', NOW.toISOString()]);
    assert.equal(retryOrFail(running(), NOW, 'PermanentError: no', false).status, 'failed');
  });

  it('computes the delay as buquet does: exponential, capped, within the jitter band', () => {
    const policy = { initial_interval_ms: 1000, max_interval_ms: 5000, multiplier: 2, jitter_percent: 0.25 };
    assert.deepEqual([0, 1, 2, 3].map((n) => retryDelayMs({ ...policy, jitter_percent: 0 }, n)), [1000, 2000, 4000, 5000]);
    assert.equal(retryDelayMs(policy, 0, () => 0), 750);
    assert.equal(retryDelayMs(policy, 0, () => 1), 1250);
  });

  it('requeues a running task only once its lease has expired', () => {
    const task = running({ timeout_seconds: 10 });
    assert.equal(recoverExpiredLease(task, later(10_000)), null);
    const recovered = recoverExpiredLease(task, later(10_001));
    assert.deepEqual([recovered?.status, recovered?.retry_count, recovered?.last_error], ['pending', 1, 'Timeout - task exceeded lease duration']);
    assert.equal(recoverExpiredLease(complete(task, NOW, null), later(60_000)), null);
  });
});
