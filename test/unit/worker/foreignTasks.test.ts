import assert from 'node:assert/strict';
import { ForeignTasks } from '../../../worker/foreignTasks';

const key = (shard: string, n: number) => `ready/${shard}/0029000000/${shard}0000000-0000-4000-8000-00000000000${n}`;
const OPEN_A = new Set(['a']);

describe('worker/foreignTasks', () => {
  it('skips a remembered task only while its type is not open: a type the worker gains (or that is resumed) is read again', () => {
    const foreign = new ForeignTasks();
    foreign.remember(key('1', 1), 'b');
    assert.equal(foreign.skips(key('1', 1), OPEN_A), true);
    assert.equal(foreign.skips(key('1', 1), new Set(['a', 'b'])), false);
    assert.equal(foreign.skips(key('1', 2), OPEN_A), false, 'never read: not skipped');
  });

  it('forgets a key that a complete listing no longer shows', () => {
    const foreign = new ForeignTasks();
    foreign.remember(key('1', 1), 'b');
    foreign.remember(key('2', 1), 'b');
    foreign.forgetGone([{ keys: [key('2', 1)], truncated: false }]);
    assert.equal(foreign.skips(key('1', 1), OPEN_A), false, 'gone from the index: forgotten');
    assert.equal(foreign.skips(key('2', 1), OPEN_A), true);
  });

  it('keeps keys beyond a truncated page or before a page listed from a later shard: not seen is not gone', () => {
    const foreign = new ForeignTasks();
    for (const shard of ['1', '5', '9']) foreign.remember(key(shard, 1), 'b');
    // Page one ends in shard 3 (truncated); page two is listed from shard 8 and reaches the end.
    foreign.forgetGone([
      { keys: [key('0', 1), key('3', 1)], truncated: true },
      { startAfter: 'ready/8/', keys: [key('8', 2)], truncated: false },
    ]);
    assert.equal(foreign.skips(key('1', 1), OPEN_A), false, 'shard 1 lies inside page one and is not on it');
    assert.equal(foreign.skips(key('5', 1), OPEN_A), true, 'shard 5 lies between the pages');
    assert.equal(foreign.skips(key('9', 1), OPEN_A), false, 'shard 9 lies inside page two and is not on it');
  });

  it('holds at most its capacity, dropping the oldest entry first', () => {
    const foreign = new ForeignTasks(2);
    for (const n of [1, 2, 3]) foreign.remember(key('1', n), 'b');
    assert.deepEqual([1, 2, 3].map((n) => foreign.skips(key('1', n), OPEN_A)), [false, true, true]);
  });
});
