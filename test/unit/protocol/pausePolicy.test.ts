import assert from 'node:assert/strict';
import { alreadyPaused, autoResumeSet, isoSeconds, newPauseDetails, pauseEnd } from '../../../protocol/pausePolicy';
import type { PauseCommand } from '../../../protocol/commands';

const NOW = new Date('2026-01-29T12:00:00.250Z');
const command = (overrides: Partial<PauseCommand> = {}): PauseCommand => ({ reason: 'deploying', pausedBy: 'user:ana', resumeAfterMs: null, resumeAt: null, force: false, scope: null, ...overrides });

describe('the pause policy every backend follows', () => {
  it('ends a pause after a duration, at a future time, or never; a time not in the future is refused by the clock that read it', () => {
    assert.equal(pauseEnd(command({ resumeAfterMs: 60_000 }), NOW, 'agent')?.toISOString(), '2026-01-29T12:01:00.250Z');
    assert.equal(pauseEnd(command({ resumeAt: new Date('2026-01-29T13:00:00Z') }), NOW, 'agent')?.toISOString(), '2026-01-29T13:00:00.000Z');
    assert.equal(pauseEnd(command(), NOW, 'agent'), null);
    assert.throws(() => pauseEnd(command({ resumeAt: new Date('2026-01-29T12:00:00Z') }), NOW, 'S3 server'), {
      code: 'BadRequest',
      message: 'resumeAt 2026-01-29T12:00:00Z is not in the future (S3 server time is 2026-01-29T12:00:00Z); give a later time',
    });
  });

  it('records who, why, since and until under the version given', () => {
    assert.deepEqual(newPauseDetails(command({ resumeAfterMs: 1000 }), NOW, 'agent', 'v1'), { pausedAt: '2026-01-29T12:00:00.250Z', pausedBy: 'user:ana', reason: 'deploying', resumeAt: '2026-01-29T12:00:01.250Z', version: 'v1' });
  });

  it('words the two refusals once, with times to the second', () => {
    assert.equal(alreadyPaused('q/a', { pausedBy: 'bob', pausedAt: NOW.toISOString(), reason: 'why' }).message, 'q/a is already paused by bob since 2026-01-29T12:00:00Z (reason: why); use --force to overwrite');
    assert.equal(alreadyPaused('q/a', null).message, 'q/a is already paused; use --force to overwrite');
    const conflict = autoResumeSet('q/a', '2026-01-29T12:05:00.000Z', NOW);
    assert.deepEqual([conflict.code, conflict.message], ['Conflict', 'q/a is set to auto-resume at 2026-01-29T12:05:00Z (in 5 minutes); use --force to resume it now']);
    assert.equal(isoSeconds('2026-01-29T12:00:00.999Z'), '2026-01-29T12:00:00Z');
  });
});
