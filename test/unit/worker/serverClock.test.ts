import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { createStore, isNotModified, type QueueStore } from '../../../buquet/client';
import { setTimeout as sleep } from 'node:timers/promises';

const MINUTE = 60_000;

/**
 * The server clock of a real store (buquet/client.ts): the Date header of whatever S3 last
 * answered, carried forward. Responses come from a stand-in request handler, so the header can
 * be minutes away from this host's clock.
 */
describe('server time from S3 Date headers', () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  let store: QueueStore;
  let answer: { status: number; date: Date };

  before(() => {
    // Requests are still signed on their way to the stand-in handler.
    process.env.AWS_ACCESS_KEY_ID = 'unit';
    process.env.AWS_SECRET_ACCESS_KEY = 'unit';
  });
  after(() => {
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  beforeEach(() => {
    store = createStore({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' });
    (store.s3.config as unknown as { requestHandler: unknown }).requestHandler = {
      handle: async () => ({ response: { statusCode: answer.status, headers: { date: answer.date.toUTCString() }, body: Readable.from([]) } }),
    };
  });
  afterEach(() => store.s3.destroy());

  /** How far serverNow() is from `date`, the header's second. */
  const offsetFrom = (date: Date) => (store.serverNow()?.getTime() ?? NaN) - date.getTime();

  for (const skewMs of [-10 * MINUTE, 10 * MINUTE]) {
    it(`follows a server ${Math.abs(skewMs) / MINUTE} min ${skewMs < 0 ? 'behind' : 'ahead of'} this host, not this host's clock`, async () => {
      assert.equal(store.serverNow(), null, 'no answer yet: no server time');
      answer = { status: 200, date: new Date(Math.floor((Date.now() + skewMs) / 1000) * 1000) };
      await store.s3.send(new HeadBucketCommand({ Bucket: 'q' }));
      const offset = offsetFrom(answer.date);
      assert.ok(offset >= 500 && offset < 1000, `the middle of the header's second, carried forward: ${offset} ms`);
    });
  }

  it('is not moved by a step of this host\'s wall clock, and advances with elapsed time', async () => {
    answer = { status: 200, date: new Date(Math.floor((Date.now() - 10 * MINUTE) / 1000) * 1000) };
    await store.s3.send(new HeadBucketCommand({ Bucket: 'q' }));
    const before = offsetFrom(answer.date);
    const realNow = Date.now;
    Date.now = () => realNow() + 60 * MINUTE; // NTP or a resumed VM steps the clock forward
    try {
      assert.ok(Math.abs(offsetFrom(answer.date) - before) < 200, `server time moved by ${offsetFrom(answer.date) - before} ms`);
    } finally {
      Date.now = realNow;
    }
    await sleep(120);
    const advanced = offsetFrom(answer.date) - before;
    assert.ok(advanced >= 100 && advanced < 1000, `advanced ${advanced} ms over 120 ms`);
  });

  it('is refreshed by every answer, a 304 to a conditional GET included (all a paused worker receives)', async () => {
    answer = { status: 200, date: new Date('2026-11-23T12:00:00Z') };
    await store.s3.send(new HeadBucketCommand({ Bucket: 'q' }));
    answer = { status: 304, date: new Date('2026-11-23T12:07:00Z') };
    await assert.rejects(store.s3.send(new GetObjectCommand({ Bucket: 'q', Key: 'control/paused.json', IfNoneMatch: '"e"' })), isNotModified);
    const offset = offsetFrom(answer.date);
    assert.ok(offset >= 500 && offset < 1000, `${offset} ms from the 304's Date header`);
  });
});
