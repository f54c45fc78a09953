import assert from 'node:assert/strict';
import { autoResumeMoment, parseUntil } from '../../../extension/commands/pauseTime';

describe('extension/commands/pauseTime', () => {
  // Local 10:00 on a fixed day, whatever the machine's time zone.
  const now = new Date(2026, 0, 29, 10, 0, 0);
  const local = (day: number, hours: number, minutes: number) => new Date(2026, 0, day, hours, minutes, 0).getTime();

  it('reads HH:MM as today, and "tomorrow" either side', () => {
    assert.equal(parseUntil('18:30', now).getTime(), local(29, 18, 30));
    assert.equal(parseUntil('18:30 today', now).getTime(), local(29, 18, 30));
    assert.equal(parseUntil('06:00 tomorrow', now).getTime(), local(30, 6, 0));
    assert.equal(parseUntil('tomorrow 6:00', now).getTime(), local(30, 6, 0));
  });

  it('reads RFC 3339 times with an offset', () => {
    assert.equal(parseUntil('2030-01-29T06:00:00Z', now).toISOString(), '2030-01-29T06:00:00.000Z');
    assert.equal(parseUntil('2030-01-29T08:00:00+02:00', now).toISOString(), '2030-01-29T06:00:00.000Z');
  });

  it('refuses the past, with a hint for clock times', () => {
    assert.throws(() => parseUntil('09:15', now), /09:15 today has passed; write "09:15 tomorrow"/);
    assert.throws(() => parseUntil('2020-01-01T00:00:00Z', now), /already passed/);
  });

  it('refuses what it cannot read rather than guessing', () => {
    for (const text of ['25:00', 'noon', '18:30 yesterday', '2030-01-29 06:00', '2030-01-29T06:00:00', 'today 18:30 tomorrow', '']) {
      assert.throws(() => parseUntil(text, now), Error, text);
    }
  });

  it('works out when a request would resume, for the data-loss check', () => {
    assert.equal(autoResumeMoment({ resumeAfter: '30m' }, now)?.getTime(), now.getTime() + 30 * 60_000);
    assert.equal(autoResumeMoment({ resumeAt: '2030-01-29T06:00:00.000Z' }, now)?.toISOString(), '2030-01-29T06:00:00.000Z');
    assert.equal(autoResumeMoment({}, now), null);
  });
});
