import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Journal } from '../../agent/core/journal';
import { OUTSIDE_PAUSER } from '../../agent/core/journalPauses';
import { AgentClient } from '../../client/agentClient';
import { agentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { FILE_SINK, FILE_SOURCE } from '../../sandbox/connect';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { connectService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { connectRest, connectStatus } from '../support/connectRest';
import { cli, type TestHome } from '../support/testEnv';
import { waitFor } from '../support/waitFor';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The Kafka Connect adapter, driven like a user drives it (the agent's API and the CLI), against
 * the sandbox's real Connect 4.3.1 worker (distributed mode) with Apache Kafka's own file
 * connectors on the real broker. What a step claims is checked where it lands: Connect's own
 * REST status, the files the connectors read and write, and the topic's offsets.
 */
useSandboxServices('kafka', 'connect');

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const linesOf = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe('Kafka Connect connectors through the agent (real Connect 4.3.1 worker, file connectors)', function () {
  this.timeout(120_000);
  const source = unique('pp-src');
  const sink = unique('pp-sink');
  const topic = unique('pp-lines');
  const created: string[] = [];
  let dir: string;
  let input: string;
  let output: string;
  let admin: Admin;
  let home: TestHome;
  let agent: TestAgent;
  let client: AgentClient;
  let written = 0;

  /** Appends `count` numbered lines to the source file, one every `everyMs`. */
  async function writeLines(count: number, everyMs = 50): Promise<void> {
    for (let i = 0; i < count; i++) {
      appendFileSync(input, `line-${++written}\n`);
      if (everyMs) await sleep(everyMs);
    }
  }
  const highWatermark = async (name: string) => (await admin.fetchTopicOffsets(name)).reduce((sum, p) => sum + Number(p.high), 0);
  const resource = async (name: string, connection = 'connect'): Promise<Resource> => client.resource(`${connection}/${name}`);
  const waitForResource = (name: string, what: string, accept: (r: Resource) => boolean, timeoutMs = 30_000) =>
    waitFor(`${name} ${what}`, async () => {
      const found = (await client.snapshot()).resources.find((r) => r.id === `connect/${name}`);
      return found && accept(found) ? found : false;
    }, timeoutMs);
  async function createConnector(name: string, config: Record<string, string>): Promise<void> {
    const reply = await connectRest('POST', '/connectors', { name, config: { 'tasks.max': '1', ...config } });
    assert.equal(reply.status, 201, reply.text);
    created.push(name);
  }
  function writeConnections(connectors: string[]): void {
    writeFileSync(
      home.paths.connections,
      JSON.stringify({
        connections: [
          { name: 'connect', kind: 'kafka-connect', url: connectService().url, connectors, kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5, settleSeconds: 3 },
          // Every connector of the cluster: unknown names reach Connect and come back with its own error.
          { name: 'cluster', kind: 'kafka-connect', url: connectService().url, pollIntervalSeconds: 5 },
        ],
      }),
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-connect-agent-'));
    input = join(dir, 'input.txt');
    output = join(dir, 'output.txt');
    writeFileSync(input, '');
    admin = new Kafka({ clientId: 'connect-agent-test', brokers: [kafkaService().bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await createConnector(source, { 'connector.class': FILE_SOURCE, file: input, topic });
    await createConnector(sink, { 'connector.class': FILE_SINK, file: output, topics: topic });
    const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-connect-')) });
    home = { paths, writeConnections: () => undefined };
    writeConnections([source, sink]);
    agent = await startTestAgent(paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
  });

  after(async () => {
    await agent?.close();
    for (const name of created) await connectRest('DELETE', `/connectors/${name}`).catch(() => undefined);
    await admin?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the source and the sink with connector and task states, linked through their topic', async () => {
    await writeLines(3, 0);
    const sinkRow = await waitForResource(sink, 'running with its task', (r) => r.state === 'running' && r.stateDetail === null);
    const sourceRow = await waitForResource(source, 'running with its task', (r) => r.state === 'running' && r.stateDetail === null);
    await waitFor('the first lines in the sink file', async () => linesOf(output).length === 3);
    assert.equal(sinkRow.kind, 'kafka-connect');
    assert.deepEqual(sinkRow.capabilities, { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: true });
    assert.deepEqual(sinkRow.lineage.inputs, [`kafka-topic:${topic}`]);
    assert.deepEqual(sinkRow.lineage.upstream, [`connect/${source}`]);
    assert.equal(sourceRow.pause, null);
    // The source's active topics (KIP-558) show once it has produced; its config names the topic from the start.
    assert.deepEqual(sourceRow.lineage.outputs, [`kafka-topic:${topic}`]);
    assert.deepEqual(sourceRow.lineage.downstream, [`connect/${sink}`]);
    // The sink's consumer group (connect-<name>) through the shared Kafka lag module.
    const caughtUp = await waitForResource(sink, 'lag 0', (r) => r.backlog.pending === 0);
    assert.equal(caughtUp.backlog.dataLossAt, null, 'nothing waits, so nothing can age out');
  });

  it('peeks at what the source wrote to its topic, without a consumer group; a sink has no output to peek at', async () => {
    await waitFor('the first three lines in the topic', async () => (await highWatermark(topic)) === 3);
    const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId).sort();
    const peek = await client.peek(`connect/${source}`, { limit: 2 });
    assert.deepEqual(peek.topics.map((t) => [t.topic, t.partitions.map((p) => p.end)]), [[topic, [3]]]);
    assert.deepEqual(peek.topics[0].records.map((r) => [r.offset, r.value]), [[1, '"line-2"'], [2, '"line-3"']], 'the JSON converter writes each line as a JSON string');
    assert.deepEqual((await admin.listGroups()).groups.map((g) => g.groupId).sort(), groupsBefore, 'no consumer group appeared');
    await assert.rejects(client.peek(`connect/${sink}`, {}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'Unsupported');
      assert.equal(error.message, `connect/${sink} is a sink connector: it writes outside Kafka, so it has no output topic to peek at (peek at what writes ${topic} instead)`);
      return true;
    });
  });

  it('pausing the sink stops its file from growing while the source file keeps growing; resume delivers every line exactly once', async () => {
    const paused = await client.pause(`connect/${sink}`, { reason: 'rebuilding the downstream table', pausedBy: 'carol' });
    assert.equal(paused.pause.reason, 'rebuilding the downstream table');
    assert.equal(paused.resource.state, 'paused', `state ${paused.resource.state} (${paused.resource.stateDetail})`);
    assert.equal(paused.resource.pause?.pausedBy, 'carol', 'who paused comes back from the journal: Connect does not keep it');
    const status = await connectStatus(sink);
    assert.deepEqual([status.connector.state, status.tasks.map((t) => t.state)], ['PAUSED', ['PAUSED']], 'Connect itself reports connector and task PAUSED');

    const sinkBefore = linesOf(output).length;
    const topicBefore = await highWatermark(topic);
    const inputBefore = linesOf(input).length;
    await writeLines(40, 50);
    await waitFor('the new lines in the topic (the source keeps running)', async () => (await highWatermark(topic)) >= topicBefore + 40);
    await sleep(1500);
    assert.equal(linesOf(input).length, inputBefore + 40, 'the source file kept growing');
    assert.equal(linesOf(output).length, sinkBefore, 'the paused sink wrote nothing');

    // Proof that the pause holds: the sink's committed offsets stand still while records arrive.
    const held = await waitForResource(sink, 'pause confirmed with a lag of 40', (r) => r.pauseEffect?.status === 'confirmed' && r.backlog.pending === 40);
    assert.match(held.pauseEffect!.detail, /committed offsets unchanged since .* while \d+ new records arrived/);
    assert.ok(held.backlog.oldestPendingAt !== null && held.backlog.dataLossAt !== null, 'what waits has an age, and a deadline from the topic retention.ms');
    assert.equal(Date.parse(held.backlog.dataLossAt!) - Date.parse(held.backlog.oldestPendingAt!), 7 * 24 * 3600_000, 'oldest waiting record + retention.ms (7 days by default)');

    const resumed = await client.resume(`connect/${sink}`, {});
    assert.equal(resumed.previous?.pausedBy, 'carol');
    assert.equal(resumed.resource.state, 'running');
    await waitFor('the held lines in the sink file', async () => linesOf(output).length >= linesOf(input).length);
    await sleep(1000);
    assert.deepEqual(linesOf(output), linesOf(input), 'every line exactly once, in order');
    assert.deepEqual(linesOf(input), Array.from({ length: written }, (_, i) => `line-${i + 1}`));
    const entries = await new Journal(home.paths.journal).read();
    assert.deepEqual(entries.filter((e) => e.resource === `connect/${sink}`).map((e) => [e.action, e.by, e.reason]), [
      ['pause', 'carol', 'rebuilding the downstream table'],
      ['resume', entries.at(-1)!.by, 'rebuilding the downstream table'],
    ]);
  });

  it('stop (CLI through the agent) removes the tasks; resume brings them back and delivers what waited exactly once', async () => {
    const stopped = await cli(home, ['stop', `connect/${sink}`, '--reason', 'swap the output file'], { useAgent: true });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`^Stopped connect/${sink}\\nPaused at: .*\\nPaused by: user:.*\\nReason: swap the output file\\nAuto-resume: none \\(manual resume\\)(\\nPause effect: .*)?$`));
    const status = await waitFor('Connect to report the sink STOPPED without tasks', async () => {
      const current = await connectStatus(sink);
      return current.connector.state === 'STOPPED' && current.tasks.length === 0 && current;
    });
    assert.deepEqual(status.tasks, []);
    assert.deepEqual((await connectRest('GET', `/connectors/${sink}/tasks`)).body, []);
    const row = await waitForResource(sink, 'stopped', (r) => r.state === 'stopped');
    assert.equal(row.pause?.reason, 'swap the output file');
    assert.equal(row.stateDetail, 'tasks shut down');

    const sinkBefore = linesOf(output).length;
    await writeLines(10, 20);
    await sleep(2000);
    assert.equal(linesOf(output).length, sinkBefore, 'a stopped sink writes nothing');

    const resumed = await cli(home, ['resume', `connect/${sink}`], { useAgent: true });
    assert.equal(resumed.code, 0, resumed.stderr);
    const back = await waitFor('the sink task back and RUNNING', async () => {
      const current = await connectStatus(sink);
      return current.connector.state === 'RUNNING' && current.tasks.length === 1 && current.tasks[0].state === 'RUNNING' && current;
    });
    assert.deepEqual(back.tasks.map((t) => t.id), [0]);
    await waitFor('the waiting lines in the sink file', async () => linesOf(output).length >= linesOf(input).length);
    await sleep(1000);
    assert.deepEqual(linesOf(output), linesOf(input), 'every line exactly once, in order');
    const actions = (await new Journal(home.paths.journal).read()).filter((e) => e.resource === `connect/${sink}`).map((e) => e.action);
    assert.deepEqual(actions.slice(-2), ['stop', 'resume']);
  });

  it('shows a connector PAUSED with a task still RUNNING as pausing, naming the task, until the task pauses too', async () => {
    // A source writing to a topic that does not exist (auto-creation is off): its task blocks and
    // stays RUNNING after the connector is PAUSED, until the topic appears.
    const blocked = unique('pp-blocked');
    const missing = unique('pp-missing');
    const file = join(dir, 'blocked.txt');
    writeFileSync(file, 'one\ntwo\n');
    await createConnector(blocked, { 'connector.class': FILE_SOURCE, file, topic: missing });
    writeConnections([source, sink, blocked]);
    await waitForResource(blocked, 'running', (r) => r.state === 'running' && r.stateDetail === null, 30_000);

    const paused = await client.pause(`connect/${blocked}`, { reason: 'hold' });
    assert.equal(paused.resource.state, 'pausing');
    assert.equal(paused.resource.stateDetail, 'connector PAUSED but task 0 still RUNNING');
    const status = await connectStatus(blocked);
    assert.deepEqual([status.connector.state, status.tasks.map((t) => t.state)], ['PAUSED', ['RUNNING']], "Connect's own answer");
    await sleep(3000);
    const still = await resource(blocked);
    assert.equal(still.state, 'pausing', 'never shown as paused while a task still runs');
    assert.equal(still.pause?.reason, 'hold', 'the pause is ours and can be resumed');

    await admin.createTopics({ topics: [{ topic: missing, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const done = await waitForResource(blocked, 'paused once the task unblocks', (r) => r.state === 'paused', 60_000);
    assert.equal(done.stateDetail, null);
    assert.equal((await client.resume(`connect/${blocked}`, {})).resource.state, 'running');
  });

  it('shows a failed task with its trace summary; pausing leaves the task FAILED and the connector paused', async () => {
    const broken = unique('pp-broken');
    await createConnector(broken, { 'connector.class': FILE_SINK, file: dir, topics: topic });
    writeConnections([source, sink, broken]);
    const failed = await waitForResource(broken, 'failed', (r) => r.state === 'failed');
    assert.equal(failed.stateDetail, '1 of 1 task FAILED: task 0');
    assert.equal(failed.lastError, `task 0: ConnectException: Couldn't find or create file '${dir}' for FileStreamSinkTask; caused by FileSystemException: ${dir}: Is a directory`);
    const trace = (await connectStatus(broken)).tasks[0].trace ?? '';
    assert.match(trace, /\n\tat org\.apache\.kafka/, 'Connect sends the whole Java stack trace; the summary keeps two lines of it');

    await client.pause(`connect/${broken}`, {});
    const paused = await waitForResource(broken, 'paused with its failed task', (r) => r.state === 'paused');
    assert.equal(paused.stateDetail, 'task 0 FAILED (a failed task stays FAILED while paused)');
    assert.match(paused.lastError ?? '', /^task 0: ConnectException/);
    const status = await connectStatus(broken);
    assert.deepEqual([status.connector.state, status.tasks.map((t) => t.state)], ['PAUSED', ['FAILED']]);
  });

  it('a pause made with Connect\'s own REST API shows as paused by someone outside Pipeline Pause', async () => {
    assert.equal((await connectRest('PUT', `/connectors/${source}/pause`)).status, 202);
    const row = await waitForResource(source, 'paused', (r) => r.state === 'paused' && r.pause !== null);
    assert.equal(row.pause?.pausedBy, OUTSIDE_PAUSER);
    assert.equal(row.pause?.reason, null);
    assert.equal((await client.resume(`connect/${source}`, {})).resource.state, 'running');
  });

  it('pausing the source (through the agent) keeps the lines appended to its file out of the topic, with its source offsets as evidence; resume sends each line once', async () => {
    await waitForResource(source, 'running and not paused', (r) => r.state === 'running' && r.pause === null);
    // Everything written so far is in the topic and flushed as an offset first, so what follows is only what the pause holds.
    await waitFor('every line so far in the topic', async () => (await highWatermark(topic)) === written);
    const fileOffsets = async () => (await connectRest('GET', `/connectors/${source}/offsets`)).body as { offsets: Array<{ partition: unknown; offset: { position: number } }> };
    await waitFor('the source offset at the end of its file', async () => (await fileOffsets()).offsets[0]?.offset.position === statSync(input).size);

    const paused = await client.pause(`connect/${source}`, { reason: 'upstream schema change', pausedBy: 'dave' });
    assert.equal(paused.resource.state, 'paused', `state ${paused.resource.state} (${paused.resource.stateDetail})`);
    assert.equal(paused.resource.pause?.pausedBy, 'dave');
    const status = await connectStatus(source);
    assert.deepEqual([status.connector.state, status.tasks.map((t) => t.state)], ['PAUSED', ['PAUSED']], 'Connect itself reports connector and task PAUSED');
    const atPause = await fileOffsets();
    assert.deepEqual(atPause.offsets, [{ partition: { filename: input }, offset: { position: statSync(input).size } }], "FileStreamSource's offset: the byte position it has read its file to");
    // The watch starts when the agent first sees the source held.
    const watched = await waitForResource(source, 'a pause effect from its source offsets', (r) => r.pauseEffect?.status === 'unproven');
    const since = watched.pauseEffect!.since;

    const topicBefore = await highWatermark(topic);
    const sinkBefore = linesOf(output).length;
    await writeLines(30, 50);
    await sleep(3000);
    assert.equal(linesOf(input).length, written, 'the source file grew');
    assert.equal(await highWatermark(topic), topicBefore, 'not one appended line reached the topic');
    assert.equal(linesOf(output).length, sinkBefore, 'so the running sink has nothing new to write');
    assert.deepEqual((await fileOffsets()).offsets, atPause.offsets, "Connect's source offsets did not move");

    // What the agent reports: the offsets stood still from the first sighting through the appends.
    const held = await resource(source);
    assert.equal(held.state, 'paused');
    assert.deepEqual(held.pauseEffect, { status: 'unproven', since, detail: `source offsets unchanged since ${since.replace(/\.\d{3}Z$/, 'Z')}; a source shows no pending work to prove it with` });
    assert.ok(Date.parse(since) >= Date.parse(paused.pause.pausedAt) - 1000, `watched since ${since}, before the pause at ${paused.pause.pausedAt}`);
    const shown = await cli(home, ['status', `connect/${source}`], { useAgent: true });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /\nPause effect: unproven \(source offsets unchanged since \S+Z; a source shows no pending work to prove it with\)/);

    const resumed = await client.resume(`connect/${source}`, {});
    assert.equal(resumed.previous?.pausedBy, 'dave');
    assert.equal(resumed.resource.state, 'running');
    assert.equal(resumed.resource.pauseEffect, null, 'no claim about a running connector');
    await waitFor('the held lines in the topic', async () => (await highWatermark(topic)) >= written);
    await waitFor('the held lines in the sink file', async () => linesOf(output).length >= written);
    await sleep(1500);
    assert.equal(await highWatermark(topic), written, 'each appended line reached the topic once');
    assert.deepEqual(linesOf(output), linesOf(input), 'every line exactly once, in order');
    await waitFor('the source offset at the new end of its file', async () => (await fileOffsets()).offsets[0]?.offset.position === statSync(input).size);
    const entries = (await new Journal(home.paths.journal).read()).filter((e) => e.resource === `connect/${source}`);
    assert.deepEqual(entries.slice(-2).map((e) => [e.action, e.pausedBy, e.reason]), [
      ['pause', 'dave', 'upstream schema change'],
      ['resume', 'dave', 'upstream schema change'],
    ]);
  });

  it("a pause with an auto-resume a few seconds ahead is resumed by the agent's scheduler on time; Connect runs the connector again and the journal says so", async () => {
    await waitForResource(sink, 'running and not paused', (r) => r.state === 'running' && r.pause === null);
    const resumeAt = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    const paused = await client.pause(`connect/${sink}`, { reason: 'short maintenance', resumeAt: resumeAt.toISOString() });
    assert.equal(paused.resource.state, 'paused', `state ${paused.resource.state} (${paused.resource.stateDetail})`);
    assert.equal(paused.pause.resumeAt, resumeAt.toISOString());

    // Connect's own status, read every 100 ms until the connector and its task run again.
    const seen: Array<{ at: number; states: string[] }> = [];
    const runningAt = await waitFor(
      'Connect to report the sink RUNNING again',
      async () => {
        const current = await connectStatus(sink);
        const states = [current.connector.state, ...current.tasks.map((t) => t.state)];
        const at = Date.now();
        seen.push({ at, states });
        return states.length === 2 && states.every((state) => state === 'RUNNING') && at;
      },
      20_000,
      100,
    );
    const early = seen.filter((s) => s.at < resumeAt.getTime() - 250);
    assert.ok(early.length > 20, `Connect was watched before the resume time (${early.length} reads)`);
    assert.deepEqual([...new Set(early.map((s) => s.states.join(' ')))], ['PAUSED PAUSED'], 'paused until the resume time');
    assert.ok(runningAt >= resumeAt.getTime(), 'not resumed early');
    assert.ok(runningAt <= resumeAt.getTime() + 4000, `running ${runningAt - resumeAt.getTime()} ms after the resume time`);

    const entries = await waitFor('the auto-resume in the journal', async () => {
      const found = (await new Journal(home.paths.journal).read()).filter((e) => e.resource === `connect/${sink}`);
      return found.at(-1)?.action === 'auto-resume' && found;
    });
    const [pause, autoResume] = entries.slice(-2);
    assert.deepEqual([pause.action, pause.reason, pause.resumeAt], ['pause', 'short maintenance', resumeAt.toISOString()]);
    assert.deepEqual([autoResume.by, autoResume.reason, autoResume.note], ['agent:auto-resume', 'short maintenance', 'on time']);
    assert.ok(Date.parse(autoResume.at) >= resumeAt.getTime(), `journaled at ${autoResume.at}, before ${resumeAt.toISOString()}`);
    assert.ok(agent.logs.some((l) => l.msg === 'auto-resumed' && l.resource === `connect/${sink}`), 'the agent log says it auto-resumed');
    await waitForResource(sink, 'running with no pause', (r) => r.state === 'running' && r.pause === null && r.stateDetail === null);
  });

  it('a topics.regex sink reads the existing topics its regex matches, before it has committed anything, and the topics its group has committed on', async () => {
    const prefix = unique('pp-rx');
    const [a, b, c] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    // `-ab` would match an unanchored regex; Connect matches the whole name.
    await admin.createTopics({ topics: [a, b, `${prefix}-ab`, `${prefix}-x`].map((name) => ({ topic: name, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    const regexSink = unique('pp-rx-sink');
    const javaSink = unique('pp-rx-java');
    const feeder = unique('pp-rx-src');
    const group = `${prefix}-group`;
    await createConnector(regexSink, { 'connector.class': FILE_SINK, file: join(dir, 'regex-out.txt'), 'topics.regex': `${prefix}-(a|b|c)` });
    // Java's inline flag (?i) is no JavaScript regex: the agent can only go by what the group commits.
    await createConnector(javaSink, { 'connector.class': FILE_SINK, file: join(dir, 'java-out.txt'), 'topics.regex': `(?i)${prefix.toUpperCase()}-A`, 'consumer.override.group.id': group });
    writeConnections([source, sink, feeder, regexSink, javaSink]);
    const ids = (...topics: string[]) => topics.map((t) => `kafka-topic:${t}`);

    const before = await waitForResource(regexSink, 'inputs from its regex', (r) => r.state === 'running' && r.lineage.inputs.length > 0);
    assert.deepEqual(before.lineage.inputs, ids(a, b));
    assert.deepEqual(await admin.fetchOffsets({ groupId: `connect-${regexSink}` }), [], 'its group has committed nothing yet');
    assert.deepEqual((await resource(javaSink)).lineage.inputs, [], 'nothing committed and a regex the agent cannot read: no inputs claimed');

    await admin.createTopics({ topics: [{ topic: c, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await waitForResource(regexSink, `inputs with ${c}, created after the connector`, (r) => r.lineage.inputs.includes(ids(c)[0]));
    assert.deepEqual((await resource(regexSink)).lineage.inputs, ids(a, b, c));

    const feed = join(dir, 'feed.txt');
    writeFileSync(feed, 'first\nsecond\n');
    await createConnector(feeder, { 'connector.class': FILE_SOURCE, file: feed, topic: a });
    await waitFor('both sinks to write the fed lines', async () => linesOf(join(dir, 'regex-out.txt')).length === 2 && linesOf(join(dir, 'java-out.txt')).length === 2);
    assert.deepEqual(linesOf(join(dir, 'java-out.txt')), ['first', 'second'], 'Connect matched the Java regex');

    const regexRow = await waitForResource(regexSink, 'caught up', (r) => r.backlog.pending === 0);
    assert.deepEqual(regexRow.lineage.inputs, ids(a, b, c));
    assert.deepEqual(regexRow.lineage.upstream, [`connect/${feeder}`], 'linked to the source that writes one of its topics');
    const javaRow = await waitForResource(javaSink, `inputs from the commits of ${group}`, (r) => r.lineage.inputs.length > 0 && r.backlog.pending === 0);
    assert.deepEqual(javaRow.lineage.inputs, ids(a));
    assert.deepEqual(javaRow.lineage.upstream, [`connect/${feeder}`]);
    const feederRow = await waitForResource(feeder, 'linked to both sinks', (r) => r.lineage.downstream.length === 2);
    assert.deepEqual([...feederRow.lineage.downstream].sort(), [`connect/${regexSink}`, `connect/${javaSink}`].sort());
    const committed = await admin.fetchOffsets({ groupId: group });
    assert.deepEqual(committed.map((t) => [t.topic, t.partitions.map((p) => p.offset)]), [[a, ['2']]], 'the overridden group is the one that committed');
    assert.deepEqual(await admin.fetchOffsets({ groupId: `connect-${javaSink}` }), [], 'not connect-<name>');
  });

  it("an unknown connector gives Connect's own error, for every action, and nothing is journaled", async () => {
    const name = unique('pp-nope');
    const before = (await new Journal(home.paths.journal).read()).length;
    for (const action of ['pause', 'resume', 'stop']) {
      const result = await cli(home, [action, `cluster/${name}`], { useAgent: true });
      assert.deepEqual([result.code, result.stderr], [2, `error: Kafka Connect at ${connectService().url} answered 404: Unknown connector ${name}`], action);
    }
    const status = await cli(home, ['status', `cluster/${name}`], { useAgent: true });
    assert.deepEqual([status.code, status.stderr], [2, `error: Kafka Connect at ${connectService().url} answered 404: No status found for connector ${name}`]);
    await assert.rejects(client.pause(`cluster/${name}`, {}), new RegExp(`answered 404: Unknown connector ${name}$`));
    assert.equal((await new Journal(home.paths.journal).read()).length, before);
  });
});
