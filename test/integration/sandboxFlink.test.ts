import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { FLINK_VERSION } from '../../sandbox/flinkDist';
import { flinkService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { jobState, openSession, runStatement, stopWithSavepoint } from '../support/flinkSql';
import { produceRaw, readRaw } from '../support/rawRecords';
import { waitFor } from '../support/waitFor';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The test bed for the Flink adapter: a real Flink session cluster and SQL Gateway from Maven
 * Central jars, reading and writing the real sandbox broker. The stop-with-savepoint / restore
 * cycle asserted here is what the adapter's pause and resume are built on: nothing lost and
 * nothing twice across it.
 */
useSandboxServices('kafka', 'flink');

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

describe('sandbox: a real Flink session cluster and SQL Gateway', function () {
  this.timeout(180_000);
  let kafka: Kafka;
  let admin: Admin;
  const running: string[] = [];

  before(async () => {
    kafka = new Kafka({ clientId: 'sandbox-flink-test', brokers: [kafkaService().bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    // A job left running holds a slot of the shared cluster.
    await Promise.all(running.map((jobId) => fetch(`${flinkService().restUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' }).catch(() => undefined)));
    await admin?.disconnect();
  });

  const highWatermark = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);

  const produce = (topic: string, values: string[]) => produceRaw(kafka, topic, values);
  const readAll = (topic: string, expected: number) => readRaw(kafka, topic, expected);

  it('answers its REST APIs with the cluster and gateway versions', async () => {
    const { restUrl, gatewayUrl } = flinkService();
    const config = (await (await fetch(`${restUrl}/config`)).json()) as { 'flink-version': string };
    assert.equal(config['flink-version'], FLINK_VERSION);
    const overview = (await (await fetch(`${restUrl}/overview`)).json()) as { taskmanagers: number; 'slots-total': number };
    assert.deepEqual([overview.taskmanagers, overview['slots-total']], [1, 4]);
    const info = (await (await fetch(`${gatewayUrl}/v1/info`)).json()) as { productName: string; version: string };
    assert.deepEqual(info, { productName: 'Apache Flink', version: FLINK_VERSION });
  });

  it('stops a Kafka -> Flink SQL -> Kafka job with a savepoint and restores it with exact totals', async () => {
    const { restUrl, gatewayUrl, savepointDir } = flinkService();
    const [input, output] = [unique('pp-flink-in'), unique('pp-flink-out')];
    await admin.createTopics({ topics: [input, output].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    const before = Array.from({ length: 200 }, (_, index) => `before-${index}`);
    const after = Array.from({ length: 150 }, (_, index) => `after-${index}`);
    await produce(input, before);

    const session = await openSession(gatewayUrl);
    const kafkaTable = (name: string, topic: string, extra: string) =>
      `CREATE TABLE ${name} (v STRING) WITH ('connector' = 'kafka', 'topic' = '${topic}', ` +
      `'properties.bootstrap.servers' = '${kafkaService().bootstrap}', 'format' = 'raw'${extra})`;
    await runStatement(gatewayUrl, session, kafkaTable('src', input, `, 'properties.group.id' = '${unique('pp-flink')}', 'scan.startup.mode' = 'earliest-offset'`));
    await runStatement(gatewayUrl, session, kafkaTable('dst', output, ''));
    const insert = 'INSERT INTO dst SELECT UPPER(v) FROM src';
    const first = await runStatement(gatewayUrl, session, insert);
    assert.ok(first.jobId, 'an INSERT names the job it submitted');
    running.push(first.jobId);
    await waitFor('the first 200 records through Flink', async () => (await highWatermark(output)) === before.length, 90_000);

    const savepoint = await stopWithSavepoint(restUrl, first.jobId, savepointDir);
    assert.equal(await jobState(restUrl, first.jobId), 'FINISHED');
    assert.ok(existsSync(fileURLToPath(savepoint)), `the savepoint ${savepoint} is on disk`);

    // Stopped: what arrives now waits in the input topic.
    await produce(input, after);
    await sleep(3000);
    assert.equal(await highWatermark(output), before.length, 'a stopped job writes nothing');

    const second = await runStatement(gatewayUrl, session, insert, { 'execution.savepoint.path': savepoint });
    assert.ok(second.jobId && second.jobId !== first.jobId);
    running.push(second.jobId);
    await waitFor('the job restored from its savepoint to run', async () => (await jobState(restUrl, second.jobId!)) === 'RUNNING');
    const total = before.length + after.length;
    await waitFor(`all ${total} records through Flink`, async () => (await highWatermark(output)) >= total, 90_000);
    await sleep(2000); // a replay from an older position would show up as extra records by now
    assert.equal(await highWatermark(output), total, 'nothing twice');
    const received = await readAll(output, total);
    assert.deepEqual(received.sort(), [...before, ...after].map((value) => value.toUpperCase()).sort(), 'nothing lost');
  });
});
