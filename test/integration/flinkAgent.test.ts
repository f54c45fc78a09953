import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { AgentClient } from '../../client/agentClient';
import { agentPaths, type AgentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { jobState, openSession, runStatement } from '../support/flinkSql';
import { produceRaw, readRaw } from '../support/rawRecords';
import { flinkService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { cli, type TestHome } from '../support/testEnv';
import { waitFor } from '../support/waitFor';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The Flink adapter, driven as a user drives it (the agent's API and the CLI), against the
 * sandbox's real Flink 2.2 session cluster and SQL Gateway on the real broker. A pause is a stop
 * with savepoint and a resume restores from it: checked where it lands, in Flink's own job states
 * and in the topics' offsets and contents.
 */
useSandboxServices('kafka', 'flink');

const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

describe('Flink SQL jobs through the agent (real Flink 2.2 session cluster and SQL Gateway)', function () {
  this.timeout(180_000);
  const [input, middle, output] = [unique('pp_flink_in'), unique('pp_flink_mid'), unique('pp_flink_out')];
  const upper = unique('upper');
  const exclaim = unique('exclaim');
  let kafka: Kafka;
  let admin: Admin;
  let home: TestHome;
  let agent: TestAgent;
  let client: AgentClient;
  let dir: string;
  let paths: AgentPaths;
  const cancelOnExit: string[] = [];

  const kafkaTable = (name: string, topic: string, source: boolean) =>
    `CREATE TABLE ${name} (v STRING) WITH (\n  'connector' = 'kafka',\n  'topic' = '${topic}',\n  'properties.bootstrap.servers' = '${kafkaService().bootstrap}',\n` +
    (source ? `  'properties.group.id' = '${topic}_group',\n  'scan.startup.mode' = 'earliest-offset',\n` : '') +
    `  'format' = 'raw'\n);`;
  /** In -> UPPER -> middle, and middle -> "!" -> out: two jobs, the second downstream of the first. */
  const upperScript = () => [kafkaTable('src', input, true), kafkaTable(upper, middle, false), `INSERT INTO ${upper} SELECT UPPER(v) FROM src;`].join('\n');
  const exclaimScript = (suffix = '!') => [kafkaTable('mid', middle, true), kafkaTable(exclaim, output, false), `INSERT INTO ${exclaim}\nSELECT CONCAT(v, '${suffix}') FROM mid;`].join('\n');

  const highWatermark = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  const waitForResource = (name: string, what: string, accept: (resource: Resource) => boolean, timeoutMs = 60_000) =>
    waitFor(`flink/${name} ${what}`, async () => {
      const found = (await client.snapshot()).resources.find((resource) => resource.id === `flink/${name}`);
      return found && accept(found) ? found : false;
    }, timeoutMs);
  const produce = (values: string[]) => produceRaw(kafka, input, values);
  const readAll = async (topic: string, expected: number) => (await readRaw(kafka, topic, expected)).sort();
  function scriptFile(name: string, text: string): string {
    const file = join(dir, `${name}.sql`);
    writeFileSync(file, text);
    return file;
  }
  const flinkJobs = async () => ((await (await fetch(`${flinkService().restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; name: string; state: string }> }).jobs;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-flink-agent-'));
    kafka = new Kafka({ clientId: 'flink-agent-test', brokers: [kafkaService().bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [input, middle, output].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-flink-')) });
    const writeConnections = (connections: object[]) => writeFileSync(paths.connections, JSON.stringify({ connections }, null, 2));
    home = { paths, writeConnections };
    writeConnections([
      { name: 'flink', kind: 'flink', url: flinkService().restUrl, gatewayUrl: flinkService().gatewayUrl, jobs: [upper, exclaim], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5 },
      { name: 'cluster', kind: 'flink', url: flinkService().restUrl, gatewayUrl: flinkService().gatewayUrl, pollIntervalSeconds: 5 },
    ]);
    agent = await startTestAgent(paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });

  after(async () => {
    await agent?.close();
    const mine = new Set([upper, exclaim, ...cancelOnExit]);
    await Promise.all(
      (await flinkJobs().catch(() => []))
        .filter((job) => job.state === 'RUNNING' && (mine.has(job.name) || cancelOnExit.includes(job.jid)))
        .map((job) => fetch(`${flinkService().restUrl}/jobs/${job.jid}?mode=cancel`, { method: 'PATCH' }).catch(() => undefined)),
    );
    await admin?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a script that is not one INSERT INTO at the end, and a statement Flink rejects, with the line; nothing is submitted', async () => {
    const before = (await flinkJobs()).length;
    const twoInserts = await cli(home, ['deploy', 'flink', scriptFile('two', `${upperScript()}\nINSERT INTO ${upper} SELECT v FROM src;`)], { useAgent: true });
    assert.equal(twoInserts.code, 2, twoInserts.stderr);
    assert.match(twoInserts.stderr, /exactly one INSERT INTO as its last statement \(this text has 2\); nothing was run/);
    // Line 16 of the text: the SELECT reads a table the script never declared.
    const unknownTable = `${upperScript().replace(/INSERT INTO .*$/, '')}INSERT INTO ${upper}\nSELECT UPPER(v) FROM nowhere;`;
    await assert.rejects(client.deploy('flink', { statement: unknownTable }), (error: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(error.code, 'BadRequest');
      assert.match(error.message, /Object 'nowhere' not found/);
      assert.deepEqual(error.details, { line: 16, column: 22 });
      return true;
    });
    assert.equal((await flinkJobs()).length, before, 'no job was submitted');
  });

  it('deploys a script as a job named after its target, lists it running with its topics as lineage and its lag', async () => {
    await produce(Array.from({ length: 100 }, (_, index) => `before-${index}`));
    const deployed = await cli(home, ['deploy', 'flink', scriptFile('upper', upperScript()), '--json'], { useAgent: true });
    assert.equal(deployed.code, 0, deployed.stderr);
    const result = JSON.parse(deployed.stdout) as { action: string; queryId: string };
    assert.deepEqual([result.action, result.queryId], ['created', upper]);
    await waitFor('100 records through the job', async () => (await highWatermark(middle)) === 100, 90_000);
    const row = await waitForResource(upper, 'running, caught up', (resource) => resource.state === 'running' && resource.backlog.pending === 0);
    assert.equal(row.kind, 'flink');
    assert.deepEqual(row.lineage.inputs, [`kafka-topic:${input}`]);
    assert.deepEqual(row.lineage.outputs, [`kafka-topic:${middle}`]);
    assert.equal(row.capabilities.pause, true);
  });

  it('pause stops the job with a savepoint (FINISHED in Flink, offsets still); resume restores it: nothing lost, nothing twice', async () => {
    const running = (await flinkJobs()).find((job) => job.name === upper && job.state === 'RUNNING');
    assert.ok(running, 'the deployed job runs under its target name');
    const paused = await client.pause(`flink/${upper}`, { reason: 'changing the downstream job', pausedBy: 'dana', resumeAfter: '1h' });
    assert.equal(paused.resource.state, 'paused');
    assert.match(String(paused.resource.stateDetail), /^stopped with savepoint file:/);
    assert.equal(await jobState(flinkService().restUrl, running.jid), 'FINISHED');
    const shown = await waitForResource(upper, 'paused with who and why', (resource) => resource.state === 'paused' && resource.pause?.pausedBy === 'dana');
    assert.equal(shown.pause?.reason, 'changing the downstream job');
    assert.equal(shown.capabilities.resume, true);
    // The ledger keeps the savepoint beside who, why and until.
    const journaled = readFileSync(paths.journal, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { action: string; resource: string; version: string; pausedBy: string; reason: string; resumeAt: string | null });
    const entry = journaled.filter((line) => line.action === 'pause' && line.resource === `flink/${upper}`).at(-1);
    assert.deepEqual([entry?.version, entry?.pausedBy, entry?.reason, entry?.resumeAt !== null], [String(paused.resource.stateDetail).replace(/^stopped with savepoint /, ''), 'dana', 'changing the downstream job', true]);

    await produce(Array.from({ length: 60 }, (_, index) => `after-${index}`));
    await sleep(3000);
    assert.equal(await highWatermark(middle), 100, 'a paused job writes nothing');
    // The stop with savepoint commits the source's offsets: the lag is exactly what arrived since.
    const held = await waitForResource(upper, 'showing the 60 records waiting, offsets unmoved', (resource) => resource.backlog.pending === 60 && resource.pauseEffect?.status === 'confirmed');
    assert.match(String(held.pauseEffect?.detail), /committed offsets unchanged since .* while 60 new records arrived/);

    const resumed = await cli(home, ['resume', `flink/${upper}`, '--force'], { useAgent: true });
    assert.equal(resumed.code, 0, resumed.stderr);
    await waitFor('all 160 records through the restored job', async () => (await highWatermark(middle)) >= 160, 90_000);
    await sleep(2000);
    assert.equal(await highWatermark(middle), 160, 'nothing twice');
    const expected = [...Array.from({ length: 100 }, (_, index) => `BEFORE-${index}`), ...Array.from({ length: 60 }, (_, index) => `AFTER-${index}`)].sort();
    assert.deepEqual(await readAll(middle, 160), expected, 'nothing lost');
    const restored = (await flinkJobs()).find((job) => job.name === upper && job.state === 'RUNNING');
    assert.ok(restored && restored.jid !== running.jid, 'a new job of the same name runs');
    await waitForResource(upper, 'running again, with no pause', (resource) => resource.state === 'running' && resource.pause === null);
  });

  it('pause upstream of the downstream Flink job holds the upstream one; resume upstream restores it', async () => {
    const deployed = await client.deploy('flink', { statement: exclaimScript() });
    assert.equal(deployed.action, 'created');
    await waitFor('the downstream job caught up', async () => (await highWatermark(output)) === 160, 90_000);
    const down = await waitForResource(exclaim, 'listed downstream of the first job', (resource) => resource.lineage.inputs.includes(`kafka-topic:${middle}`));
    assert.equal(down.state, 'running');

    const group = await client.pauseUpstream(`flink/${exclaim}`, { reason: 'iterating on exclaim', pausedBy: 'dana' });
    assert.deepEqual(group.results.map((result) => [result.id, result.ok]), [[`flink/${upper}`, true]]);
    await waitForResource(upper, 'paused as part of the group', (resource) => resource.state === 'paused' && resource.pauseGroup !== null);
    assert.equal((await flinkJobs()).filter((job) => job.name === upper && job.state === 'RUNNING').length, 0);
    assert.equal((await client.resource(`flink/${exclaim}`)).state, 'running', 'the target itself keeps running');

    const resumed = await client.resumeUpstream(`flink/${exclaim}`);
    assert.deepEqual(resumed.map((result) => [result.id, result.ok]), [[`flink/${upper}`, true]]);
    await waitForResource(upper, 'running again', (resource) => resource.state === 'running');
  });

  it('upgrading a running job keeps its state from a savepoint, or says RecreateRequired and puts the old script back', async () => {
    const before = (await flinkJobs()).find((job) => job.name === exclaim && job.state === 'RUNNING');
    assert.ok(before);
    // A script Flink refuses is refused while planning: the running job is not even stopped.
    const broken = exclaimScript('?').replace('FROM mid;', 'FROM nowhere;');
    await assert.rejects(client.deploy('flink', { statement: broken }), (error: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(error.code, 'BadRequest');
      assert.match(error.message, /Object 'nowhere' not found/);
      assert.deepEqual(error.details, { line: 16, column: 28 });
      return true;
    });
    assert.deepEqual((await flinkJobs()).filter((job) => job.name === exclaim && job.state === 'RUNNING').map((job) => job.jid), [before.jid], 'the refused script left the job running untouched');
    // A plan Flink cannot map the old state onto: the old job is restored and keeps running.
    const changed = exclaimScript('?').replace(`SELECT CONCAT(v, '?') FROM mid;`, `SELECT CONCAT(v, '?') FROM mid WHERE v <> 'skip';`);
    const outcome = await client.deploy('flink', { statement: changed }).then(
      (result) => result.action,
      (error: Error & { code?: string }) => error.code,
    );
    assert.ok(outcome === 'upgraded' || outcome === 'RecreateRequired', `deploy answered ${outcome}`);
    const afterDeploy = await waitForResource(exclaim, 'running after the deploy', (resource) => resource.state === 'running');
    assert.equal(afterDeploy.pause, null);
    const now = (await flinkJobs()).filter((job) => job.name === exclaim && job.state === 'RUNNING');
    assert.equal(now.length, 1, 'exactly one job of that name runs');
    assert.notEqual(now[0].jid, before.jid, 'the old job was stopped with a savepoint and a job restored from it');
  });

  it('lists a job it did not deploy, and refuses to pause it because it could not submit it again', async () => {
    const name = unique('outside');
    const session = await openSession(flinkService().gatewayUrl);
    await runStatement(flinkService().gatewayUrl, session, kafkaTable('src', input, true).replace(/;$/, ''));
    await runStatement(flinkService().gatewayUrl, session, "CREATE TABLE sink_outside (v STRING) WITH ('connector' = 'blackhole')");
    const { jobId } = await runStatement(flinkService().gatewayUrl, session, 'INSERT INTO sink_outside SELECT v FROM src', { 'pipeline.name': name });
    cancelOnExit.push(jobId!);
    const listed = await waitFor('the outside job in the cluster listing', async () => (await client.snapshot()).resources.find((resource) => resource.id === `cluster/${name}` && resource.state === 'running'));
    assert.equal(listed.capabilities.pause, false);
    assert.match(String(listed.capabilities.pauseUnavailable), /not deployed through Pipeline Pause/);
    await assert.rejects(client.pause(`cluster/${name}`, { pausedBy: 'dana' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'Unsupported');
      assert.match(error.message, /was not deployed through Pipeline Pause, so its statement is unknown.*nothing was changed/);
      return true;
    });
    assert.equal(await jobState(flinkService().restUrl, jobId!), 'RUNNING', 'the refused pause left the job running');
  });
});
