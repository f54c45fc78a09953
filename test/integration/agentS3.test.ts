import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import { freePort } from '../../sandbox/process';
import { connectEvents, startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

const PAUSE_KEY = 'control/paused.json';

describe('agent with S3 queues (real S3 server)', function () {
  this.timeout(60_000);
  let bucket: string;
  let home: TestHome;
  let agent: TestAgent | null;
  let client: AgentClient;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('agent');
    home = await testHome([bucket]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });
  afterEach(async () => {
    await agent?.close();
  });

  const id = () => `local/${bucket}`;
  const pauseObject = async () => readKey(bucket, PAUSE_KEY);

  it('pushes a snapshot, then the change when a pause is made outside the agent (CLI without agent)', async () => {
    await eventually(async () => (await client.snapshot()).resources.map((r) => r.state), (s) => s[0] === 'running', 5000, 'first listing');
    assert.equal((await client.snapshot()).resources[0].capabilities.stop, false, 'an S3 queue has no stop: its adapter cannot');
    const { messages, socket } = await connectEvents(agent!);
    try {
      await eventually(async () => messages.length, (n) => n >= 1, 2000, 'snapshot');
      assert.equal(messages[0].type, 'snapshot');
      assert.equal(await cli(home, ['pause', id(), '--reason', 'from the terminal']).then((r) => r.code), 0);
      const change = await eventually(
        async () => messages.find((m) => m.type === 'resource-changed' && m.resource.state === 'paused'),
        (m) => m !== undefined,
        5000,
        'resource-changed to paused',
      );
      assert.equal(change?.type === 'resource-changed' && change.resource.pause?.reason, 'from the terminal');
    } finally {
      socket.close();
    }
  });

  it('the CLI goes through a running agent, with the same output and errors', async () => {
    const paused = await cli(home, ['pause', id(), '--reason', 'via agent', '--paused-by', 'carol'], { useAgent: true });
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /^Paused local\/agent-\w+\nPaused at: .*\nPaused by: carol\nReason: via agent\nAuto-resume: none \(manual resume\)$/);
    const again = await cli(home, ['pause', id()], { useAgent: true });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: queue "[^"]+" is already paused by carol since .* \(reason: via agent\); use --force to overwrite$/);
    const bad = await cli(home, ['pause', id(), '--resume-after', '3x'], { useAgent: true });
    assert.equal(bad.code, 2);
    assert.equal((await cli(home, ['resume', id()], { useAgent: true })).code, 0);
    const entries = await new Journal(home.paths.journal).read();
    assert.deepEqual(entries.map((e) => [e.action, e.via]), [['pause', 'agent'], ['resume', 'agent']], 'the agent, not the CLI, made the changes');
  });

  it('pauses and resumes through the API, and answers AlreadyPaused as a 409 naming the pause', async () => {
    const paused = await client.pause(id(), { reason: 'api', pausedBy: 'bob' });
    assert.equal(paused.resource.state, 'paused');
    assert.equal(paused.resource.pause?.pausedBy, 'bob');
    await assert.rejects(client.pause(id(), {}), /already paused by bob since .* \(reason: api\)/);
    const resumed = await client.resume(id(), {});
    assert.equal(resumed.resource.state, 'running');
    assert.equal(await pauseObject(), null);
  });

  it('auto-resumes when resume_at passes and records it in the journal', async () => {
    await client.pause(id(), { reason: 'short', resumeAfter: '2s' });
    const resumeAt = Date.parse(JSON.parse((await pauseObject()) ?? '{}').resume_at);
    assert.ok(Number.isFinite(resumeAt), 'the control object carries resume_at');
    // Not early: the pause holds until resume_at (the sandbox server shares this host's clock).
    await eventually(pauseObject, (body) => body === null || Date.now() >= resumeAt, 8000, 'resume_at to come');
    assert.ok(Date.now() >= resumeAt || (await pauseObject()) !== null, 'the control object was deleted before resume_at');
    await eventually(pauseObject, (body) => body === null, 8000, 'the control object to be deleted by the auto-resume');
    // The journal line follows the delete, so it may land a moment after the object is gone.
    const entries = await eventually(() => new Journal(home.paths.journal).read(), (e) => e.length === 2, 3000, 'the auto-resume journal entry');
    assert.deepEqual(entries.map((e) => e.action), ['pause', 'auto-resume']);
    assert.ok(Date.parse(entries[1].at) >= resumeAt, `auto-resumed at ${entries[1].at}, before resume_at`);
    // The scheduler logs once the whole resume (journal included) has returned.
    await eventually(async () => agent!.logs.some((l) => l.msg === 'auto-resumed'), Boolean, 3000, 'the auto-resumed log line');
  });

  it('never lets a stale auto-resume delete a newer pause that replaced it', async () => {
    const first = await client.pause(id(), { reason: 'first', resumeAfter: '2s' });
    await cli(home, ['pause', id(), '--reason', 'newer, manual', '--force']);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(JSON.parse((await pauseObject()) ?? '{}').reason, 'newer, manual');
    // The conditional delete itself, as if the timer had fired just before the replacement was seen.
    const firstVersion = first.pause.version;
    assert.ok(firstVersion, 'the agent knows which version of the control object it scheduled');
    const outcome = await agent!.core.service.autoResume(id(), null, firstVersion, 'test');
    assert.equal(outcome.resumed, false);
    assert.equal(JSON.parse((await pauseObject()) ?? '{}').reason, 'newer, manual');
  });

  it('after a restart, runs an overdue auto-resume at once and says so; a future one runs on time', async () => {
    await agent!.close();
    agent = null;
    await cli(home, ['pause', id(), '--resume-after', '1s']);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.notEqual(await pauseObject(), null, 'nobody resumed it while the agent was down');
    agent = await startTestAgent(home.paths);
    await eventually(pauseObject, (body) => body === null, 5000, 'overdue auto-resume at start');
    assert.ok(agent.logs.some((l) => l.msg === 'auto-resume overdue: resuming now'), 'the log says it was overdue');

    await agent.close();
    await cli(home, ['pause', id(), '--resume-after', '4s']);
    agent = await startTestAgent(home.paths);
    await eventually(async () => agent!.logs.some((l) => l.msg === 'auto-resume scheduled'), (v) => v, 5000, 'scheduled log line');
    assert.notEqual(await pauseObject(), null, 'not resumed before its time');
    await eventually(pauseObject, (body) => body === null, 8000, 'on-time auto-resume after restart');
  });

  it('exports the seed metrics per bucket', async () => {
    await client.pause(id(), { reason: 'metrics' });
    const text = await (await fetch(agent!.url('/metrics'), { headers: { authorization: `Bearer ${agent!.token}` } })).text();
    assert.match(text, new RegExp(`^buquet_queue_paused\\{connection="local",bucket="${bucket}"\\} 1$`, 'm'));
    assert.match(text, new RegExp(`^buquet_pause_events_total\\{connection="local",bucket="${bucket}",action="pause"\\} 1$`, 'm'));
    assert.match(text, new RegExp(`^buquet_pause_duration_seconds\\{connection="local",bucket="${bucket}"\\} [0-9.]+$`, 'm'));
    await client.resume(id(), {});
    const after = await (await fetch(agent!.url('/metrics'), { headers: { authorization: `Bearer ${agent!.token}` } })).text();
    assert.match(after, new RegExp(`^buquet_queue_paused\\{connection="local",bucket="${bucket}"\\} 0$`, 'm'));
    assert.match(after, new RegExp(`^buquet_pause_events_total\\{connection="local",bucket="${bucket}",action="resume"\\} 1$`, 'm'));
  });

  it('shows a down backend as unreachable while the others keep working', async () => {
    const port = await freePort();
    home.writeConnections([
      { name: 'local', kind: 's3-queue', endpoint: services().s3.endpoint, profile: services().s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'down', kind: 's3-queue', endpoint: `http://127.0.0.1:${port}`, profile: services().s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
    ]);
    const snapshot = await eventually(() => client.snapshot(), (s) => s.connections.find((c) => c.name === 'down')?.status === 'unreachable', 10_000, 'down connection reported');
    assert.match(snapshot.connections.find((c) => c.name === 'down')?.error ?? '', /cannot reach S3/);
    assert.equal((await client.pause(id(), { reason: 'still works' })).resource.state, 'paused');
  });

  it('keeps the last good connections when the file turns invalid, and says why', async () => {
    await eventually(async () => (await client.snapshot()).resources.length, (n) => n === 1, 5000, 'listing');
    writeFileSync(home.paths.connections, '{ "connections": [ { "name": "x", "kind": "kafka-magic" } ] }');
    const broken = await eventually(() => client.snapshot(), (s) => s.configError !== null, 5000, 'config error');
    assert.match(broken.configError ?? '', /is invalid: connections\.0\.kind/);
    assert.equal(broken.resources.length, 1);
    writeFileSync(home.paths.connections, '{ not json');
    assert.match((await eventually(() => client.snapshot(), (s) => /not valid JSON/.test(s.configError ?? ''), 5000, 'json error')).configError ?? '', /not valid JSON/);
  });

  it('pauses and resumes everything in a connection', async () => {
    const other = uniqueBucket('agent2');
    await testHome([other]);
    home.writeConnections([{ name: 'local', kind: 's3-queue', endpoint: services().s3.endpoint, profile: services().s3.profile, buckets: [bucket, other], pollIntervalSeconds: 0.2 }]);
    await eventually(async () => (await client.snapshot()).resources.length, (n) => n === 2, 5000, 'two queues');
    await client.pause(id(), { reason: 'paused before' });
    const paused = await client.pauseAll('local', { reason: 'maintenance' });
    assert.deepEqual(paused.map((r) => [r.id, r.ok]), [[`local/${other}`, true]], 'what is already paused is left alone');
    assert.equal(JSON.parse((await pauseObject()) ?? '{}').reason, 'paused before');
    assert.notEqual(await readKey(other, PAUSE_KEY), null);
    const resumed = await client.resumeAll(null, {});
    assert.deepEqual(resumed.map((r) => r.ok), [true, true]);
    assert.equal(await readKey(other, PAUSE_KEY), null);
    assert.equal(await pauseObject(), null);
  });
});
