import { strict as assert } from 'node:assert';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createStore, type QueueStore } from '../../buquet/client';
import { encodePauseState } from '../../buquet/controlObject';
import { GLOBAL_PAUSE_KEY } from '../../buquet/layout';
import { PauseControl } from '../../buquet/pauseControl';
import { PauseError } from '../../protocol/errors';
import { createQueueBucket, sandboxS3Client } from '../../sandbox/s3Server';
import { readKey } from '../support/bucket';
import { services } from '../support/sandboxFixture';
import { uniqueBucket, useAwsProfiles } from '../support/testEnv';

/**
 * A resume reads the control object, then deletes it. On a slow S3 another pause can land in
 * between; the delete must be conditional on the version read, so that newer pause survives.
 */
describe('S3 queue resume racing a newer pause (real S3 server)', function () {
  this.timeout(30_000);
  let bucket: string;
  let store: QueueStore;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('race');
    await createQueueBucket(services().s3, bucket);
    store = createStore({ endpoint: services().s3.endpoint, profile: services().s3.profile });
  });
  afterEach(() => store.s3.destroy());

  /** Makes another client force-pause the queue just before this store's next DeleteObject is sent. */
  function forcePauseBeforeDelete(reason: string): void {
    let done = false;
    store.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteObjectCommand' && !done) {
          done = true;
          await putPause(reason, false);
        }
        return next(args);
      },
      { step: 'initialize', name: 'newerPauseBeforeDelete' },
    );
  }

  async function putPause(reason: string, exclusive: boolean): Promise<void> {
    const other = sandboxS3Client(services().s3);
    try {
      const body = encodePauseState({ pausedAt: new Date(), pausedBy: 'bob', reason, resumeAt: null });
      await other.send(new PutObjectCommand({ Bucket: bucket, Key: GLOBAL_PAUSE_KEY, Body: body, IfNoneMatch: exclusive ? '*' : undefined }));
    } finally {
      other.destroy();
    }
  }

  it('a manual resume leaves a newer forced pause in place and says so', async () => {
    await putPause('first', true);
    forcePauseBeforeDelete('newer, forced');
    await assert.rejects(new PauseControl(store).resume(bucket, { force: true, scope: null, onlyIfVersion: null }), (error: unknown) => {
      assert.ok(error instanceof PauseError);
      assert.equal(error.code, 'Conflict');
      assert.match(error.message, /was paused again while this resume ran, so that newer pause was left in place/);
      return true;
    });
    assert.equal(JSON.parse((await readKey(bucket, GLOBAL_PAUSE_KEY)) ?? '{}').reason, 'newer, forced');
  });

  it('a scheduled resume of the version it read reports nothing resumed and leaves the newer pause', async () => {
    await putPause('timed', true);
    const control = new PauseControl(store);
    const read = await control.read(bucket, null);
    forcePauseBeforeDelete('newer, forced');
    const outcome = await control.resume(bucket, { force: true, scope: null, onlyIfVersion: read?.version ?? null });
    assert.equal(outcome.resumed, false);
    assert.equal(JSON.parse((await readKey(bucket, GLOBAL_PAUSE_KEY)) ?? '{}').reason, 'newer, forced');
  });

  it('without a race, resume still deletes the pause it read', async () => {
    await putPause('only', true);
    const outcome = await new PauseControl(store).resume(bucket, { force: true, scope: null, onlyIfVersion: null });
    assert.equal(outcome.resumed, true);
    assert.equal(outcome.previous?.reason, 'only');
    assert.equal(await readKey(bucket, GLOBAL_PAUSE_KEY), null);
  });
});
