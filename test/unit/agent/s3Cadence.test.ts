import { strict as assert } from 'node:assert';
import { isDue } from '../../../agent/backends/s3queue/cadence';

describe('S3 queue listing cadence: which facts a listing reads again', () => {
  const now = 1_000_000;

  it('reads everything on a refresh, however fresh', () => {
    assert.equal(isDue('slowFacts', now, { reason: 'refresh', interest: 'idle' }, now), true);
    assert.equal(isDue('scopedPauses', now, { reason: 'refresh', interest: 'background' }, now), true);
  });

  it('watched: scoped pauses on every poll, workers and backlog once 5 s old', () => {
    const watched = { reason: 'poll', interest: 'watched' } as const;
    assert.equal(isDue('scopedPauses', now, watched, now), true);
    assert.equal(isDue('slowFacts', now - 4_999, watched, now), false);
    assert.equal(isDue('slowFacts', now - 5_000, watched, now), true);
  });

  it('unwatched (background or idle): both once a minute, and anything never read at once', () => {
    for (const interest of ['background', 'idle'] as const) {
      const poll = { reason: 'poll', interest } as const;
      assert.equal(isDue('scopedPauses', now - 59_999, poll, now), false, interest);
      assert.equal(isDue('slowFacts', now - 59_999, poll, now), false, interest);
      assert.equal(isDue('slowFacts', now - 60_000, poll, now), true, interest);
      assert.equal(isDue('slowFacts', Number.NEGATIVE_INFINITY, poll, now), true, interest);
    }
  });
});
