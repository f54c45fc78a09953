import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Registry } from 'prom-client';
import { S3QueueAdapter } from '../../agent/backends/s3queue/adapter';
import { S3QueueConfig } from '../../agent/backends/s3queue/config';
import type { ListContext } from '../../agent/backends/types';
import { DEFAULT_CADENCE } from '../../agent/core/pollSchedule';
import { CountingProxy } from '../../bench/support/countingProxy';
import { fillReadyIndex } from '../../bench/support/readyKeys';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createStore, fetchServerTime, type QueueStore } from '../../buquet/client';
import { encodeHeartbeat } from '../../buquet/heartbeat';
import { workerKey } from '../../buquet/layout';
import { PauseControl } from '../../buquet/pauseControl';
import { API_PREFIX } from '../../protocol/messages';
import type { Resource } from '../../protocol/resource';
import { createQueueBucket } from '../../sandbox/s3Server';
import { connectEvents, startTestAgent, type TestAgent } from '../support/agentHarness';
import { FaultProxy } from '../support/faultProxy';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles } from '../support/testEnv';
import { waitFor } from '../support/waitFor';

/** How long the budget test counts: longer than the idle cadence with its jitter (60 s + 20 %). */
const WINDOW_MS = 80_000;

/**
 * What an S3 queue costs to watch, counted by a proxy in front of the real S3 server: the
 * control object is re-read conditionally (304), unwatched polls read only it, the backlog is one
 * capped LIST page, and one bad bucket of a connection is one bad row.
 */
describe('S3 queue polling cost (real S3 server, counted by a proxy)', function () {
  this.timeout(180_000);
  let proxy: CountingProxy;
  let direct: QueueStore;
  const adapters: S3QueueAdapter[] = [];

  const POLL_WATCHED: ListContext = { reason: 'poll', interest: 'watched' };
  const POLL_BACKGROUND: ListContext = { reason: 'poll', interest: 'background' };
  const REFRESH: ListContext = { reason: 'refresh', interest: 'idle' };

  before(async () => {
    useAwsProfiles();
    proxy = await CountingProxy.start(services().s3.endpoint);
    direct = createStore({ endpoint: services().s3.endpoint, profile: services().s3.profile });
  });
  after(async () => {
    direct.s3.destroy();
    await proxy.close();
  });
  afterEach(async () => {
    for (const adapter of adapters.splice(0)) await adapter.close();
  });

  function adapterFor(buckets: string[], endpoint = proxy.url): S3QueueAdapter {
    const config = S3QueueConfig.parse({ name: 'cost', kind: 's3-queue', endpoint, profile: services().s3.profile, buckets, requestTimeoutSeconds: 2 });
    const adapter = new S3QueueAdapter(config, { log: pino({ level: 'silent' }), metrics: new Registry(), role: 'agent', home: '/nonexistent' });
    adapters.push(adapter);
    return adapter;
  }

  async function newBucket(prefix: string): Promise<string> {
    const bucket = uniqueBucket(prefix);
    await createQueueBucket(services().s3, bucket);
    return bucket;
  }

  /** The proxy's answers for one bucket, keyed by what was asked (LISTs by their prefix). */
  function answersFor(bucket: string): Record<string, number> {
    return Object.fromEntries(Object.entries(proxy.statuses()).filter(([name]) => name.includes(`/${bucket}/`) || name.startsWith('LIST')));
  }

  it('re-reads control/paused.json with If-None-Match: S3 answers 304 while the pause is unchanged, and the pause still shows', async () => {
    const bucket = await newBucket('cost-304');
    const control = new PauseControl(direct);
    await control.pause(bucket, { reason: 'first', pausedBy: 'user:elsewhere', resumeAfterMs: null, resumeAt: null, force: false, scope: null });
    const adapter = adapterFor([bucket]);
    proxy.reset();
    const seen: Resource[] = [];
    for (let i = 0; i < 4; i += 1) seen.push(...(await adapter.list(POLL_WATCHED)));
    const key = `GET /${bucket}/control/paused.json`;
    assert.deepEqual([proxy.statuses()[`${key} 200`], proxy.statuses()[`${key} 304`]], [1, 3], JSON.stringify(answersFor(bucket)));
    assert.deepEqual(
      seen.map((r) => [r.state, r.pause?.reason]),
      Array.from({ length: 4 }, () => ['paused', 'first']),
    );

    await control.pause(bucket, { reason: 'second', pausedBy: 'user:elsewhere', resumeAfterMs: null, resumeAt: null, force: true, scope: null });
    const [changed] = await adapter.list(POLL_WATCHED);
    assert.equal(changed.pause?.reason, 'second', 'a changed pause is read again (200), not kept');
    await control.resume(bucket, { force: true, scope: null, onlyIfVersion: null });
    const [resumed] = await adapter.list(POLL_WATCHED);
    assert.equal(resumed.state, 'running');
  });

  it('an unwatched poll reads only the control object, keeping scoped pauses, workers and backlog from the last full read; a refresh reads them again', async () => {
    const bucket = await newBucket('cost-slow');
    const adapter = adapterFor([bucket]);
    await fillReadyIndex(direct, bucket, 3);
    const [first] = await adapter.list(REFRESH);
    assert.equal(first.backlog.pending, 3);

    await fillReadyIndex(direct, bucket, 5);
    proxy.reset();
    for (let i = 0; i < 5; i += 1) {
      const [polled] = await adapter.list(POLL_BACKGROUND);
      assert.equal(polled.backlog.pending, 3, 'kept from the full read, not listed again');
    }
    assert.deepEqual(proxy.counts(), { [`GET /${bucket}/control/paused.json`]: proxy.counts()[`GET /${bucket}/control/paused.json`] });
    assert.equal(proxy.total().requests, 5, `one GET per unwatched poll: ${JSON.stringify(proxy.counts())}`);

    // Watched, scoped pauses are listed on every poll; the rest once it is 5 s old (cadence.ts).
    proxy.reset();
    await adapter.list(POLL_WATCHED);
    assert.deepEqual([proxy.total().requests, proxy.counts().LIST?.requests], [2, 1], JSON.stringify(proxy.counts()));
    const [refreshed] = await adapter.list(REFRESH);
    assert.equal(refreshed.backlog.pending, 5, 'a refresh reads everything');
  });

  it('a heartbeat kept between unwatched polls is aged from when it was read, so its worker does not turn stale meanwhile; a refresh sees it is old', async () => {
    const bucket = await newBucket('cost-hb');
    const config = S3QueueConfig.parse({ name: 'cost', kind: 's3-queue', endpoint: proxy.url, profile: services().s3.profile, buckets: [bucket], workerStaleSeconds: 1 });
    const adapter = new S3QueueAdapter(config, { log: pino({ level: 'silent' }), metrics: new Registry(), role: 'agent', home: '/nonexistent' });
    adapters.push(adapter);
    const now = await fetchServerTime(direct, bucket);
    const heartbeat = { workerId: 'w1', startedAt: now, lastHeartbeat: now, shards: ['0'], currentTask: null, tasksCompleted: 0, tasksFailed: 0, status: 'idle' as const };
    await direct.s3.send(new PutObjectCommand({ Bucket: bucket, Key: workerKey('w1'), Body: encodeHeartbeat(heartbeat) }));
    const healthy = (resource: Resource) => resource.workers?.map((w) => [w.id, w.healthy]);
    assert.deepEqual(healthy((await adapter.list(REFRESH))[0]), [['w1', true]]);
    await sleep(2000); // twice workerStaleSeconds, and no new heartbeat
    assert.deepEqual(healthy((await adapter.list(POLL_BACKGROUND))[0]), [['w1', true]], 'kept from the last read, as it was then');
    assert.deepEqual(healthy((await adapter.list(REFRESH))[0]), [['w1', false]], 'read again: its heartbeat is 2 s old');
  });

  it('counts one LIST page of ready/ per listing ("1,000+" past it); status --exact counts every page, also through a running agent', async () => {
    const s3 = services().s3;
    const bucket = await newBucket('cost-count');
    const started = Date.now();
    await fillReadyIndex(direct, bucket, 1005);
    const fillMs = Date.now() - started;
    const adapter = adapterFor([bucket]);
    proxy.reset();
    const [listed] = await adapter.list(REFRESH);
    assert.deepEqual([listed.backlog.pending, listed.backlog.pendingIsLowerBound], [1000, true]);
    assert.equal(proxy.counts().LIST.requests, 4, `one page each of control/paused/, workers/, ready/ and leases/ (filled 1,005 in ${fillMs} ms)`);
    const exact = await adapter.get(bucket, { exactCounts: true });
    assert.deepEqual([exact.backlog.pending, exact.backlog.pendingIsLowerBound], [1005, false]);

    const home = await testHome([bucket]);
    home.writeConnections([{ name: 'local', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket] }]);
    const plain = await cli(home, ['status', `local/${bucket}`]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^Pending tasks: 1,000\+ \(counted up to 1,000; --exact counts them all\)$/m);
    const counted = await cli(home, ['status', `local/${bucket}`, '--exact']);
    assert.match(counted.stdout, /^Pending tasks: 1,005$/m);
    const listedLine = await cli(home, ['list']);
    assert.match(listedLine.stdout, /1,000\+ pending/);

    const agent = await startTestAgent(home.paths);
    try {
      const viaAgent = await cli(home, ['status', `local/${bucket}`, '--exact', '--json'], { useAgent: true });
      assert.equal(viaAgent.code, 0, viaAgent.stderr);
      const resource = JSON.parse(viaAgent.stdout) as Resource;
      assert.deepEqual([resource.backlog.pending, resource.backlog.pendingIsLowerBound], [1005, false]);
      const refused = await fetch(agent.url(`${API_PREFIX}/resources/local/${bucket}?exact=maybe`), { headers: { authorization: `Bearer ${agent.token}` } });
      assert.equal(refused.status, 400, 'exact must be true or false');
    } finally {
      await agent.close();
    }
  });

  it('a pause and a resume through the agent read that one bucket again, not every bucket of the connection', async () => {
    const s3 = services().s3;
    const buckets = await Promise.all([1, 2, 3, 4, 5].map(() => newBucket('cost-one')));
    // Counted by bucket (the first path segment, path-style).
    const byBucket = await CountingProxy.start(s3.endpoint, (request) => new URL(request.url ?? '/', 'http://proxy').pathname.split('/')[1] ?? '');
    const home = await testHome(buckets);
    // Polls an hour apart: whatever is read in the test is the action's own refresh.
    home.writeConnections([{ name: 'local', kind: 's3-queue', endpoint: byBucket.url, profile: s3.profile, buckets, pollIntervalSeconds: 3600 }]);
    const agent = await startTestAgent(home.paths);
    try {
      await waitFor('the first listing', async () => (await cli(home, ['list'], { useAgent: true })).stdout.split('\n').filter((line) => line.startsWith('local/')).length === 5);
      const others = () => buckets.slice(1).map((bucket) => byBucket.counts()[bucket]?.requests ?? 0);
      byBucket.reset();
      const paused = await cli(home, ['pause', `local/${buckets[0]}`, '--reason', 'one of five', '--json'], { useAgent: true });
      assert.equal(paused.code, 0, paused.stderr);
      assert.equal((JSON.parse(paused.stdout) as { resource: Resource }).resource.state, 'paused', 'the answer carries the bucket as read after the pause');
      assert.ok((byBucket.counts()[buckets[0]]?.requests ?? 0) > 0);
      assert.deepEqual(others(), [0, 0, 0, 0], 'the other four buckets were not read');
      assert.match((await cli(home, ['status', `local/${buckets[0]}`], { useAgent: true })).stdout, /^Reason: one of five$/m);
      byBucket.reset();
      assert.equal((await cli(home, ['resume', `local/${buckets[0]}`], { useAgent: true })).code, 0);
      assert.deepEqual(others(), [0, 0, 0, 0], 'nor after the resume');
    } finally {
      await agent.close();
      await byBucket.close();
    }
  });

  it('one bucket that does not exist is one unknown row with its error; the others of the connection stay ok, each reported as soon as read', async () => {
    const [a, b] = [await newBucket('cost-good'), await newBucket('cost-good')];
    const missing = uniqueBucket('cost-missing');
    const adapter = adapterFor([a, missing, b]);
    const streamed: string[] = [];
    const resources = await adapter.list({ ...REFRESH, onResource: (resource) => streamed.push(resource.name) });
    assert.deepEqual(
      resources.map((r) => [r.name, r.state]),
      [
        [a, 'running'],
        [missing, 'unknown'],
        [b, 'running'],
      ],
    );
    assert.match(resources[1].lastError ?? '', new RegExp(`bucket "${missing}" does not exist at .*; create it or fix "buckets" in the connections file`));
    assert.deepEqual([...streamed].sort(), [a, b, missing].sort());
  });

  it('reads the buckets of one connection side by side: 10 buckets behind a 300 ms delay list in about two round trips, not ten', async () => {
    const buckets = await Promise.all(Array.from({ length: 10 }, () => newBucket('cost-many')));
    const target = new URL(services().s3.endpoint);
    const slow = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
    try {
      slow.set({ mode: 'delay', ms: 300 });
      const adapter = adapterFor(buckets, `http://127.0.0.1:${slow.port}`);
      const started = performance.now();
      const resources = await adapter.list(REFRESH);
      const took = performance.now() - started;
      assert.deepEqual(new Set(resources.map((r) => r.state)), new Set(['running']));
      // One after another cannot take less than ten delayed round trips (3 s).
      assert.ok(took < 2400, `10 buckets took ${Math.round(took)} ms`);
    } finally {
      await slow.close();
    }
  });

  it('a connection whose endpoint is down fails as a whole (unreachable), not as rows', async () => {
    const down = await CountingProxy.start('http://127.0.0.1:9');
    const url = down.url;
    await down.close(); // nothing listens there any more
    const adapter = adapterFor([uniqueBucket('cost-a'), uniqueBucket('cost-b')], url);
    await assert.rejects(adapter.list(REFRESH), (error: Error & { code?: string }) => error.code === 'BackendUnavailable' && /cannot reach S3 at/.test(error.message));
  });

  it('the real agent stays within 12 S3 requests a minute for a queue with no client, and for one whose client does not watch', async () => {
    // One proxy per agent, so each queue's requests are counted apart (LISTs name no object).
    const proxies = await Promise.all([CountingProxy.start(services().s3.endpoint), CountingProxy.start(services().s3.endpoint)]);
    const agents: TestAgent[] = [];
    try {
      for (const [i, counting] of proxies.entries()) {
        const bucket = await newBucket(['cost-idle', 'cost-bg'][i]);
        const home = await testHome([bucket]);
        // The default pollIntervalSeconds and the agent's real cadence, as a user runs it.
        home.writeConnections([{ name: 'local', kind: 's3-queue', endpoint: counting.url, profile: services().s3.profile, buckets: [bucket] }]);
        agents.push(await startTestAgent(home.paths, DEFAULT_CADENCE));
      }
      const { socket } = await connectEvents(agents[1]);
      socket.send(JSON.stringify({ type: 'interest', watching: false }));
      await sleep(5000); // past the first listing, which reads everything once
      for (const counting of proxies) counting.reset();
      // Idle listings come every 60 s +/- 20 % jitter, so only a window past 72 s always holds one;
      // the budget stays 12 requests a minute, scaled to the window.
      await sleep(WINDOW_MS);
      const budget = (12 * WINDOW_MS) / 60_000;
      const [idle, background] = proxies.map((counting) => ({ requests: counting.total().requests, by: JSON.stringify(counting.counts()) }));
      assert.ok(idle.requests >= 1 && idle.requests <= budget, `no client: ${idle.requests} requests in ${WINDOW_MS / 1000} s, budget ${budget} (${idle.by})`);
      assert.ok(background.requests >= 4 && background.requests <= budget, `client not watching: ${background.requests} requests in ${WINDOW_MS / 1000} s, budget ${budget} (${background.by})`);
      socket.terminate();
    } finally {
      for (const agent of agents) await agent.close();
      for (const counting of proxies) await counting.close();
    }
  });
});
