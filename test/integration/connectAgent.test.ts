import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The Kafka Connect adapter, driven like a user drives it (the agent's API and the CLI), against
 * the sandbox's real Connect 4.3.1 worker (distributed mode) with Apache Kafka's own file
 * connectors on the real broker. What a step claims is checked where it lands: Connect's own
 * REST status, the files the connectors read and write, and the topic's offsets.
 */
useSandboxServices('kafka', 'connect');

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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

  it("an unknown connector gives Connect's own error, for every action, and nothing is journaled", async () => {
    const name = unique('pp-nope');
    const before = (await new Journal(home.paths.journal).read()).length;
    for (const action of ['pause', 'resume', 'stop']) {
      const result = await cli(home, [action, `cluster/${name}`], { useAgent: true });
      assert.deepEqual([result.code, result.stderr], [2, `error: Kafka Connect (${connectService().url}) answered 404: Unknown connector ${name}`], action);
    }
    const status = await cli(home, ['status', `cluster/${name}`], { useAgent: true });
    assert.deepEqual([status.code, status.stderr], [2, `error: Kafka Connect (${connectService().url}) answered 404: No status found for connector ${name}`]);
    await assert.rejects(client.pause(`cluster/${name}`, {}), new RegExp(`answered 404: Unknown connector ${name}$`));
    assert.equal((await new Journal(home.paths.journal).read()).length, before);
  });
});
