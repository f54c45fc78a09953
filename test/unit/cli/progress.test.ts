import assert from 'node:assert/strict';
import { progressOnStderr } from '../../../cli/progress';

describe('cli/progress: a bulk operation on stderr', () => {
  it('writes the first count and a line each tenth when stderr is not a terminal, never one per item', () => {
    const lines: string[] = [];
    const progress = progressOnStderr({ err: (text) => lines.push(text) }, 'Pausing all of ksql');
    progress.onProgress!({ done: 0, total: 0, failed: 0 });
    for (let done = 1; done <= 200; done++) progress.onProgress!({ done, total: 200, failed: done >= 150 ? 1 : 0 });
    progress.end();
    assert.equal(lines.length, 11, 'the first count, then each tenth');
    assert.deepEqual(lines.slice(0, 2), ['Pausing all of ksql: 1 of 200 done', 'Pausing all of ksql: 20 of 200 done']);
    assert.equal(lines.at(-1), 'Pausing all of ksql: 200 of 200 done, 1 failed');
  });

  it('on a terminal updates one line with every count and closes it at the end', () => {
    const drawn: Array<string | null> = [];
    const progress = progressOnStderr({ err: () => assert.fail('no whole lines on a terminal'), line: (text) => drawn.push(text) }, 'Resuming all');
    progress.onProgress!({ done: 1, total: 3, failed: 0 });
    progress.onProgress!({ done: 3, total: 3, failed: 0 });
    progress.end();
    assert.deepEqual(drawn, ['Resuming all: 1 of 3 done', 'Resuming all: 3 of 3 done', null]);
  });

  it('leaves the terminal alone when nothing was counted', () => {
    const drawn: Array<string | null> = [];
    progressOnStderr({ err: () => undefined, line: (text) => drawn.push(text) }, 'Pausing').end();
    assert.deepEqual(drawn, []);
  });
});
