import { strict as assert } from 'node:assert';
import { createServer, type Socket } from 'node:net';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import { statusText } from '../unit/extension/fixtures';
import { OUTSIDE_PAUSER } from '../../agent/core/journalPauses';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { cli } from '../support/testEnv';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksql, ksqlHome, ksqlOk, orders, startStandIn, totalsByWho, unique } from '../standins/ksqldb/testBed';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * KLIP-63's test plan, driven through the agent's HTTP API as the CLI and the editor drive it,
 * against the ksqlDB stand-in whose queries are real consumers and producers on the real Kafka
 * broker. What the tests check about data (sink topics, committed offsets) they read from Kafka
 * directly, never through the product.
 */
useSandboxServices('kafka');

const EARLIEST = { 'auto.offset.reset': 'earliest' };

describe('ksqlDB persistent queries through the agent (ksqlDB stand-in, real Kafka)', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let standIns: KsqlDbStandIn[] = [];
  let agent: TestAgent | null = null;
  let client: AgentClient;
  let home: ReturnType<typeof ksqlHome>;

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
  });
  after(async () => {
    await bed?.close();
  });
  afterEach(async () => {
    await agent?.close();
    agent = null;
    for (const standIn of standIns.reverse()) await standIn.close();
    standIns = [];
  });

  async function standIn(serviceId: string, options: { port?: number; version?: string; commandResponseTimeoutMs?: number } = {}): Promise<KsqlDbStandIn> {
    const started = await startStandIn(kafkaService().bootstrap, { serviceId, ...options });
    standIns.push(started);
    return started;
  }

  async function startAgent(servers: string[], options: { commandTimeoutSeconds?: number } = {}): Promise<void> {
    home = ksqlHome({ servers, bootstrap: kafkaService().bootstrap, ...options });
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  }

  /** A stream over a fresh JSON topic; returns the topic. */
  async function ordersStream(url: string, options: { retentionMs?: number } = {}): Promise<string> {
    const topic = unique('orders');
    await bed.createTopic(topic, options);
    await ksqlOk(url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT, WHO VARCHAR) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    return topic;
  }

  async function createQuery(url: string, statement: string): Promise<string> {
    const [created] = await ksqlOk(url, statement, EARLIEST);
    assert.equal(created.commandStatus?.status, 'SUCCESS');
    return created.commandStatus!.queryId!;
  }

  const resource = (id: string) => client.resource(id);
  const until = (id: string, accept: (r: Resource) => boolean, what: string, timeoutMs = 20_000) => eventually(() => resource(id), accept, timeoutMs, what);

  it('a paused aggregate processes nothing while its input grows, shows the lag, proof and data-loss deadline, then resumes exactly', async () => {
    const server = await standIn(unique('svc'));
    const retentionMs = 600_000;
    const topic = await ordersStream(server.url, { retentionMs });
    const totals = unique('totals');
    const queryId = await createQuery(server.url, `CREATE TABLE TOTALS WITH (KAFKA_TOPIC='${totals}') AS SELECT WHO, SUM(AMOUNT) AS TOTAL, COUNT(*) AS N FROM ORDERS GROUP BY WHO EMIT CHANGES;`);
    const group = server.query(queryId)!.groupId;
    assert.equal(group, `_confluent-ksql-${server.serviceId}query_${queryId}`, 'the consumer group as ksqlDB names it');
    await startAgent([server.url]);
    const id = `ksql/${queryId}`;

    const first = orders(1, 60);
    await bed.produce(topic, first);
    await until(id, (r) => r.state === 'running' && r.backlog.pending === 0 && r.lineage.inputs.length === 1, 'the first 60 records processed');
    assert.equal(await bed.count(totals), 60, 'EMIT CHANGES: one update per input record');

    const paused = await client.pause(id, { reason: 'schema change downstream', pausedBy: 'alice', resumeAfter: '1h' });
    assert.equal(paused.resource.state, 'paused');
    assert.deepEqual(
      [paused.resource.pause?.pausedBy, paused.resource.pause?.reason, paused.resource.stateDetail],
      ['alice', 'schema change downstream', null],
      'who and why come back from the journal, since ksqlDB cannot store them',
    );
    assert.ok(paused.resource.pause?.resumeAt && Date.parse(paused.resource.pause.resumeAt) - Date.now() > 3_500_000);
    const committedAtPause = await bed.committed(group, topic);
    const sinkAtPause = await bed.count(totals);

    // Older record timestamps make the deadline differ from "now + retention".
    const base = Date.now() - 5 * 60_000;
    const stamps = await bed.produce(topic, orders(61, 20), { timestamp: (i) => base + i * 1000 });
    const halfway = await until(id, (r) => r.backlog.pending === 20 && r.pauseEffect?.status === 'confirmed', 'the lag of 20 with a confirmed pause');
    assert.match(halfway.pauseEffect!.detail, /^committed offsets unchanged since \S+ while 20 new records arrived$/);
    assert.equal(await bed.count(totals), sinkAtPause, 'nothing written while the first 20 waited');
    // The backlog keeps growing while paused, and the proof keeps its start: the pause still holds.
    await bed.produce(topic, orders(81, 20), { timestamp: (i) => base + (20 + i) * 1000 });
    const during = await until(id, (r) => r.backlog.pending === 40, 'the lag grown to 40');
    assert.deepEqual([during.state, during.pauseEffect?.status, during.pauseEffect?.since], ['paused', 'confirmed', halfway.pauseEffect!.since], 'still confirmed, from the same moment');
    assert.equal(during.backlog.oldestPendingAt, new Date(stamps[0]).toISOString(), 'the oldest unconsumed record is the first produced while paused');
    assert.equal(during.backlog.dataLossAt, new Date(stamps[0] + retentionMs).toISOString(), 'deadline = oldest unconsumed record + the topic\'s retention.ms');
    assert.match(during.pauseEffect!.detail, /^committed offsets unchanged since \S+ while 40 new records arrived$/);

    await sleep(2500);
    assert.equal(await bed.count(totals), sinkAtPause, 'a paused query writes nothing to its sink');
    assert.deepEqual(await bed.committed(group, topic), committedAtPause, 'and commits nothing');
    const more = await until(id, (r) => r.backlog.pending === 40, 'the lag still 40');
    assert.equal(more.state, 'paused');

    // The CLI (through the agent) shows the journaled details.
    const status = await cli({ paths: home.paths, writeConnections: home.writeConnections }, ['status', id], { useAgent: true });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Paused by: alice\nReason: schema change downstream\nAuto-resume: in (59|60) minutes/);

    await assert.rejects(client.resume(id, {}), /is set to auto-resume at .*; use --force to resume it now/);
    const resumed = await client.resume(id, { force: true });
    assert.equal(resumed.previous?.reason, 'schema change downstream');
    const drained = await until(id, (r) => r.state === 'running' && r.backlog.pending === 0 && r.pause === null && r.pauseEffect === null, 'the lag drained after resume');
    assert.deepEqual([drained.backlog.oldestPendingAt, drained.backlog.dataLossAt], [null, null], 'nothing waits, so nothing can age out');
    assert.deepEqual(await bed.committed(group, topic), [100], 'the group committed past every record');

    await eventually(() => bed.count(totals), (n) => n === 100, 10_000, 'one update per input record, 100 in all');
    assert.deepEqual(await bed.latestByKey(totals), totalsByWho([...first, ...orders(61, 40)]), 'SUM and COUNT over all 100 records: nothing lost, nothing counted twice');

    const entries = await new Journal(home.paths.journal).read();
    assert.deepEqual(
      entries.map((e) => [e.action, e.resource, e.pausedBy, e.reason]),
      [
        ['pause', id, 'alice', 'schema change downstream'],
        ['resume', id, 'alice', 'schema change downstream'],
      ],
    );
  });

  it('of two queries reading one topic, pausing one leaves the other processing', async () => {
    const server = await standIn(unique('svc'));
    const topic = await ordersStream(server.url);
    const all = await createQuery(server.url, `CREATE STREAM ALL_ORDERS WITH (KAFKA_TOPIC='${unique('all')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const big = await createQuery(server.url, `CREATE STREAM BIG_ORDERS WITH (KAFKA_TOPIC='${unique('big')}') AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 10 EMIT CHANGES;`);
    const sinkOf = (queryId: string) => server.query(queryId)!.sink!.topic;
    await startAgent([server.url]);
    await bed.produce(topic, orders(1, 20));
    await eventually(async () => [await bed.count(sinkOf(all)), await bed.count(sinkOf(big))], (c) => c[0] === 20 && c[1] === 10, 15_000, 'both sinks fed');

    await client.pause(`ksql/${all}`, { reason: 'only this one' });
    await bed.produce(topic, orders(21, 20));
    await eventually(() => bed.count(sinkOf(big)), (n) => n === 30, 15_000, 'the filtered query to keep processing');
    await sleep(1500);
    assert.equal(await bed.count(sinkOf(all)), 20, 'the paused query wrote nothing more');
    const listed = (await client.snapshot()).resources;
    assert.deepEqual(
      listed.map((r) => [r.name, r.state]).sort(),
      [
        [all, 'paused'],
        [big, 'running'],
      ],
    );

    await client.resume(`ksql/${all}`, {});
    await eventually(() => bed.count(sinkOf(all)), (n) => n === 40, 15_000, 'the resumed query to catch up');
    const ids = (await bed.readAll(sinkOf(all))).map((r) => r.value.ID);
    assert.deepEqual(ids, Array.from({ length: 40 }, (_, i) => i + 1), 'in order, each record once');
  });

  it('a restarted stand-in replays the pause from the command topic: still paused, nothing processed until resumed', async () => {
    const serviceId = unique('svc');
    let server = await standIn(serviceId);
    const topic = await ordersStream(server.url);
    const sink = unique('copy');
    const queryId = await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${sink}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const id = `ksql/${queryId}`;
    await startAgent([server.url]);
    await bed.produce(topic, orders(1, 10));
    await eventually(() => bed.count(sink), (n) => n === 10, 15_000, 'the first records copied');
    await client.pause(id, { reason: 'before the restart' });

    const port = Number(new URL(server.url).port);
    await server.close();
    standIns = standIns.filter((s) => s !== server);
    await bed.produce(topic, orders(11, 15));
    await eventually(async () => (await client.snapshot()).resources.find((r) => r.id === id)?.state, (state) => state === 'unknown', 10_000, 'the agent to see the server gone');
    server = await standIn(serviceId, { port });
    assert.equal(server.query(queryId)?.paused, true, 'the replayed PAUSE');
    const after = await until(id, (r) => r.state === 'paused' && r.backlog.pending === 15, 'paused again after the restart, lag 15');
    assert.equal(after.pause?.reason, 'before the restart');
    await sleep(2500);
    assert.equal(await bed.count(sink), 10, 'nothing processed during or after the restart');

    await client.resume(id, {});
    await eventually(() => bed.count(sink), (n) => n === 25, 15_000, 'the held records after resume');
    assert.deepEqual(
      (await bed.readAll(sink)).map((r) => r.value.ID),
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  /** Two stand-in servers sharing one command topic, and a pass-through query both run. */
  async function twoServersRunningCopy() {
    const serviceId = unique('svc');
    const a = await standIn(serviceId);
    const b = await standIn(serviceId);
    a.setPeers([b.url]);
    b.setPeers([a.url]);
    const topic = await ordersStream(a.url);
    const sink = unique('copy');
    const queryId = await createQuery(a.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${sink}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    await eventually(async () => b.query(queryId) !== undefined, (v) => v, 10_000, 'the second server to apply the CREATE from the command topic');
    return { serviceId, a, b, topic, sink, queryId, id: `ksql/${queryId}` };
  }

  it('with two servers a pause reaches both; a pause seen on one of two shows as partially paused', async () => {
    const { a, b, topic, sink, queryId, id } = await twoServersRunningCopy();
    await startAgent([a.url, b.url]);
    await until(id, (r) => r.state === 'running', 'running on both');

    const paused = await client.pause(id, { reason: 'both' });
    const both = await until(id, (r) => r.state === 'paused', 'paused on both servers');
    assert.equal(both.stateDetail, 'paused on all 2 servers');
    assert.equal(paused.pause.reason, 'both');
    assert.deepEqual([a.query(queryId)?.paused, b.query(queryId)?.paused], [true, true], 'each server paused its own instance');
    await bed.produce(topic, orders(1, 10));
    await sleep(2000);
    assert.equal(await bed.count(sink), 0, 'neither server processes');
    await client.resume(id, {});
    await eventually(() => bed.count(sink), (n) => n === 10, 15_000, 'processing after resume');
    await until(id, (r) => r.state === 'running', 'running on both again');

    // The second server lags behind the command topic: the pause is seen on one of two.
    b.holdCommands();
    await client.pause(id, { reason: 'only one server has it yet' });
    const partial = await until(id, (r) => r.state === 'partially-paused', 'partially paused');
    assert.equal(partial.stateDetail, `paused on 1 of 2 servers (${a.hostInfo}), running on 1`);
    assert.equal(partial.pause?.reason, 'only one server has it yet', 'the journal fills a partial pause too');
    assert.ok(partial.capabilities.resume && partial.capabilities.pause, 'both offered: finish the pause, or resume');
    b.releaseCommands();
    await until(id, (r) => r.state === 'paused' && r.stateDetail === 'paused on all 2 servers', 'paused on both once the second server catches up');
  });

  it('pause-all reports a query that one of two servers has not paused as not ok, with where it still runs', async () => {
    const { a, b, queryId, id } = await twoServersRunningCopy();
    await startAgent([a.url, b.url]);
    await until(id, (r) => r.state === 'running' && r.stateDetail === null, 'running on both');

    b.holdCommands(); // the second server lags behind the command topic
    const [result, ...others] = await client.pauseAll('ksql', { reason: 'freeze' });
    assert.deepEqual(others, []);
    assert.deepEqual([result.id, result.ok], [id, false]);
    assert.equal(
      result.error,
      `PAUSE ALL was accepted but has not taken effect on every server: ${queryId} is partially-paused (paused on 1 of 2 servers (${a.hostInfo}), running on 1); check the servers named, then pause again or resume`,
    );
    b.releaseCommands();
    await until(id, (r) => r.state === 'paused', 'paused on both once the second server catches up');
  });

  /** A copy query on a stand-in that reports 0.27.2 (no PAUSE yet), listed by the agent. */
  async function onOldServer(): Promise<{ server: KsqlDbStandIn; id: string; listed: Resource }> {
    const server = await standIn(unique('svc'), { version: '0.27.2' });
    await ordersStream(server.url);
    const id = `ksql/${await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`)}`;
    await startAgent([server.url]);
    return { server, id, listed: await until(id, (r) => r.state === 'running', 'the query listed') };
  }

  it('on a server too old to pause offers neither pause nor resume and says why, and offers them once it is upgraded', async () => {
    const { server, id, listed } = await onOldServer();
    assert.deepEqual(
      [listed.capabilities.pause, listed.capabilities.resume, listed.capabilities.pauseAll, listed.capabilities.pauseUnavailable],
      [false, false, false, 'ksqlDB 0.27.x cannot pause queries; PAUSE needs 0.28.2+ (Confluent Platform 7.3.0+)'],
    );
    server.upgradeTo('0.28.2');
    const upgraded = await until(id, (r) => r.capabilities.pause, 'pause offered after the upgrade');
    assert.deepEqual([upgraded.capabilities.resume, upgraded.capabilities.pauseAll, upgraded.capabilities.pauseUnavailable], [true, true, undefined]);
  });

  it('a pause refused for the server\'s version goes through right after the server is upgraded', async () => {
    const { server, id } = await onOldServer();
    await assert.rejects(client.pause(id, {}), /is version 0\.27\.2 \(GET \/info\); PAUSE and RESUME need ksqlDB 0\.28\.2 or later/);
    server.upgradeTo('0.28.2');
    await until(id, (r) => r.capabilities.pause, 'the upgrade seen by the listing');
    const paused = await client.pause(id, { reason: 'after the upgrade' });
    assert.equal(paused.resource.state, 'paused', 'no version remembered from before the upgrade refuses it');
  });

  it('with one of two servers unreachable: says which is unresponsive, keeps listing, pausing and resuming through the other', async () => {
    const started = await twoServersRunningCopy();
    const { serviceId, b, topic, sink, queryId, id } = started;
    let a = started.a;
    // a is listed first, so the agent asks it first: its loss is the one that could hurt.
    await startAgent([a.url, b.url]);
    await until(id, (r) => r.state === 'running' && r.stateDetail === null, 'running on both');

    // A host that is down: its port accepts connections and never answers (a dead machine
    // behind a load balancer, or a hung JVM), so every request to it waits for its timeout.
    const port = Number(new URL(a.url).port);
    const hostA = a.hostInfo;
    await a.close();
    standIns = standIns.filter((s) => s !== a);
    const silent = await silentListener(port);
    try {
      const degraded = await until(id, (r) => r.state === 'running' && r.stateDetail !== null, 'the unreachable server seen', 40_000);
      assert.equal(degraded.stateDetail, `running on 1 of 2 servers, unresponsive on 1 (${hostA})`);
      assert.equal(degraded.lastError, null, 'the query itself has no error');
      await bed.produce(topic, orders(1, 10));
      await eventually(() => bed.count(sink), (n) => n === 10, 20_000, 'the query still processing on the server that is up');
      await until(id, (r) => r.backlog.pending === 0, 'the lag drained');

      const started = Date.now();
      const paused = await client.pause(id, { reason: 'a is down' });
      // Asking the silent server first would cost its whole 10 s request timeout.
      assert.ok(Date.now() - started < 8000, `the pause went to the server that answers, without waiting on the dead one (${Date.now() - started} ms)`);
      assert.equal(paused.resource.state, 'partially-paused', 'paused where it can be seen; the other server is not known to be paused');
      assert.equal(paused.resource.stateDetail, `paused on 1 of 2 servers (${b.hostInfo}), unresponsive on 1 (${hostA})`);
      assert.equal(paused.resource.pause?.reason, 'a is down');
      await bed.produce(topic, orders(11, 5));
      const held = await until(id, (r) => r.backlog.pending === 5 && r.pauseEffect?.status === 'confirmed', 'the proof from Kafka that nothing consumes');
      assert.equal(held.state, 'partially-paused');
      assert.equal(await bed.count(sink), 10, 'nothing processed while paused');
      assert.ok((await client.snapshot()).resources.some((r) => r.id === id), 'the agent keeps answering');
    } finally {
      await silent.close();
    }

    // The server comes back: it replays the PAUSE from the command topic, so the pause is whole.
    a = await standIn(serviceId, { port });
    a.setPeers([b.url]);
    assert.equal(a.query(queryId)?.paused, true, 'the returning server replayed the pause');
    await until(id, (r) => r.state === 'paused' && r.stateDetail === 'paused on all 2 servers', 'paused on both once the server is back');
    await client.resume(id, {});
    await eventually(() => bed.count(sink), (n) => n === 15, 20_000, 'the held records after resume');
    await until(id, (r) => r.state === 'running' && r.stateDetail === null && r.backlog.pending === 0, 'running on both and caught up');
  });

  it('follows a QUEUED answer through /status until the pause is applied', async () => {
    const server = await standIn(unique('svc'), { commandResponseTimeoutMs: 300 });
    await ordersStream(server.url);
    const queryId = await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    await startAgent([server.url]);
    const id = `ksql/${queryId}`;
    await until(id, (r) => r.state === 'running', 'running');

    server.holdCommands();
    let settled = false;
    const pausing = client.pause(id, { reason: 'queued' }).finally(() => (settled = true));
    await eventually(async () => (await fetch(`${server.url}/status/pause/${queryId}/execute`)).json(), (s) => (s as { status: string }).status === 'QUEUED', 5000, 'the command QUEUED');
    await sleep(1500);
    assert.equal(settled, false, 'the agent waits while the command is QUEUED');
    server.releaseCommands();
    const paused = await pausing;
    assert.equal(paused.resource.state, 'paused');
    const applied = agent!.logs.find((l) => l.msg === 'ksqlDB command applied' && l.statement === `PAUSE ${queryId};`);
    assert.equal(applied?.queued, true, 'the log says it was followed from QUEUED');
    assert.equal(applied?.status, 'SUCCESS');
  });

  it('PAUSE ALL and RESUME ALL are one statement each; every query is journaled', async () => {
    const server = await standIn(unique('svc'));
    const topic = await ordersStream(server.url);
    const q1 = await createQuery(server.url, `CREATE STREAM C1 WITH (KAFKA_TOPIC='${unique('c1')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const q2 = await createQuery(server.url, `CREATE STREAM C2 WITH (KAFKA_TOPIC='${unique('c2')}') AS SELECT ID FROM ORDERS EMIT CHANGES;`);
    await startAgent([server.url]);
    await eventually(async () => (await client.snapshot()).resources.length, (n) => n === 2, 10_000, 'two queries listed');
    await bed.produce(topic, orders(1, 3));
    server.statements.length = 0;

    const results = await client.pauseAll('ksql', { reason: 'release freeze', pausedBy: 'ops' });
    assert.deepEqual(results.map((r) => [r.id, r.ok]).sort(), [
      [`ksql/${q1}`, true],
      [`ksql/${q2}`, true],
    ]);
    assert.deepEqual(server.statements.filter((s) => /^(PAUSE|RESUME)/.test(s)), ['PAUSE ALL;']);
    await until(`ksql/${q1}`, (r) => r.state === 'paused' && r.pause?.pausedBy === 'ops', 'q1 paused by ops');
    await until(`ksql/${q2}`, (r) => r.state === 'paused' && r.pause?.reason === 'release freeze', 'q2 paused with the reason');
    assert.deepEqual(await client.pauseAll('ksql', {}), [], 'nothing left to pause');

    await client.resumeAll('ksql', {});
    assert.deepEqual(server.statements.filter((s) => /^(PAUSE|RESUME)/.test(s)), ['PAUSE ALL;', 'RESUME ALL;']);
    await until(`ksql/${q2}`, (r) => r.state === 'running' && r.pause === null, 'q2 running');
    const entries = await new Journal(home.paths.journal).read();
    assert.deepEqual(entries.map((e) => [e.action, e.note]).sort(), [
      ['pause', 'pause-all'],
      ['pause', 'pause-all'],
      ['resume', 'resume-all'],
      ['resume', 'resume-all'],
    ]);
  });

  /** A CREATE SOURCE TABLE over a fresh topic; returns its query id (ksqlDB refuses PAUSE / RESUME of it alone). */
  async function sourceTable(url: string): Promise<string> {
    const topic = unique('users');
    await bed.createTopic(topic);
    const [created] = await ksqlOk(url, `CREATE SOURCE TABLE USERS (NAME VARCHAR PRIMARY KEY, TIER INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    return created.commandStatus!.queryId!;
  }

  it('pause-all with a resume time leaves a source-table query running, since it cannot auto-resume, and resumes the others on time', async () => {
    const server = await standIn(unique('svc'));
    await ordersStream(server.url);
    const q1 = await createQuery(server.url, `CREATE STREAM C1 WITH (KAFKA_TOPIC='${unique('c1')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const q2 = await createQuery(server.url, `CREATE STREAM C2 WITH (KAFKA_TOPIC='${unique('c2')}') AS SELECT ID FROM ORDERS EMIT CHANGES;`);
    const cst = await sourceTable(server.url);
    await startAgent([server.url]);
    const linked = await until(`ksql/${cst}`, (r) => r.state === 'running', 'the source-table query listed');
    assert.deepEqual([linked.capabilities.pause, linked.capabilities.scheduledResume, linked.capabilities.pauseAll], [false, false, true]);
    assert.equal(linked.capabilities.pauseUnavailable, 'it is linked to a source table: ksqlDB pauses and resumes it only with every other query (PAUSE ALL / RESUME ALL)');
    await until(`ksql/${q2}`, (r) => r.state === 'running', 'q2 running');
    server.statements.length = 0;

    const paused = await cli({ paths: home.paths, writeConnections: home.writeConnections }, ['pause-all', 'ksql', '--resume-after', '6s', '--reason', 'short freeze', '--paused-by', 'ops'], { useAgent: true });
    assert.equal(paused.code, 1, 'not everything could be paused');
    assert.deepEqual(paused.stdout.split('\n'), [
      `Paused ksql/${q1}`,
      `Paused ksql/${q2}`,
      `Failed ksql/${cst}: not paused: it cannot auto-resume (${linked.capabilities.pauseUnavailable}); pause all without a resume time to include it`,
    ]);
    assert.match(paused.stderr, /1 of 3 could not be paused/);
    assert.deepEqual(server.statements.filter((s) => /^(PAUSE|RESUME)/.test(s)), [`PAUSE ${q1};`, `PAUSE ${q2};`], 'one by one: PAUSE ALL would hold the source-table query past the resume time');
    assert.deepEqual([server.query(q1)?.paused, server.query(q2)?.paused, server.query(cst)?.paused], [true, true, false]);

    const during = new Map((await client.snapshot()).resources.map((r) => [r.name, r]));
    for (const query of [q1, q2]) {
      assert.equal(during.get(query)?.pause?.reason, 'short freeze');
      assert.ok(during.get(query)?.pause?.resumeAt, `${query} has its auto-resume time`);
    }
    assert.deepEqual([during.get(cst)?.state, during.get(cst)?.pause], ['running', null], 'the source-table query has no pause and nothing scheduled');

    await until(`ksql/${q1}`, (r) => r.state === 'running' && r.pause === null, 'q1 auto-resumed');
    await until(`ksql/${q2}`, (r) => r.state === 'running' && r.pause === null, 'q2 auto-resumed');
    const entries = await eventually(() => new Journal(home.paths.journal).read(), (e) => e.length >= 4, 5000, 'both auto-resumes journaled');
    assert.deepEqual(entries.map((e) => `${e.action} ${e.resource}`).sort(), [`auto-resume ksql/${q1}`, `auto-resume ksql/${q2}`, `pause ksql/${q1}`, `pause ksql/${q2}`], 'nothing journaled for the source-table query');
    for (const resumed of entries.filter((e) => e.action === 'auto-resume')) {
      assert.ok(resumed.resumeAt && Date.parse(resumed.at) >= Date.parse(resumed.resumeAt), `${resumed.resource} resumed at its time, not before`);
    }
    assert.deepEqual(server.statements.filter((s) => /^RESUME/.test(s)).sort(), [`RESUME ${q1};`, `RESUME ${q2};`].sort());
    assert.deepEqual(agent!.logs.filter((l) => /^auto-resume (failed|refused)/.test(l.msg)), []);
  });

  it('an auto-resume ksqlDB refuses (a source-table pause journaled with a resume time) is tried once, journaled, and not retried', async () => {
    const server = await standIn(unique('svc'));
    const cst = await sourceTable(server.url);
    await ksqlOk(server.url, 'PAUSE ALL;');
    // As an older agent journaled PAUSE ALL with a resume time; this agent starts after it.
    home = ksqlHome({ servers: [server.url], bootstrap: kafkaService().bootstrap });
    const pausedAt = new Date().toISOString();
    await new Journal(home.paths.journal).append({
      action: 'pause',
      by: 'ops',
      resource: `ksql/${cst}`,
      scope: null,
      pausedBy: 'ops',
      pausedAt,
      reason: 'freeze',
      resumeAt: new Date(Date.now() + 1000).toISOString(),
      version: 'journal:older-agent',
      via: 'agent',
      note: 'pause-all',
    });
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);

    const entries = await eventually(() => new Journal(home.paths.journal).read(), (e) => e.some((x) => x.action === 'auto-resume-refused'), 15_000, 'the refusal journaled');
    assert.deepEqual(entries.map((e) => e.action), ['pause', 'auto-resume-refused']);
    const refused = entries[1];
    assert.deepEqual([refused.by, refused.resource, refused.pausedBy, refused.reason, refused.version], ['agent:auto-resume', `ksql/${cst}`, 'ops', 'freeze', 'journal:older-agent']);
    assert.match(refused.note ?? '', /; not retried$/);
    const refusal = new RegExp(`^Cannot resume query '${cst}' because it is linked to a source table\\.`);
    assert.match(refused.error ?? '', refusal);

    await sleep(11_500); // longer than the scheduler's retry interval for failures that may pass
    assert.deepEqual(server.statements.filter((s) => s === `RESUME ${cst};`), [`RESUME ${cst};`], 'asked once, never again');
    const errors = agent.logs.filter((l) => l.msg === 'auto-resume refused by the backend; not retried while this pause lasts');
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0].resource, errors[0].code, errors[0].level], [`ksql/${cst}`, 'Unsupported', 50]);
    assert.deepEqual(agent.logs.filter((l) => l.msg.startsWith('auto-resume failed')), [], 'no retry loop');
    assert.equal((await new Journal(home.paths.journal).read()).length, 2, 'one refusal journaled');
    const still = await resource(`ksql/${cst}`);
    assert.deepEqual([still.state, still.pause?.pausedBy, still.pause?.reason], ['paused', 'ops', 'freeze'], 'the pause stays, as ksqlDB holds it');
    // Status no longer says "due now" for a resume that will not come.
    assert.match(still.pause?.autoResumeRefused ?? '', refusal);
    assert.match(statusText(still), new RegExp(`^Auto-resume: refused by the backend \\(Cannot resume query '${cst}' because it is linked to a source table\\. .*\\); resume it by hand \\(`, 'm'));
    assert.equal(server.query(cst)?.paused, true);
  });

  it('lists transient queries without offering a pause, keeps lineage, and words errors as the server does', async () => {
    const server = await standIn(unique('svc'));
    const topic = await ordersStream(server.url);
    const first = await createQuery(server.url, `CREATE STREAM BIG WITH (KAFKA_TOPIC='${unique('big')}') AS SELECT * FROM ORDERS WHERE AMOUNT > 5 EMIT CHANGES;`);
    const second = await createQuery(server.url, `CREATE STREAM HUGE WITH (KAFKA_TOPIC='${unique('huge')}') AS SELECT * FROM BIG WHERE AMOUNT > 50 EMIT CHANGES;`);
    const tableTopic = unique('users');
    await bed.createTopic(tableTopic);
    const [sourceTable] = await ksqlOk(server.url, `CREATE SOURCE TABLE USERS (NAME VARCHAR PRIMARY KEY, TIER INT) WITH (KAFKA_TOPIC='${tableTopic}', VALUE_FORMAT='JSON');`);
    const sourceQuery = sourceTable.commandStatus!.queryId!;

    // A push query, as `SELECT ... EMIT CHANGES` from the ksql CLI; listed while it runs.
    const push = new AbortController();
    const stream = await fetch(`${server.url}/query-stream`, { method: 'POST', body: JSON.stringify({ sql: 'SELECT * FROM ORDERS EMIT CHANGES;', properties: {} }), signal: push.signal });
    const reader = stream.body!.getReader();
    const header = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]) as { queryId: string };
    try {
      await startAgent([server.url]);
      const transient = await until(`ksql/${header.queryId}`, (r) => r.state === 'running', 'the transient query listed');
      assert.deepEqual(transient.capabilities, { pause: false, resume: false, pauseAll: false, scheduledResume: false, scopedPause: false, stop: false });
      assert.equal(transient.stateDetail, 'PUSH query: ksqlDB cannot pause it');
      await assert.rejects(client.pause(`ksql/${header.queryId}`, {}), (error: Error) => {
        assert.equal(error.message, `${header.queryId} is a PUSH (transient) query; ksqlDB can pause only persistent queries`);
        return true;
      });

      const upstream = await resource(`ksql/${first}`);
      const downstream = await resource(`ksql/${second}`);
      assert.deepEqual(upstream.lineage, { upstream: [], downstream: [`ksql/${second}`], inputs: [`kafka-topic:${topic}`], outputs: [`kafka-topic:${server.query(first)!.sink!.topic}`] });
      assert.deepEqual(downstream.lineage.upstream, [`ksql/${first}`]);

      await assert.rejects(client.pause('ksql/unknown_id', {}), (error: Error) => {
        assert.equal(error.message, `Unknown queryId: UNKNOWN_ID (ksqlDB at ${server.url})`);
        return true;
      });
      const linked = await resource(`ksql/${sourceQuery}`);
      assert.equal(linked.capabilities.pause, false, 'not offered, since ksqlDB refuses it');
      await assert.rejects(client.pause(`ksql/${sourceQuery}`, {}), (error: Error) => {
        assert.equal(error.message, `Cannot pause query '${sourceQuery}' because it is linked to a source table. (ksqlDB at ${server.url})`);
        return true;
      });
      await assert.rejects(client.resume(`ksql/${first}`, {}), /is not paused/);
    } finally {
      push.abort();
    }

    const old = await standIn(unique('svc'), { version: '0.27.2' });
    await ordersStream(old.url);
    const oldQuery = await createQuery(old.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    home.writeConnections([{ ...home.connection, name: 'old', servers: [old.url] }]);
    await eventually(async () => (await client.snapshot()).resources.map((r) => r.id), (ids) => ids.includes(`old/${oldQuery}`), 10_000, 'the old server listed');
    await assert.rejects(client.pause(`old/${oldQuery}`, {}), (error: Error) => {
      assert.equal(error.message, `ksqlDB at ${old.url} is version 0.27.2 (GET /info); PAUSE and RESUME need ksqlDB 0.28.2 or later (Confluent Platform 7.3.0+)`);
      return true;
    });
    const direct = await ksql(old.url, `PAUSE ${oldQuery};`);
    assert.equal(direct.status, 400, 'and the old server itself does not know the statement');
  });

  it('shows a pause made outside the product (ksql CLI) as paused by someone unknown, and resumes it', async () => {
    const server = await standIn(unique('svc'));
    await ordersStream(server.url);
    const queryId = await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const id = `ksql/${queryId}`;
    await startAgent([server.url]);
    await until(id, (r) => r.state === 'running', 'running');

    await ksqlOk(server.url, `PAUSE ${queryId.toLowerCase()};`);
    const seen = await until(id, (r) => r.state === 'paused', 'the outside pause');
    assert.equal(seen.pause?.pausedBy, OUTSIDE_PAUSER);
    assert.equal(seen.pause?.reason, null, 'no reason is made up');
    const journaled = await eventually(() => new Journal(home.paths.journal).read(), (e) => e.length === 1, 10_000, 'the observed pause journaled once it has held');
    assert.deepEqual([journaled[0].action, journaled[0].pausedBy, journaled[0].pausedAt], ['observed-pause', OUTSIDE_PAUSER, seen.pause?.pausedAt]);
    await until(id, (r) => r.pause?.pausedAt === seen.pause?.pausedAt && r.pause?.version?.startsWith('observed:') === true, 'the listing to keep the first-seen time');

    const resumed = await client.resume(id.toLowerCase(), {});
    assert.equal(resumed.previous?.pausedBy, OUTSIDE_PAUSER);
    assert.equal(resumed.resource.state, 'running');
    assert.deepEqual(
      (await new Journal(home.paths.journal).read()).map((e) => [e.action, e.resource]),
      [
        ['observed-pause', id],
        ['resume', id],
      ],
      'ids are journaled as ksqlDB spells them, whatever case the user typed',
    );
  });

  it('auto-resumes on time, and a stale auto-resume never resumes a newer pause', async () => {
    const server = await standIn(unique('svc'));
    await ordersStream(server.url);
    const queryId = await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const id = `ksql/${queryId}`;
    await startAgent([server.url]);
    await until(id, (r) => r.state === 'running', 'running');

    const first = await client.pause(id, { reason: 'short', resumeAfter: '2s' });
    assert.equal(first.resource.state, 'paused');
    await until(id, (r) => r.state === 'running', 'the auto-resume', 10_000);
    const entries = await eventually(() => new Journal(home.paths.journal).read(), (e) => e.length === 2, 3000, 'the auto-resume entry');
    assert.deepEqual(entries.map((e) => e.action), ['pause', 'auto-resume']);

    const scheduled = await client.pause(id, { reason: 'scheduled', resumeAfter: '2s' });
    await client.pause(id, { reason: 'newer, manual', force: true });
    await sleep(3500);
    const still = await resource(id);
    assert.deepEqual([still.state, still.pause?.reason], ['paused', 'newer, manual']);
    // The conditional resume itself, as if the old timer had fired just before the newer pause was seen.
    const outcome = await agent!.core.service.autoResume(id, null, scheduled.pause.version ?? '', 'test');
    assert.equal(outcome.resumed, false);
    assert.equal(server.query(queryId)?.paused, true);
  });

  it('picks up a pause journaled by a CLI without the agent (the journal file grew)', async () => {
    const server = await standIn(unique('svc'));
    await ordersStream(server.url);
    const queryId = await createQuery(server.url, `CREATE STREAM COPY WITH (KAFKA_TOPIC='${unique('copy')}') AS SELECT * FROM ORDERS EMIT CHANGES;`);
    const id = `ksql/${queryId}`;
    await startAgent([server.url]);
    await until(id, (r) => r.state === 'running', 'running');
    const paused = await cli({ paths: home.paths, writeConnections: home.writeConnections }, ['pause', id, '--reason', 'from a terminal', '--paused-by', 'dave'], { useAgent: false });
    assert.equal(paused.code, 0, paused.stderr);
    const seen = (await eventually(async () => (await client.snapshot()).resources.find((r) => r.id === id), (r) => r?.pause?.pausedBy === 'dave', 10_000, 'the agent to show the CLI\'s pause'))!;
    assert.equal(seen.pause?.reason, 'from a terminal');
    await sleep(3500);
    assert.deepEqual(
      (await new Journal(home.paths.journal).read()).map((e) => [e.action, e.via]),
      [['pause', 'cli']],
      'the agent did not take it for an outside pause',
    );
  });
});

/** Listens on a port, accepts connections and never answers: a server that is unreachable but not refusing. */
async function silentListener(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    close: async () => {
      // Stop accepting first: the agent keeps connecting, and close() waits for every open socket.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
