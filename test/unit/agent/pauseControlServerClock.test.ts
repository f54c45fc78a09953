import { strict as assert } from 'node:assert';
import { encodePauseState } from '../../../buquet/controlObject';
import { GLOBAL_PAUSE_KEY } from '../../../buquet/layout';
import { PauseControl } from '../../../buquet/pauseControl';
import { FakeS3 } from '../worker/fakeS3';

const MINUTE = 60_000;

/**
 * The agent's scheduled resume of an S3 queue (seed 003: auto-resume when resume_at passes on the
 * server clock). Its timer runs on this host's clock, so the delete itself checks the server's.
 */
describe("buquet/pauseControl: a scheduled resume goes by the server's clock", () => {
  for (const [label, skewMs] of [
    ['10 min behind', -10 * MINUTE],
    ['10 min ahead of', 10 * MINUTE],
  ] as const) {
    it(`server clock ${label} this host's: nothing is deleted before resume_at there, and the wait is told`, async () => {
      const fake = new FakeS3(skewMs);
      const body = encodePauseState({ pausedAt: new Date(fake.serverMs), pausedBy: 'user:alice', reason: 'deploy', resumeAt: new Date(fake.serverMs + 30_000) });
      const etag = fake.put(GLOBAL_PAUSE_KEY, body);
      const control = new PauseControl(fake.store);

      fake.tick(10_000);
      const early = await control.resume('q', { force: true, scope: null, onlyIfVersion: etag });
      assert.deepEqual([early.resumed, early.notYetMs], [false, 20_000]);
      assert.equal(fake.sent('DeleteObject').length, 0, 'nothing deleted early');
      assert.ok(fake.objects.has(GLOBAL_PAUSE_KEY));

      fake.tick(20_000);
      const due = await control.resume('q', { force: true, scope: null, onlyIfVersion: etag });
      assert.deepEqual([due.resumed, due.notYetMs], [true, undefined]);
      assert.deepEqual(fake.sent('DeleteObject').map((r) => r.ifMatch), [etag], 'deleted once, only the pause it was scheduled for');
      assert.ok(!fake.objects.has(GLOBAL_PAUSE_KEY));
    });
  }

  it('a resume by hand (no scheduled version) is not held back by resume_at', async () => {
    const fake = new FakeS3();
    fake.put(GLOBAL_PAUSE_KEY, encodePauseState({ pausedAt: new Date(fake.serverMs), pausedBy: 'user:alice', reason: null, resumeAt: new Date(fake.serverMs + MINUTE) }));
    const outcome = await new PauseControl(fake.store).resume('q', { force: true, scope: null, onlyIfVersion: null });
    assert.equal(outcome.resumed, true);
    assert.ok(!fake.objects.has(GLOBAL_PAUSE_KEY));
  });
});
