import { strict as assert } from 'node:assert';
import { encodePauseState } from '../../../buquet/controlObject';
import { GLOBAL_PAUSE_KEY, SCOPED_PAUSE_PREFIX } from '../../../buquet/layout';
import type { Scope } from '../../../protocol/resource';
import { PauseGate, permitFor } from '../../../worker/pauseGate';
import { FakeS3 } from './fakeS3';

const MINUTE = 60_000;
const TTL_MS = 5000;
const SHARDS = ['0', '1', '2', '3'];
const TYPES = ['send_email'];

function gateOn(fake: FakeS3, options: { ttlMs?: number; concerns?: (scope: Scope) => boolean } = {}) {
  const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const keep = (fields: object, message: string) => void lines.push({ message, fields: fields as Record<string, unknown> });
  const gate = new PauseGate(fake.store, 'q', {
    ttlMs: options.ttlMs ?? TTL_MS,
    log: { info: keep, warn: keep },
    concerns: options.concerns ?? (() => true),
    monotonicNow: () => fake.monotonicMs,
  });
  const said = (message: string) => lines.filter((l) => l.message === message);
  /** What the worker would do with this check: claim (true) or wait (false). */
  const mayClaim = async () => permitFor(await gate.current(), SHARDS, TYPES) !== null;
  return { gate, lines, said, mayClaim };
}

/** A control object as the CLI writes it, its times on the fake server's clock. */
function pauseBody(fake: FakeS3, options: { resumeInMs?: number | null; reason?: string } = {}): string {
  const resumeAt = options.resumeInMs === undefined || options.resumeInMs === null ? null : new Date(fake.serverMs + options.resumeInMs);
  return encodePauseState({ pausedAt: new Date(fake.serverMs), pausedBy: 'user:alice', reason: options.reason ?? 'maintenance', resumeAt });
}

describe('worker pause gate: auto-resume by the server clock (fake S3 whose clock is not this host\'s)', () => {
  for (const [label, skewMs] of [
    ['10 min behind', -10 * MINUTE],
    ['10 min ahead of', 10 * MINUTE],
  ] as const) {
    describe(`server clock ${label} this host's`, () => {
      it('waits until resume_at has passed on the server clock, to the millisecond, then removes the pause by If-Match with the ETag it read', async () => {
        const fake = new FakeS3(skewMs);
        const body = pauseBody(fake, { resumeInMs: 30_000 });
        const etag = fake.put(GLOBAL_PAUSE_KEY, body);
        const resumeAt = Date.parse(JSON.parse(body).resume_at);
        // The two clocks disagree: behind, resume_at is long past here; ahead, it is 10 minutes off here.
        assert.equal(resumeAt < Date.now(), skewMs < 0);
        const { gate, said, mayClaim } = gateOn(fake, { ttlMs: 0 });

        assert.equal(await mayClaim(), false);
        fake.tick(29_999);
        assert.equal(await mayClaim(), false, 'one millisecond before resume_at by the server clock');
        assert.deepEqual(fake.sent('DeleteObject'), [], 'nothing removed before resume_at');
        assert.equal(fake.etag(GLOBAL_PAUSE_KEY), etag);

        fake.tick(1);
        assert.equal(await mayClaim(), true, 'resume_at reached by the server clock: the pause is over');
        assert.deepEqual(fake.sent('DeleteObject'), [{ command: 'DeleteObject', key: GLOBAL_PAUSE_KEY, ifMatch: etag, ifNoneMatch: undefined, status: 204 }]);
        assert.equal(fake.objects.has(GLOBAL_PAUSE_KEY), false);
        assert.deepEqual(
          said('Auto-resume time reached for queue').map((l) => l.fields),
          [{ resumeAt: new Date(resumeAt).toISOString(), removed: true }],
        );
        assert.equal(said('Queue resumed').length, 1);
        assert.equal((await gate.current()).global, null);
        assert.equal(fake.sent('DeleteObject').length, 1, 'removed once');
      });

      it('removes a pause found already overdue by the server clock at the first check', async () => {
        const fake = new FakeS3(skewMs);
        const etag = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: -1000 }));
        const { mayClaim } = gateOn(fake);
        assert.equal(await mayClaim(), true);
        assert.deepEqual(fake.sent('DeleteObject').map((r) => [r.ifMatch, r.status]), [[etag, 204]]);
      });

      it('does the same for a scoped pause, removing only that control object', async () => {
        const fake = new FakeS3(skewMs);
        const shardKey = `${SCOPED_PAUSE_PREFIX}shard/3`;
        const etag = fake.put(shardKey, pauseBody(fake, { resumeInMs: 10_000 }));
        fake.put(`${SCOPED_PAUSE_PREFIX}send_email`, pauseBody(fake, { reason: 'manual, no resume_at' }));
        const { gate } = gateOn(fake, { ttlMs: 0 });
        const scopes = async () => (await gate.current()).scoped.map((s) => `${s.scope.type}:${s.scope.value}`).sort();

        assert.deepEqual(await scopes(), ['shard:3', 'task-type:send_email']);
        fake.tick(9_999);
        assert.deepEqual(await scopes(), ['shard:3', 'task-type:send_email']);
        fake.tick(1);
        assert.deepEqual(await scopes(), ['task-type:send_email']);
        assert.deepEqual(fake.sent('DeleteObject').map((r) => [r.key, r.ifMatch, r.status]), [[shardKey, etag, 204]]);
        assert.ok(fake.objects.has(`${SCOPED_PAUSE_PREFIX}send_email`));
      });
    });
  }
});

describe('worker pause gate: a due pause is removed once, and never a newer one', () => {
  it('of two workers, the first to see it removes it; the second removes nothing and runs again', async () => {
    const fake = new FakeS3(-10 * MINUTE);
    fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: 5000 }));
    const first = gateOn(fake);
    const second = gateOn(fake);
    assert.equal(await first.mayClaim(), false);
    assert.equal(await second.mayClaim(), false);
    fake.tick(TTL_MS);
    assert.equal(await first.mayClaim(), true);
    assert.equal(await second.mayClaim(), true);
    assert.equal(fake.sent('DeleteObject').length, 1);
    assert.deepEqual(second.said('Auto-resume time reached for queue'), [], 'the second worker found it gone');
  });

  it('when another worker removes it first, between its read and its delete, it removes nothing and re-reads at once', async () => {
    const fake = new FakeS3(10 * MINUTE);
    const etag = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: 5000 }));
    const { gate, said, mayClaim } = gateOn(fake);
    assert.equal(await mayClaim(), false);
    fake.tick(TTL_MS);
    fake.beforeRequest = (command) => {
      if (command === 'DeleteObject') fake.objects.delete(GLOBAL_PAUSE_KEY);
    };
    assert.equal(await mayClaim(), false, 'not removed by this worker: it waits for the next read to say why');
    assert.deepEqual(fake.sent('DeleteObject').map((r) => [r.ifMatch, r.status]), [[etag, 404]]);
    assert.deepEqual(said('Auto-resume time reached for queue').map((l) => l.fields.removed), [false]);
    fake.beforeRequest = null;
    const gets = fake.sent('GetObject').length;
    assert.equal(await mayClaim(), true, 'read again without waiting for the TTL');
    assert.equal(fake.sent('GetObject').length, gets + 1);
    assert.equal((await gate.current()).global, null);
  });

  it('a newer pause written just before its delete survives: If-Match gets 412, and the worker stays paused under the new pause', async () => {
    const fake = new FakeS3(-10 * MINUTE);
    const timed = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: 5000, reason: 'timed' }));
    const { gate, said, mayClaim } = gateOn(fake);
    assert.equal(await mayClaim(), false);
    fake.tick(TTL_MS);
    let newer = '';
    fake.beforeRequest = (command) => {
      if (command === 'DeleteObject' && !newer) newer = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { reason: 'newer, manual' }));
    };
    assert.equal(await mayClaim(), false);
    assert.deepEqual(fake.sent('DeleteObject').map((r) => [r.ifMatch, r.status]), [[timed, 412]]);
    assert.equal(fake.etag(GLOBAL_PAUSE_KEY), newer);

    const view = await gate.current(); // read again at once, not a TTL later
    assert.equal(view.global?.pause?.reason, 'newer, manual');
    assert.equal(view.global?.pause?.version, newer);
    assert.deepEqual(said('Queue paused, waiting...').map((l) => l.fields.reason), ['timed', 'newer, manual']);
    for (let i = 0; i < 12; i++) {
      fake.tick(MINUTE);
      assert.equal(await mayClaim(), false);
    }
    assert.equal(fake.sent('DeleteObject').length, 1, 'the newer pause is never removed');
    assert.equal(fake.etag(GLOBAL_PAUSE_KEY), newer);
  });

  it('a newer pause written after its read but before its own re-check is not even tried: no delete is sent', async () => {
    const fake = new FakeS3(10 * MINUTE);
    fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: 5000, reason: 'timed' }));
    const { gate, mayClaim } = gateOn(fake, { ttlMs: 0 });
    assert.equal(await mayClaim(), false);
    fake.tick(5000);
    let gets = 0;
    let newer = '';
    fake.beforeRequest = (command) => {
      // The gate's read sees the due pause; the re-check before deleting sees its replacement.
      if (command === 'GetObject' && ++gets === 2) newer = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { resumeInMs: 20 * MINUTE, reason: 'timed again' }));
    };
    assert.equal(await mayClaim(), false);
    fake.beforeRequest = null;
    assert.deepEqual(fake.sent('DeleteObject'), []);
    assert.equal((await gate.current()).global?.pause?.version, newer);
    fake.tick(20 * MINUTE - 1);
    assert.equal(await mayClaim(), false, 'the newer pause keeps its own resume_at');
    fake.tick(1);
    assert.equal(await mayClaim(), true);
    assert.deepEqual(fake.sent('DeleteObject').map((r) => [r.ifMatch, r.status]), [[newer, 204]]);
  });
});

describe('worker pause gate: cached pause state', () => {
  it('asks S3 at most once per TTL of this host\'s monotonic clock, by a conditional GET answered 304 while unchanged', async () => {
    const fake = new FakeS3(10 * MINUTE);
    const etag = fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake));
    const { mayClaim } = gateOn(fake);
    assert.equal(await mayClaim(), false);
    fake.tick(TTL_MS - 1);
    for (let i = 0; i < 5; i++) assert.equal(await mayClaim(), false);
    assert.equal(fake.requests.length, 1, 'cached within the TTL');
    // The server's clock is no part of the TTL: its jumping does not expire the cache.
    fake.serverMs += 60 * MINUTE;
    assert.equal(await mayClaim(), false);
    assert.equal(fake.requests.length, 1);
    fake.tick(1);
    assert.equal(await mayClaim(), false);
    assert.deepEqual(
      fake.requests.map((r) => [r.command, r.ifNoneMatch, r.status]),
      [
        ['GetObject', undefined, 200],
        ['GetObject', etag, 304],
      ],
      'paused as a whole: one conditional GET per TTL, no listing',
    );
  });

  it('sees a pause written just after a read one TTL after that read started, not sooner', async () => {
    const fake = new FakeS3(-10 * MINUTE);
    const { mayClaim } = gateOn(fake);
    fake.beforeRequest = (command) => {
      if (command !== 'ListObjectsV2') return;
      fake.tick(300); // the read takes 300 ms; the pause lands right behind it
      fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake));
    };
    assert.equal(await mayClaim(), true, 'read before the pause was written');
    fake.beforeRequest = null;
    fake.tick(TTL_MS - 300 - 1);
    assert.equal(await mayClaim(), true, 'still the cached state');
    fake.tick(1);
    assert.equal(await mayClaim(), false, 'one TTL after the read started');
  });

  it('re-reads every check with a TTL of 0', async () => {
    const fake = new FakeS3();
    fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake));
    const { mayClaim } = gateOn(fake, { ttlMs: 0 });
    for (let i = 0; i < 3; i++) await mayClaim();
    assert.equal(fake.sent('GetObject').length, 3);
  });
});

describe('worker pause gate: "Queue paused, waiting..." once per pause', () => {
  it('once across many checks of one pause, again for a newer pause, and "Queue resumed" once when it ends', async () => {
    const fake = new FakeS3(10 * MINUTE);
    const first = pauseBody(fake, { reason: 'deploy' });
    fake.put(GLOBAL_PAUSE_KEY, first);
    const { said, mayClaim } = gateOn(fake);
    const checks = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await mayClaim();
        fake.tick(TTL_MS);
      }
    };
    await checks(20);
    assert.equal(fake.sent('GetObject').length, 20, 'read on each of the 20 TTLs');
    assert.deepEqual(said('Queue paused, waiting...').map((l) => l.fields), [{ reason: 'deploy', pausedBy: 'user:alice', resumeAt: null, error: null }]);

    fake.put(GLOBAL_PAUSE_KEY, pauseBody(fake, { reason: 'deploy, take two' }));
    await checks(10);
    assert.deepEqual(said('Queue paused, waiting...').map((l) => l.fields.reason), ['deploy', 'deploy, take two']);
    assert.deepEqual(said('Queue resumed'), []);

    fake.objects.delete(GLOBAL_PAUSE_KEY);
    await checks(10);
    assert.equal(said('Queue resumed').length, 1);
    // The very same object again (same body, same ETag) is a new pause after a resume.
    fake.put(GLOBAL_PAUSE_KEY, first);
    await checks(10);
    assert.equal(said('Queue paused, waiting...').length, 3);
    assert.equal(said('Queue resumed').length, 1);
  });

  it('scoped: once per scope the worker serves, never for others; an unreadable control object once, with why', async () => {
    const fake = new FakeS3();
    fake.put(`${SCOPED_PAUSE_PREFIX}shard/3`, pauseBody(fake, { reason: 'hot shard' }));
    fake.put(`${SCOPED_PAUSE_PREFIX}resize`, pauseBody(fake, { reason: 'not mine' }));
    fake.put(`${SCOPED_PAUSE_PREFIX}send_email`, 'not json');
    const concerns = (scope: Scope) => (scope.type === 'shard' ? SHARDS.includes(scope.value) : TYPES.includes(scope.value));
    const { lines, gate } = gateOn(fake, { concerns });
    for (let i = 0; i < 8; i++) {
      await gate.current();
      fake.tick(TTL_MS);
    }
    assert.deepEqual(
      lines.map((l) => [l.message, l.fields.reason, l.fields.error]),
      [
        ['Queue paused for task type send_email, waiting...', null, 'control/paused/send_email: control object is not JSON'],
        ['Queue paused for shard 3, waiting...', 'hot shard', null],
      ],
    );
  });
});
