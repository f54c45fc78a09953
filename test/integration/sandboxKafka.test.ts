import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { FILE_SINK, FILE_SOURCE } from '../../sandbox/connect';
import { KAFKA_VERSION } from '../../sandbox/kafkaDist';
import { connectService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { connectRest } from '../support/connectRest';
import { waitFor } from '../support/waitFor';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The test bed for the Kafka Connect and ksqlDB adapters: a real KRaft broker and a real Connect
 * worker from Apache Kafka's Maven Central jars, with Apache's own file connectors. The REST
 * answers asserted here are the exact shapes of Kafka Connect 4.3.1.
 */
useSandboxServices('kafka', 'connect');

interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; version?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; version?: string; trace?: string }>;
  type: string;
}

async function status(name: string): Promise<ConnectorStatus> {
  const reply = await connectRest('GET', `/connectors/${name}/status`);
  assert.equal(reply.status, 200, reply.text);
  return reply.body as ConnectorStatus;
}

/** The connector and every one of its tasks report `state` (tasks: at least one). */
function waitForState(name: string, state: string): Promise<ConnectorStatus> {
  return waitFor(`${name} and its tasks to be ${state}`, async () => {
    const current = await status(name);
    return current.connector.state === state && current.tasks.length > 0 && current.tasks.every((task) => task.state === state) && current;
  });
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('sandbox: a real Kafka broker and Kafka Connect worker', function () {
  this.timeout(120_000);
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    kafka = new Kafka({ clientId: 'sandbox-kafka-test', brokers: [kafkaService().bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
  });

  async function highWatermark(topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }

  it('is a KRaft cluster with the recorded id, auto topic creation off', async () => {
    const cluster = await admin.describeCluster();
    assert.equal(cluster.clusterId, kafkaService().clusterId);
    assert.deepEqual(
      cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
      [{ nodeId: 1, host: '127.0.0.1', port: kafkaService().port }],
    );
    const missing = unique('pp-missing');
    await assert.rejects(admin.fetchTopicMetadata({ topics: [missing] }), /does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION/);
    assert.ok(!(await admin.listTopics()).includes(missing), 'asking for a topic must not create it');
  });

  it('produces and consumes records with kafkajs', async () => {
    const topic = unique('pp-records');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sent = ['one', 'two', 'three'].map((value, index) => ({ key: `k${index}`, value }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();
    assert.equal(await highWatermark(topic), 3);

    // A short long-poll: disconnect waits for the fetch in flight.
    const consumer = kafka.consumer({ groupId: unique('pp-group'), maxWaitTimeInMs: 200 });
    const received: Array<{ key: string; value: string; offset: string }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: String(message.key), value: String(message.value), offset: message.offset });
        },
      });
      await waitFor('three records', async () => received.length >= 3);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(received, [
      { key: 'k0', value: 'one', offset: '0' },
      { key: 'k1', value: 'two', offset: '1' },
      { key: 'k2', value: 'three', offset: '2' },
    ]);
  });

  it('answers GET /, /health and lists the file connectors', async () => {
    const root = await connectRest('GET', '/');
    assert.equal(root.status, 200);
    const info = root.body as { version: string; commit: string; kafka_cluster_id: string };
    assert.deepEqual(Object.keys(info).sort(), ['commit', 'kafka_cluster_id', 'version']);
    assert.equal(info.version, KAFKA_VERSION);
    assert.equal(info.kafka_cluster_id, kafkaService().clusterId);

    const health = await connectRest('GET', '/health');
    assert.deepEqual([health.status, health.body], [200, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }]);

    const plugins = await connectRest('GET', '/connector-plugins');
    assert.deepEqual(plugins.body, [
      { class: FILE_SINK, type: 'sink', version: KAFKA_VERSION },
      { class: FILE_SOURCE, type: 'source', version: KAFKA_VERSION },
    ]);
  });

  it('answers 404 with an error body for an unknown connector', async () => {
    const name = unique('pp-nope');
    // pause / resume / stop name it "Unknown connector"; status and the connector itself differ.
    for (const action of ['pause', 'resume', 'stop']) {
      const reply = await connectRest('PUT', `/connectors/${name}/${action}`);
      assert.deepEqual([reply.status, reply.body], [404, { error_code: 404, message: `Unknown connector ${name}` }], action);
    }
    const statusReply = await connectRest('GET', `/connectors/${name}/status`);
    assert.deepEqual([statusReply.status, statusReply.body], [404, { error_code: 404, message: `No status found for connector ${name}` }]);
    for (const [method, path] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/offsets'],
    ]) {
      const reply = await connectRest(method, `/connectors/${name}${path}`);
      assert.deepEqual([reply.status, reply.body], [404, { error_code: 404, message: `Connector ${name} not found` }], `${method} ${path}`);
    }
  });

  describe('a file -> topic -> file pipeline', () => {
    const source = unique('pp-file-source');
    const sink = unique('pp-file-sink');
    const topic = unique('pp-lines');
    let dir: string;
    let input: string;
    let output: string;
    let workerId: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pp-connect-'));
      input = join(dir, 'input.txt');
      output = join(dir, 'output.txt');
      writeFileSync(input, 'alpha\nbeta\n');
      workerId = `127.0.0.1:${connectService().port}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      const created = await connectRest('POST', '/connectors', { name: source, config: { 'connector.class': FILE_SOURCE, file: input, topic, 'tasks.max': '1' } });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body, {
        name: source,
        config: { 'connector.class': FILE_SOURCE, file: input, topic, 'tasks.max': '1', name: source },
        tasks: [],
        type: 'source',
      });
      const createdSink = await connectRest('POST', '/connectors', { name: sink, config: { 'connector.class': FILE_SINK, file: output, topics: topic, 'tasks.max': '1' } });
      assert.equal(createdSink.status, 201, createdSink.text);
    });

    after(async () => {
      for (const name of [source, sink]) await connectRest('DELETE', `/connectors/${name}`).catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('carries lines end to end', async () => {
      await waitFor('the first lines in the sink file', async () => {
        try {
          return linesOf(output).length >= 2;
        } catch {
          return false;
        }
      });
      appendFileSync(input, 'gamma\n');
      await waitFor('gamma in the sink file', async () => linesOf(output).includes('gamma'));
      assert.deepEqual(linesOf(output), ['alpha', 'beta', 'gamma']);
      assert.equal(await highWatermark(topic), 3);
      // JsonConverter without schemas: each line is a JSON string on the topic.
      const consumer = kafka.consumer({ groupId: unique('pp-peek'), maxWaitTimeInMs: 200 });
      const values: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
        await waitFor('three records', async () => values.length >= 3);
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(values, ['"alpha"', '"beta"', '"gamma"']);

      assert.deepEqual(await status(source), {
        name: source,
        connector: { state: 'RUNNING', worker_id: workerId, version: KAFKA_VERSION },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId, version: KAFKA_VERSION }],
        type: 'source',
      });
    });

    it('lists connectors with ?expand=status&expand=info keyed by name', async () => {
      const reply = await connectRest('GET', '/connectors?expand=status&expand=info');
      assert.equal(reply.status, 200);
      const listed = reply.body as Record<string, { status: ConnectorStatus; info: unknown }>;
      assert.deepEqual(Object.keys(listed[sink]).sort(), ['info', 'status']);
      assert.deepEqual(listed[sink].info, {
        name: sink,
        config: { 'connector.class': FILE_SINK, file: output, topics: topic, 'tasks.max': '1', name: sink },
        tasks: [{ connector: sink, task: 0 }],
        type: 'sink',
      });
      assert.deepEqual(listed[sink].status, await status(sink));
      const names = await connectRest('GET', '/connectors');
      assert.ok((names.body as string[]).includes(source) && (names.body as string[]).includes(sink));
    });

    it('pauses the sink (202, then connector and task PAUSED): lines wait in the topic until resume', async () => {
      const paused = await connectRest('PUT', `/connectors/${sink}/pause`);
      assert.deepEqual([paused.status, paused.text], [202, '']);
      const again = await connectRest('PUT', `/connectors/${sink}/pause`);
      assert.equal(again.status, 202, 'pause is idempotent');
      assert.deepEqual(await waitForState(sink, 'PAUSED'), {
        name: sink,
        connector: { state: 'PAUSED', worker_id: workerId, version: KAFKA_VERSION },
        tasks: [{ id: 0, state: 'PAUSED', worker_id: workerId, version: KAFKA_VERSION }],
        type: 'sink',
      });
      const before = await highWatermark(topic);
      appendFileSync(input, 'delta\nepsilon\n');
      await waitFor('the new lines in the topic', async () => (await highWatermark(topic)) === before + 2);
      await sleep(2000);
      assert.ok(!linesOf(output).includes('delta'), 'a paused sink writes nothing');

      const resumed = await connectRest('PUT', `/connectors/${sink}/resume`);
      assert.deepEqual([resumed.status, resumed.text], [202, '']);
      await waitForState(sink, 'RUNNING');
      await waitFor('the held lines in the sink file', async () => linesOf(output).includes('epsilon'));
      assert.deepEqual(linesOf(output), ['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
    });

    it('pauses the source: nothing new reaches the topic until resume', async () => {
      assert.equal((await connectRest('PUT', `/connectors/${source}/pause`)).status, 202);
      await waitForState(source, 'PAUSED');
      const before = await highWatermark(topic);
      appendFileSync(input, 'zeta\n');
      await sleep(2000);
      assert.equal(await highWatermark(topic), before, 'a paused source produces nothing');
      assert.equal((await connectRest('PUT', `/connectors/${source}/resume`)).status, 202);
      await waitForState(source, 'RUNNING');
      await waitFor('zeta in the sink file', async () => linesOf(output).includes('zeta'));
      assert.equal(await highWatermark(topic), before + 1);
    });

    it('stops the source (204): STOPPED without tasks, offsets readable, resume brings it back', async () => {
      const stopped = await connectRest('PUT', `/connectors/${source}/stop`);
      assert.deepEqual([stopped.status, stopped.text], [204, '']);
      const quiet = await waitFor('the source STOPPED with no tasks', async () => {
        const current = await status(source);
        return current.connector.state === 'STOPPED' && current.tasks.length === 0 && current;
      });
      assert.deepEqual(quiet, { name: source, connector: { state: 'STOPPED', worker_id: workerId, version: KAFKA_VERSION }, tasks: [], type: 'source' });
      assert.deepEqual((await connectRest('GET', `/connectors/${source}/tasks`)).body, []);
      // Offsets of a stopped connector: the byte position reached in the file.
      const offsets = await connectRest('GET', `/connectors/${source}/offsets`);
      assert.deepEqual(offsets.body, { offsets: [{ partition: { filename: input }, offset: { position: Buffer.byteLength(readFileSync(input)) } }] });

      const before = await highWatermark(topic);
      appendFileSync(input, 'eta\n');
      await sleep(1500);
      assert.equal(await highWatermark(topic), before, 'a stopped source produces nothing');
      assert.equal((await connectRest('PUT', `/connectors/${source}/resume`)).status, 202);
      await waitForState(source, 'RUNNING');
      await waitFor('eta in the sink file', async () => linesOf(output).includes('eta'));
    });
  });
});
