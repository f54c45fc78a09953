import assert from 'node:assert/strict';
import { mock } from 'node:test';
import pino from 'pino';
import type { ListContext } from '../../../agent/backends/types';
import { Poller } from '../../../agent/core/poller';
import { DEFAULT_CADENCE } from '../../../agent/core/pollSchedule';
import type { Connection } from '../../../agent/core/service';
import { StateStore } from '../../../agent/core/stateStore';
import type { ConnectionConfig } from '../../../agent/config/connectionsFile';
import { blankResource, type Resource } from '../../../protocol/resource';

const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false };

function connection(name: string): Connection {
  return { config: { name, kind: 's3-queue', buckets: [name] } as unknown as ConnectionConfig, adapter: {} as Connection['adapter'], pauses: {} as Connection['pauses'], refreshes: 'connection' };
}

/** Lets promise callbacks (p-limit's queue, awaited listings) run without moving the fake clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('agent/core/poller: the listing loop', () => {
  let listings: Array<{ connection: string; context: ListContext; finish: (resources?: Resource[]) => void }>;
  let poller: Poller;
  let store: StateStore;
  let now: number;

  function startPoller(names: string[], options: { concurrency?: number; resumeTimes?: number[] } = {}): void {
    store = new StateStore();
    poller = new Poller({
      store,
      log: pino({ level: 'silent' }),
      list: (c, context) => new Promise<Resource[]>((resolve) => listings.push({ connection: c.config.name, context, finish: (resources = []) => resolve(resources) })),
      onListed: () => undefined,
      resumeTimes: () => options.resumeTimes ?? [],
      concurrency: options.concurrency,
      random: () => 0.5,
      now: () => now,
    });
    poller.start(names.map(connection));
  }

  async function advance(ms: number): Promise<void> {
    now += ms;
    mock.timers.tick(ms);
    await settle();
  }

  /** Finishes every listing in flight, in order. */
  async function finishAll(): Promise<void> {
    for (const listing of listings.splice(0)) listing.finish();
    await settle();
  }

  beforeEach(() => {
    listings = [];
    now = 1_000_000;
    mock.timers.enable({ apis: ['setTimeout'] });
  });

  afterEach(async () => {
    const stopped = poller.stop();
    await finishAll();
    await stopped;
    mock.timers.reset();
  });

  it('never lists more connections at once than the bound, and every one gets its turn', async () => {
    startPoller(Array.from({ length: 50 }, (_, i) => `c${i}`), { concurrency: 4 });
    await advance(1000); // the 50 first listings are spread over one interval
    assert.equal(listings.length, 4, 'four in flight, the rest queued');
    const seen = new Set<string>();
    for (let round = 0; round < 20 && seen.size < 50; round++) {
      assert.ok(listings.length <= 4);
      for (const listing of listings) seen.add(listing.connection);
      await finishAll();
    }
    assert.equal(seen.size, 50);
  });

  it('bounds refreshes of every connection (after a pause-upstream, say) the same way', async () => {
    startPoller(Array.from({ length: 40 }, (_, i) => `c${i}`), { concurrency: 4 });
    const refreshed = Promise.all(Array.from({ length: 40 }, (_, i) => poller.refresh(connection(`c${i}`))));
    await settle();
    assert.equal(listings.length, 4, 'four refreshes in flight, the rest queued');
    for (let round = 0; round < 10; round++) await finishAll();
    await refreshed;
  });

  it('lets the others list while one connection is stuck', async () => {
    startPoller(['slow', 'a', 'b'], { concurrency: 2 });
    await advance(1000);
    const slow = listings.find((l) => l.connection === 'slow');
    assert.ok(slow);
    let others = 0;
    for (let i = 0; i < 5; i++) {
      for (const listing of listings.filter((l) => l.connection !== 'slow')) {
        others++;
        listing.finish();
      }
      listings = listings.filter((l) => l.connection === 'slow');
      await settle();
      await advance(60_000);
    }
    assert.ok(others >= 5, `the other connections listed ${others} times while one hung`);
  });

  it('lists slowly while nobody watches and at once when someone starts watching', async () => {
    startPoller(['c']);
    await advance(0);
    assert.equal(listings[0].context.interest, 'idle');
    await finishAll();
    await advance(DEFAULT_CADENCE.idleMs * 0.5);
    assert.equal(listings.length, 0, 'idle: not listed again within half the idle interval');
    poller.setInterest('watched');
    await advance(0);
    assert.equal(listings.length, 1, 'listed as soon as interest rose');
    assert.equal(listings[0].context.interest, 'watched');
    await finishAll();
    await advance(DEFAULT_CADENCE.watchedMs);
    assert.equal(listings.length, 1, 'and then every watched interval');
    await finishAll();
    poller.setInterest('background');
    await advance(DEFAULT_CADENCE.watchedMs);
    await finishAll(); // the turn armed while watched
    await advance(DEFAULT_CADENCE.backgroundMs * 0.5);
    assert.equal(listings.length, 0, 'background: slower again');
  });

  it('lists again right after a listing that was in flight when interest rose', async () => {
    startPoller(['c']);
    await advance(0);
    assert.equal(listings[0].context.interest, 'idle');
    poller.setInterest('watched');
    await settle();
    assert.equal(listings.length, 1, 'no second listing of the same connection at once');
    await finishAll();
    await advance(0);
    assert.equal(listings.length, 1, 'listed again at once, not a whole idle interval later');
    assert.equal(listings[0].context.interest, 'watched');
  });

  it('keeps a connection fast for a while after an action through the agent', async () => {
    startPoller(['c']);
    await advance(0);
    await finishAll();
    const refreshed = poller.refresh(connection('c'));
    await settle();
    assert.equal(listings[0].context.reason, 'refresh');
    await finishAll();
    await refreshed;
    await advance(DEFAULT_CADENCE.watchedMs); // not the idle turn armed before the action
    assert.equal(listings.length, 1, 'listed at the watched pace');
    assert.equal(listings[0].context.interest, 'watched', 'inside the fast window it lists as if watched');
    await finishAll();
    await advance(DEFAULT_CADENCE.watchedMs);
    assert.equal(listings.length, 1, 'and again');
    await finishAll();
    now += DEFAULT_CADENCE.fastForMs;
    await advance(DEFAULT_CADENCE.watchedMs);
    await finishAll();
    await advance(DEFAULT_CADENCE.backgroundMs);
    assert.equal(listings.length, 0, 'back to the idle pace once the window passed');
  });

  it('after an action reads just that resource; a read that fails lists the whole connection instead', async () => {
    startPoller(['c1']);
    await advance(1000);
    await finishAll(); // the first listing
    const fresh = { ...blankResource('c1', 'q', 'test', CAPABILITIES), state: 'paused' as const };
    await poller.refreshOne(connection('c1'), async () => fresh);
    assert.equal(listings.length, 0, 'no listing for a read that answered');
    assert.equal(store.resource('c1/q')?.state, 'paused');

    const refreshed = poller.refreshOne(connection('c1'), () => Promise.reject(new Error('S3 did not answer')));
    await settle();
    assert.deepEqual(listings.map((l) => [l.connection, l.context.reason]), [['c1', 'refresh']], 'the failed read falls back to a listing');
    await finishAll();
    await refreshed;
  });

  it('shows streamed resources at once and ignores any that arrive after the listing ended', async () => {
    startPoller(['c']);
    await advance(0);
    const [listing] = listings;
    const early = { ...blankResource('c', 'early', 's3-queue', CAPABILITIES), state: 'running' as const };
    listing.context.onResource?.(early);
    assert.equal(store.resource(early.id)?.state, 'running', 'in the store before the listing ended');
    listing.finish([early]);
    await settle();
    listing.context.onResource?.({ ...blankResource('c', 'late', 's3-queue', CAPABILITIES), state: 'running' });
    assert.equal(store.resource('c/late'), undefined);
  });
});
