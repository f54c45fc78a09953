import assert from 'node:assert/strict';
import { DEFAULT_CADENCE, effectiveInterest, firstListingDelay, interestOf, interestRose, nextListingDelay, type ScheduleInput } from '../../../agent/core/pollSchedule';

const NOW = 1_000_000;
const middle = () => 0.5; // no jitter: random() * 2 - 1 = 0

function input(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  return { interest: 'watched', intervalMs: null, now: NOW, fastUntil: 0, resumeTimes: [], ...overrides };
}

describe('agent/core/pollSchedule: how often a connection is listed', () => {
  it('derives the interest from the clients: watched if any watches, background if any is connected, idle if none', () => {
    assert.equal(interestOf({ connected: 3, watching: 1 }), 'watched');
    assert.equal(interestOf({ connected: 3, watching: 0 }), 'background');
    assert.equal(interestOf({ connected: 0, watching: 0 }), 'idle');
  });

  it('knows when interest rises (focus came back) and when it only falls', () => {
    assert.ok(interestRose('idle', 'background'));
    assert.ok(interestRose('background', 'watched'));
    assert.ok(!interestRose('watched', 'background'));
    assert.ok(!interestRose('watched', 'watched'));
  });

  it('lists at 1 s while watched, 10 s in the background and 60 s when idle by default', () => {
    assert.equal(nextListingDelay(input({ interest: 'watched' }), middle), 1000);
    assert.equal(nextListingDelay(input({ interest: 'background' }), middle), 10_000);
    assert.equal(nextListingDelay(input({ interest: 'idle' }), middle), 60_000);
  });

  it("uses the connection's own interval when watched, and never lists faster than it at slower levels", () => {
    assert.equal(nextListingDelay(input({ intervalMs: 300 }), middle), 300);
    assert.equal(nextListingDelay(input({ interest: 'background', intervalMs: 300 }), middle), 10_000);
    assert.equal(nextListingDelay(input({ interest: 'background', intervalMs: 20_000 }), middle), 20_000);
    assert.equal(nextListingDelay(input({ interest: 'idle', intervalMs: 120_000 }), middle), 120_000);
  });

  it('stays fast after an action through this agent until fastUntil, then falls back', () => {
    const boosted = input({ interest: 'idle', fastUntil: NOW + 1 });
    assert.equal(effectiveInterest(boosted), 'watched');
    assert.equal(nextListingDelay(boosted, middle), 1000);
    assert.equal(nextListingDelay(input({ interest: 'idle', fastUntil: NOW }), middle), 60_000);
  });

  it('lists fast around a due auto-resume and right after it fires', () => {
    const soon = NOW + 5000;
    assert.equal(effectiveInterest(input({ interest: 'idle', resumeTimes: [soon] })), 'watched');
    assert.equal(effectiveInterest(input({ interest: 'idle', resumeTimes: [NOW - 5000] })), 'watched', 'just fired: still fast');
    const far = NOW + DEFAULT_CADENCE.fastForMs + 20_000;
    assert.equal(effectiveInterest(input({ interest: 'idle', resumeTimes: [far] })), 'idle');
    // Idle would wait 60 s; the resume 50 s ahead brings the listing to one interval after it.
    assert.equal(nextListingDelay(input({ interest: 'idle', resumeTimes: [far] }), middle), far - NOW + 1000);
  });

  it('jitters each wait by at most ±20 %, covering the whole band', () => {
    for (const interest of ['watched', 'background', 'idle'] as const) {
      const base = nextListingDelay(input({ interest }), middle);
      assert.equal(nextListingDelay(input({ interest }), () => 0), base * 0.8);
      const top = nextListingDelay(input({ interest }), () => 0.999999);
      assert.ok(top < base * 1.2 && top > base * 1.199, `${top} is just under +20 % of ${base}`);
    }
  });

  it('lists a few connections at once at start, and spreads many over the interval', () => {
    assert.equal(firstListingDelay(1000, () => 0.5, 16, 16), 0);
    assert.equal(firstListingDelay(1000, () => 0, 1000, 16), 0);
    assert.equal(firstListingDelay(1000, () => 0.25, 1000, 16), 250);
    assert.equal(firstListingDelay(1000, () => 0.999, 1000, 16), 999);
  });
});
