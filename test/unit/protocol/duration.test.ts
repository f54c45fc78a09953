import { strict as assert } from 'node:assert';
import { describeFromNow, parseDuration, shortDuration } from '../../../protocol/duration';

describe('durations', () => {
  it('reads the seed forms', () => {
    assert.equal(parseDuration('30m'), 30 * 60_000);
    assert.equal(parseDuration('2h'), 2 * 3_600_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration(' 1.5h '), 5_400_000);
  });

  it('refuses anything it would have to guess', () => {
    for (const text of ['30', 'm', '3x', '-5m', '1h30m', '', 'soon', '5 minutes']) {
      assert.throws(() => parseDuration(text), /cannot read duration/, text);
    }
    assert.throws(() => parseDuration('0m'), /must be longer than zero/);
  });

  it('says when an auto-resume is due, as the seed words it', () => {
    const now = new Date('2026-01-28T12:00:00Z');
    assert.equal(describeFromNow(new Date('2026-01-28T12:25:00Z'), now), 'in 25 minutes');
    assert.equal(describeFromNow(new Date('2026-01-28T12:01:00Z'), now), 'in 1 minute');
    assert.equal(describeFromNow(new Date('2026-01-28T14:00:00Z'), now), 'in 2 hours');
    assert.equal(describeFromNow(new Date('2026-01-28T11:00:00Z'), now), 'due now');
    assert.equal(shortDuration(25 * 60_000), '25m');
    assert.equal(shortDuration(125 * 60_000), '2h 5m');
    assert.equal(shortDuration(40_000), '40s');
  });
});
