import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../agent/core/journal';
import { OUTSIDE_PAUSER } from '../../agent/core/journalPauses';
import { AgentClient } from '../../client/agentClient';
import { agentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { cli, type TestHome } from '../support/testEnv';
import { waitFor as waitForProbe } from '../support/waitFor';
import { RelationalMigratorStandIn } from '../standins/migrator/migratorStandIn';

/**
 * The Relational Migrator adapter through the real agent and CLI, against the Relational
 * Migrator STAND-IN (test/standins/migrator): the real Migrator is proprietary and cannot run
 * here. Job states are read from the stand-in directly, never through the product.
 */
const HOUR = 3600_000;
const RETENTION_MS = 72 * HOUR;

/** The stand-in answers at once: poll it more often and for less time than a real server. */
const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000) => waitForProbe(what, probe, timeoutMs, 100);

/** Calls the stand-in's HTTP API directly, as any client would: status, content type and parsed body. */
async function direct(url: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: Record<string, unknown> | string }> {
  const response = await fetch(url, { method: 'POST', ...init });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, body: type.startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : text };
}

/** The documented error body, exactly: these four fields and no others, with a readable timestamp. */
function assertErrorBody(answer: { type: string; body: Record<string, unknown> | string }, expected: { jobId: string | null; message: string; description: string }): void {
  assert.match(answer.type, /^application\/json/);
  assert.ok(typeof answer.body === 'object', `a JSON body, not ${String(answer.body).slice(0, 80)}`);
  const { timestamp, ...rest } = answer.body;
  assert.deepEqual(rest, expected);
  assert.ok(typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp)), `timestamp ${String(timestamp)}`);
}

describe('Relational Migrator sync jobs through the agent (Relational Migrator stand-in)', function () {
  this.timeout(60_000);
  let standIn: RelationalMigratorStandIn;
  let home: TestHome;
  let agent: TestAgent;
  let client: AgentClient;

  const id = (job: Record<string, unknown>, connection = 'migrator') => `${connection}/${String(job.id)}`;
  const standInJob = (job: Record<string, unknown>) => standIn.job(String(job.id));
  const pauseCalls = () => standIn.requests.filter((r) => /\/pause$/.test(r));
  const row = (job: Record<string, unknown>, what: string, accept: (r: Resource) => boolean, connection = 'migrator') =>
    waitFor(`job ${String(job.id)} ${what}`, async () => {
      const found = (await client.snapshot()).resources.find((r) => r.id === id(job, connection));
      return found && accept(found) ? found : false;
    });

  before(async () => {
    standIn = await RelationalMigratorStandIn.start();
    const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-migrator-')) });
    home = { paths, writeConnections: () => undefined };
    writeFileSync(
      paths.connections,
      JSON.stringify({
        connections: [
          { name: 'migrator', kind: 'relational-migrator', url: standIn.url, cdcRetention: '72h', pollIntervalSeconds: 0.3, settleSeconds: 2 },
          // The same Migrator, declared as running without Kafka: pause is never offered.
          { name: 'no-kafka', kind: 'relational-migrator', url: standIn.url, kafkaSupport: false, pollIntervalSeconds: 0.3 },
          // The jobs endpoint pasted as the URL: every call lands on a route the Migrator lacks.
          { name: 'pasted-url', kind: 'relational-migrator', url: `${standIn.url}/api/v1/jobs`, pollIntervalSeconds: 0.5 },
        ],
      }),
    );
    agent = await startTestAgent(paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });

  after(async () => {
    await agent?.close();
    await standIn?.close();
  });

  it('lists jobs by stage and offers pause only to a continuous job in its CDC stage, saying why not otherwise', async () => {
    const inCdc = standIn.submit({ projectId: 'orders' });
    standIn.setStage(String(inCdc.id), 'cdc');
    const inSnapshot = standIn.submit({ projectId: 'orders' });
    const snapshotOnly = standIn.submit({ projectId: 'orders', mode: 'SNAPSHOT' });
    const failed = standIn.submit({ projectId: 'orders' });
    standIn.setStage(String(failed.id), 'failed', 'ORA-01555: snapshot too old');

    const cdcRow = await row(inCdc, 'in its CDC stage', (r) => r.state === 'running');
    assert.equal(cdcRow.kind, 'relational-migrator');
    assert.equal(cdcRow.capabilities.pause, true);
    assert.equal(cdcRow.capabilities.pauseUnavailable, null);
    assert.match(cdcRow.stateDetail ?? '', /^CDC stage, 300 events in the last minute; project orders$/);

    const snapshotRow = await row(inSnapshot, 'in its snapshot stage', (r) => r.state === 'running');
    assert.equal(snapshotRow.capabilities.pause, false);
    assert.equal(snapshotRow.capabilities.pauseUnavailable, 'it is still in its snapshot stage; pause is offered once its CDC stage runs');
    assert.equal(snapshotRow.stateDetail, 'snapshot stage; project orders');
    const onlyRow = await row(snapshotOnly, 'listed', () => true);
    assert.equal(onlyRow.capabilities.pauseUnavailable, 'it is a snapshot-only job; only continuous sync jobs have a CDC stage that can pause');
    const failedRow = await row(failed, 'failed', (r) => r.state === 'failed');
    assert.equal(failedRow.lastError, 'ORA-01555: snapshot too old');
    const noKafka = await row(inCdc, 'listed without Kafka support', () => true, 'no-kafka');
    assert.equal(noKafka.capabilities.pause, false);
    assert.match(noKafka.capabilities.pauseUnavailable ?? '', /without Kafka support .*only Kafka-backed sync jobs can pause/);

    // Asked anyway (CLI through the agent): refused with the reason, and the Migrator never asked.
    const refused = await cli(home, ['pause', id(inSnapshot)], { useAgent: true });
    assert.deepEqual([refused.code, refused.stderr], [1, `error: cannot pause Relational Migrator job ${String(inSnapshot.id)}: it is still in its snapshot stage; pause is offered once its CDC stage runs`]);
    const refusedOnly = await cli(home, ['pause', id(snapshotOnly)], { useAgent: true });
    assert.match(refusedOnly.stderr, /snapshot-only job; only continuous sync jobs have a CDC stage that can pause$/);
    assert.match((await cli(home, ['pause', id(inCdc, 'no-kafka')], { useAgent: true })).stderr, /runs without Kafka support/);
    assert.deepEqual(pauseCalls(), []);
    const status = await cli(home, ['status', id(inSnapshot)], { useAgent: true });
    assert.match(status.stdout, /^Sync job: migrator\/.*\nStatus: RUNNING \(snapshot stage; project orders\)\nPause: not available: it is still in its snapshot stage; pause is offered once its CDC stage runs/);

    // Once the snapshot is done and CDC runs, pause is offered.
    standIn.setStage(String(inSnapshot.id), 'cdc');
    await row(inSnapshot, 'pausable in its CDC stage', (r) => r.capabilities.pause);
  });

  it("pauses and resumes a job in its CDC stage through the Migrator's API; the retention deadline counts from the pause", async () => {
    const job = standIn.submit({ projectId: 'billing' });
    standIn.setStage(String(job.id), 'cdc');
    await row(job, 'pausable', (r) => r.capabilities.pause);
    const before = Date.now();
    const paused = await client.pause(id(job), { reason: 'altering the target collection', pausedBy: 'dana' });
    const after = Date.now();
    assert.deepEqual([standInJob(job).status, standInJob(job).cdcStatus], ['PAUSED', 'PAUSED'], 'the Migrator itself reports the job paused');
    assert.deepEqual(pauseCalls().at(-1), `POST /api/v1/jobs/${String(job.id)}/pause`);
    assert.equal(paused.resource.state, 'paused');
    assert.equal(paused.resource.pause?.pausedBy, 'dana');
    assert.equal(paused.resource.pause?.reason, 'altering the target collection');
    const lossAt = Date.parse(paused.resource.backlog.dataLossAt ?? '');
    assert.ok(lossAt >= before + RETENTION_MS && lossAt <= after + RETENTION_MS, `deadline ${paused.resource.backlog.dataLossAt} is the pause + 72h`);
    assert.equal(paused.resource.stateDetail, 'CDC stage paused; CDC retention 72 hours; project billing');

    const events = (standInJob(job).cdcStatistics as { totalEventsSeen: number }).totalEventsSeen;
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((standInJob(job).cdcStatistics as { totalEventsSeen: number }).totalEventsSeen, events, 'no events captured while paused');

    const status = await cli(home, ['status', id(job)], { useAgent: true });
    assert.match(status.stdout, /\nResume before: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 72 hours\); paused data may be lost after that/);
    assert.match(status.stdout, /\nPaused by: dana\nReason: altering the target collection\n/);

    const resumed = await client.resume(id(job), {});
    assert.equal(resumed.previous?.pausedBy, 'dana');
    assert.equal(resumed.resource.state, 'running');
    // Running again: the deadline shown is the one a pause begun now would have (to the minute).
    const ifPausedNow = Date.parse(resumed.resource.backlog.dataLossAt ?? '');
    assert.ok(ifPausedNow > Date.now() + RETENTION_MS - 61_000 && ifPausedNow <= Date.now() + RETENTION_MS, resumed.resource.backlog.dataLossAt ?? 'none');
    assert.deepEqual([standInJob(job).status, standInJob(job).cdcStatus], ['RUNNING', 'RUNNING']);
    const entries = (await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job));
    assert.deepEqual(entries.map((e) => [e.action, e.pausedBy, e.reason]), [
      ['pause', 'dana', 'altering the target collection'],
      ['resume', 'dana', 'altering the target collection'],
    ]);
  });

  it('a job paused in the Migrator itself: shown paused, deadline counted from when CDC was last seen running', async () => {
    const job = standIn.submit({ projectId: 'billing' });
    standIn.setStage(String(job.id), 'cdc');
    await row(job, 'seen running in CDC', (r) => r.capabilities.pause);
    const pausedAt = Date.now();
    const direct = await fetch(`${standIn.url}/api/v1/jobs/${String(job.id)}/pause`, { method: 'POST' });
    assert.equal(direct.status, 200);
    const seen = await row(job, 'paused', (r) => r.state === 'paused' && r.pause !== null);
    assert.equal(seen.pause?.pausedBy, OUTSIDE_PAUSER);
    const lossAt = Date.parse(seen.backlog.dataLossAt ?? '');
    assert.ok(lossAt <= pausedAt + RETENTION_MS, 'never later than the real deadline');
    assert.ok(lossAt >= pausedAt + RETENTION_MS - 2000, 'within a poll or so of it');
    assert.match(seen.stateDetail ?? '', /counted from when CDC was last seen running/);
    await client.resume(id(job), {});
    assert.equal(standInJob(job).cdcStatus, 'RUNNING');
  });

  it('auto-resumes a job paused for a while (the agent keeps the time: the Migrator has none)', async () => {
    const job = standIn.submit({ projectId: 'billing' });
    standIn.setStage(String(job.id), 'cdc');
    await row(job, 'pausable', (r) => r.capabilities.pause);
    const paused = await client.pause(id(job), { resumeAfter: '2s' });
    assert.ok(paused.resource.pause?.resumeAt);
    assert.equal(standInJob(job).cdcStatus, 'PAUSED');
    await waitFor('the agent to resume the job', async () => standInJob(job).cdcStatus === 'RUNNING', 10_000);
    // The core journals the auto-resume once the Migrator's answer is back, a moment after the
    // stand-in already shows it: wait for the entry rather than race it.
    const actions = await waitFor('the auto-resume journaled', async () => {
      const found = (await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job)).map((e) => e.action);
      return found.length >= 2 ? found : false;
    });
    assert.deepEqual(actions, ['pause', 'auto-resume']);
  });

  it("surfaces the Migrator's error bodies: unknown job, a refusal it makes itself, and pre-2026 status codes", async () => {
    const unknown = await cli(home, ['pause', 'migrator/no-such-job'], { useAgent: true });
    assert.deepEqual([unknown.code, unknown.stderr], [2, `error: Relational Migrator at ${standIn.url} answered 404: Job not found (There is no sync job with id no-such-job)`]);

    // The connection says Kafka (the default), the Migrator says otherwise: its own answer is shown.
    const job = standIn.submit({ projectId: 'billing' });
    standIn.setStage(String(job.id), 'cdc');
    await row(job, 'pausable', (r) => r.capabilities.pause);
    standIn.kafka = false;
    try {
      const refused = await cli(home, ['pause', id(job)], { useAgent: true });
      assert.deepEqual(
        [refused.code, refused.stderr],
        [1, `error: Relational Migrator at ${standIn.url} answered 400: Job cannot be paused (Pausing a sync job requires Relational Migrator to run with Kafka support)`],
      );
      assert.equal(standInJob(job).cdcStatus, 'RUNNING');
    } finally {
      standIn.kafka = true;
    }

    // Releases before mid-2026 answered with custom codes: any non-2xx is an error, its message shown.
    standIn.legacyErrorCodes = true;
    standIn.kafka = false;
    try {
      const legacy = await cli(home, ['status', 'migrator/no-such-job'], { useAgent: true });
      assert.deepEqual([legacy.code, legacy.stderr], [1, `error: Relational Migrator at ${standIn.url} answered 434: Job not found (There is no sync job with id no-such-job)`]);
      const refused = await cli(home, ['pause', id(job)], { useAgent: true });
      assert.deepEqual([refused.code, refused.stderr], [1, `error: Relational Migrator at ${standIn.url} answered 470: Job cannot be paused (Pausing a sync job requires Relational Migrator to run with Kafka support)`]);
    } finally {
      standIn.legacyErrorCodes = false;
      standIn.kafka = true;
    }
    assert.equal(standInJob(job).cdcStatus, 'RUNNING');
    assert.deepEqual((await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job)), [], 'nothing journaled for refused pauses');
  });

  it('the stand-in itself answers the documented 400 for a job outside its CDC stage, as the agent refuses; a job that leaves CDC just before the pause shows the server\'s words', async () => {
    // A job in its snapshot stage: the agent refuses without asking the Migrator...
    const job = standIn.submit({ projectId: 'catalog' });
    await row(job, 'in its snapshot stage', (r) => r.state === 'running' && !r.capabilities.pause);
    const before = pauseCalls().length;
    const refused = await cli(home, ['pause', id(job)], { useAgent: true });
    assert.deepEqual([refused.code, refused.stderr], [1, `error: cannot pause Relational Migrator job ${String(job.id)}: it is still in its snapshot stage; pause is offered once its CDC stage runs`]);
    assert.equal(pauseCalls().length, before, 'the agent did not ask the Migrator');
    // ...and the Migrator, asked directly, refuses the same job for the same reason.
    const answer = await direct(`${standIn.url}/api/v1/jobs/${String(job.id)}/pause`);
    assert.equal(answer.status, 400);
    assertErrorBody(answer, { jobId: String(job.id), message: 'Job cannot be paused', description: 'The job is not in its CDC stage yet; its cdcStatus is NOT_STARTED' });
    assert.deepEqual([standInJob(job).status, standInJob(job).cdcStatus], ['RUNNING', 'NOT_STARTED']);

    // The agent reads the job in CDC, then its CDC stage starts completing before the pause call
    // arrives: the Migrator's 400 is what the user reads, and nothing is paused or journaled.
    const racing = standIn.submit({ projectId: 'catalog' });
    standIn.setStage(String(racing.id), 'cdc');
    await row(racing, 'pausable', (r) => r.capabilities.pause);
    const pauseCall = `POST /api/v1/jobs/${String(racing.id)}/pause`;
    standIn.onRequest = (request) => {
      if (request === pauseCall) standIn.setStage(String(racing.id), 'completing');
    };
    try {
      const late = await cli(home, ['pause', id(racing)], { useAgent: true });
      assert.deepEqual(
        [late.code, late.stderr],
        [1, `error: Relational Migrator at ${standIn.url} answered 400: Job cannot be paused (The job is not in its CDC stage; its cdcStatus is COMPLETING)`],
      );
    } finally {
      standIn.onRequest = null;
    }
    assert.deepEqual(standIn.requests.filter((r) => r === pauseCall), [pauseCall], 'the pause call did reach the Migrator');
    assert.deepEqual([standInJob(racing).status, standInJob(racing).cdcStatus], ['RUNNING', 'COMPLETING']);
    const seen = await row(racing, 'completing', (r) => r.stateDetail?.startsWith('CDC stage completing') ?? false);
    assert.equal(seen.capabilities.pauseUnavailable, 'its CDC stage is completing', 'the agent now refuses for the reason the Migrator gave');
    assert.deepEqual((await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job) || e.resource === id(racing)), []);
  });

  it('INCREMENTAL jobs are not offered pause, even in a CDC stage, and the stand-in refuses them too', async () => {
    const job = standIn.submit({ projectId: 'catalog', mode: 'INCREMENTAL' });
    standIn.setStage(String(job.id), 'cdc');
    const reason = 'its mode is INCREMENTAL; Relational Migrator documents pause only for Kafka-backed continuous (CDC mode) sync jobs';
    const listed = await row(job, 'in its CDC stage', (r) => r.state === 'running');
    assert.deepEqual([listed.capabilities.pause, listed.capabilities.pauseUnavailable, listed.backlog.dataLossAt], [false, reason, null]);
    const before = pauseCalls().length;
    const refused = await cli(home, ['pause', id(job)], { useAgent: true });
    assert.deepEqual([refused.code, refused.stderr], [1, `error: cannot pause Relational Migrator job ${String(job.id)}: ${reason}`]);
    assert.equal(pauseCalls().length, before, 'the agent did not ask the Migrator');
    const answer = await direct(`${standIn.url}/api/v1/jobs/${String(job.id)}/pause`);
    assert.equal(answer.status, 400);
    assertErrorBody(answer, { jobId: String(job.id), message: 'Job cannot be paused', description: "Only continuous (CDC mode) sync jobs can be paused; this job's mode is INCREMENTAL" });
    assert.deepEqual([standInJob(job).status, standInJob(job).cdcStatus], ['RUNNING', 'RUNNING']);
    assert.deepEqual((await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job)), []);
  });

  it('malformed request bodies and unknown API routes get the documented error body; the agent shows it on one line and changes nothing', async () => {
    // Directly: a malformed JSON body is a 400, an unknown route a 404, both with the documented body.
    const jobsBefore = standIn.jobs.size;
    const malformed = await direct(`${standIn.url}/api/v1/jobs`, { headers: { 'content-type': 'application/json' }, body: '{"projectId": ' });
    assert.equal(malformed.status, 400);
    assert.ok(typeof malformed.body === 'object' && typeof malformed.body.description === 'string' && malformed.body.description.startsWith('The request body could not be read: '), JSON.stringify(malformed.body));
    assertErrorBody(malformed, { jobId: null, message: 'Invalid request body', description: (malformed.body as { description: string }).description });
    assert.equal(standIn.jobs.size, jobsBefore, 'no job was submitted');
    assertErrorBody(await direct(`${standIn.url}/api/v1/no-such-route`, { method: 'GET' }), { jobId: null, message: 'Not found', description: 'There is no API endpoint GET /api/v1/no-such-route' });
    const wrongMethod = await direct(`${standIn.url}/api/v1/jobs/some-job/pause`, { method: 'GET' });
    assert.equal(wrongMethod.status, 404);
    assertErrorBody(wrongMethod, { jobId: null, message: 'Not found', description: 'There is no API endpoint GET /api/v1/jobs/some-job/pause' });
    standIn.legacyErrorCodes = true;
    try {
      assert.equal((await direct(`${standIn.url}/api/v1/jobs`, { headers: { 'content-type': 'application/json' }, body: '{' })).status, 432);
      assert.equal((await direct(`${standIn.url}/api/v1/nothing`, { method: 'GET' })).status, 434);
    } finally {
      standIn.legacyErrorCodes = false;
    }

    // Through the agent: a connection whose URL is the jobs endpoint calls routes that do not exist.
    const job = standIn.submit({ projectId: 'catalog' });
    standIn.setStage(String(job.id), 'cdc');
    await row(job, 'pausable', (r) => r.capabilities.pause);
    const base = `${standIn.url}/api/v1/jobs`;
    const connection = await waitFor('the pasted-url connection to report its error', async () => (await client.snapshot()).connections.find((c) => c.name === 'pasted-url' && c.error !== null));
    assert.match(connection.error ?? '', new RegExp(`^Relational Migrator at ${base.replace(/[.]/g, '\\.')} answered 404: Not found \\(There is no API endpoint GET /api/v1/jobs/api/v1/jobs\\)$`));
    const route = `/api/v1/jobs/api/v1/jobs/${String(job.id)}`;
    const status = await cli(home, ['status', id(job, 'pasted-url')], { useAgent: true });
    assert.deepEqual([status.code, status.stderr], [2, `error: Relational Migrator at ${base} answered 404: Not found (There is no API endpoint GET ${route})`]);
    const before = pauseCalls().length;
    const paused = await cli(home, ['pause', id(job, 'pasted-url')], { useAgent: true });
    assert.deepEqual([paused.code, paused.stderr], [2, `error: Relational Migrator at ${base} answered 404: Not found (There is no API endpoint GET ${route})`]);
    assert.equal(pauseCalls().length, before, 'no pause call was made');
    assert.deepEqual([standInJob(job).status, standInJob(job).cdcStatus], ['RUNNING', 'RUNNING']);
    assert.deepEqual((await new Journal(home.paths.journal).read()).filter((e) => e.resource === id(job, 'pasted-url')), []);
  });
});
