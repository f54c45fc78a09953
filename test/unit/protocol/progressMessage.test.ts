import assert from 'node:assert/strict';
import { OPERATION_ID, ProgressMessage, ServerMessage, type ProgressMessage as Progress } from '../../../protocol/messages';
import { trackProgress } from '../../../agent/core/progress';

describe('protocol/messages: the progress of a long operation', () => {
  const message = { type: 'progress', operation: 'op-1', action: 'pause-all', done: 3, total: 10, failed: 1, finished: false };

  it('is a server message clients can read', () => {
    assert.deepEqual(ServerMessage.parse(message), message);
  });

  it('refuses counts that are not whole and non-negative, unknown actions, and a missing operation id', () => {
    for (const bad of [{ done: -1 }, { total: 2.5 }, { failed: 'one' }, { action: 'pause-everything' }, { operation: '' }, { finished: undefined }]) {
      assert.equal(ProgressMessage.safeParse({ ...message, ...bad }).success, false, JSON.stringify(bad));
    }
  });

  it('takes plain operation ids only, since every client sees them', () => {
    assert.ok(OPERATION_ID.test('3f1c2e7a-0b7d-4a55-9a3e-0d2b8f3c1a11'));
    for (const bad of ['', 'a b', 'x'.repeat(65), '<script>', 'op\n1']) assert.equal(OPERATION_ID.test(bad), false, bad);
  });
});

describe('agent/core/progress: messages of one operation', () => {
  it('says it started, reports the last item, and ends with finished, all under the caller id', () => {
    const sent: Progress[] = [];
    const progress = trackProgress((m) => sent.push(m), 'resume-group', 'cli-42');
    progress.onProgress({ done: 2, total: 2, failed: 1 });
    progress.end();
    assert.deepEqual(
      sent.map((m) => [m.operation, m.action, m.done, m.total, m.failed, m.finished]),
      [
        ['cli-42', 'resume-group', 0, 0, 0, false],
        ['cli-42', 'resume-group', 2, 2, 1, false],
        ['cli-42', 'resume-group', 2, 2, 1, true],
      ],
    );
  });

  it('makes up an id when the caller sent none or one that is not plain', () => {
    for (const given of [undefined, 'has spaces']) {
      const sent: Progress[] = [];
      trackProgress((m) => sent.push(m), 'pause-all', given).end();
      assert.ok(OPERATION_ID.test(sent[0].operation) && sent[0].operation !== given);
      assert.equal(sent[0].operation, sent[1].operation);
    }
  });
});
