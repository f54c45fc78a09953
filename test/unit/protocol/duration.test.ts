import { strict as assert } from 'node:assert';
import { PauseRequest } from '../../../protocol/requests';
import { checkResumeAtHorizon, describeFromNow, MAX_AHEAD_MS, parseDuration, shortDuration } from '../../../protocol/duration';

describe('durations', () => {
  it('reads the seed forms', () => {
    assert.equal(parseDuration('30m'), 30 * 60_000);
    assert.equal(parseDuration('2h'), 2 * 3_600_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration(' 1.5h '), 5_400_000);
  });

  it('reads Go-style durations, parts run together', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2h45m30s'), (2 * 3600 + 45 * 60 + 30) * 1000);
    assert.equal(parseDuration('1d12h'), 36 * 3_600_000);
    assert.equal(parseDuration('1m500ms'), 60_500);
  });

  it('refuses anything it would have to guess', () => {
    for (const text of ['30', 'm', '3x', '-5m', '1h 30m', '1h30', '', 'soon', '5 minutes']) {
      assert.throws(() => parseDuration(text), /cannot read duration/, text);
    }
    assert.throws(() => parseDuration('0m'), /must be longer than zero/);
  });

  it('refuses durations past the horizon, naming the limit', () => {
    assert.equal(parseDuration('365d'), MAX_AHEAD_MS);
    for (const text of ['366d', '10000000d', '99999999999999999999d', `1${'0'.repeat(400)}d`]) {
      assert.throws(() => parseDuration(text), /longer than 365 days/, text.slice(0, 30));
    }
  });

  it('refuses a resume time past the horizon, and leaves the past to the backend', () => {
    const now = new Date('2026-01-28T12:00:00Z');
    assert.equal(checkResumeAtHorizon(new Date(now.getTime() + MAX_AHEAD_MS), now), null);
    assert.equal(checkResumeAtHorizon(new Date('2020-01-01T00:00:00Z'), now), null);
    assert.match(checkResumeAtHorizon(new Date('9999-12-31T23:59:59Z'), now) ?? '', /^resumeAt 9999-12-31T23:59:59.000Z is more than 365 days ahead/);
  });

  it('refuses an unreadable resume time by its format alone, without throwing', () => {
    const parsed = PauseRequest.safeParse({ resumeAt: 'tomorrow' });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues.map((i) => i.message), ['resumeAt must be an RFC 3339 time, e.g. 2026-01-29T06:00:00Z']);
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
