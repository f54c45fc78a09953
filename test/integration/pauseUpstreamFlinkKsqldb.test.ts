import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { agentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { flinkService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { waitFor } from '../support/waitFor';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * "Pause upstream of this" across Flink and ksqlDB: a real Flink SQL job (sandbox session
 * cluster) writes the topic a ksqlDB query reads (stand-in: real consumers on the real broker).
 * Pausing upstream of the query stops the Flink job with a savepoint and nothing else; resuming
 * the group restores it, and every record reaches the query's output once.
 */
useSandboxServices('kafka', 'flink');

describe('pause upstream across Flink and ksqlDB (real Flink 2.2 and Kafka, ksqlDB stand-in)', function () {
  this.timeout(180_000);
  const [input, middle, output] = [unique('pp_fk_in'), unique('pp_fk_mid'), unique('pp_fk_out')];
  // Flink SQL identifiers take no '-'.
  const job = unique('valid').replace(/-/g, '_');
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let agent: TestAgent;
  let client: AgentClient;
  let query: string;

  const flinkJobs = async () => ((await (await fetch(`${flinkService().restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; name: string; state: string }> }).jobs;
  const running = async () => (await flinkJobs()).filter((j) => j.name === job && j.state === 'RUNNING');
  const queryState = async (): Promise<Record<string, number>> => {
    const { body } = await ksql(standIn.url, 'SHOW QUERIES;');
    return (body as Array<{ queries: Array<{ id: string; statusCount: Record<string, number> }> }>)[0].queries.find((q) => q.id === query)?.statusCount ?? {};
  };
  const resource = (id: string, what: string, accept: (resource: Resource) => boolean) =>
    waitFor(`${id} ${what}`, async () => {
      const found = (await client.snapshot()).resources.find((r) => r.id === id);
      return found && accept(found) ? found : false;
    }, 60_000);
  // The sink's columns are upper-case, as ksqlDB names the fields of the stream that reads them.
  const table = (name: string, columns: string, topic: string, groupId: string | null) =>
    `CREATE TABLE ${name} (${columns}) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaService().bootstrap}', ` +
    (groupId ? `'properties.group.id' = '${groupId}', 'scan.startup.mode' = 'earliest-offset', ` : '') +
    `'format' = 'json');`;
  const produce = (from: number, count: number) => bed.produce(input, Array.from({ length: count }, (_, i) => ({ id: from + i, amount: ((from + i) * 7) % 23 })));

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    for (const topic of [input, middle, output]) await bed.createTopic(topic);
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('flink-upstream') });
    await ksqlOk(standIn.url, `CREATE STREAM VALID (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${middle}', VALUE_FORMAT='JSON');`);
    query = (await ksqlOk(standIn.url, `CREATE STREAM BIG WITH (KAFKA_TOPIC='${output}') AS SELECT * FROM VALID WHERE AMOUNT >= 10;`, { 'auto.offset.reset': 'earliest' }))[0].commandStatus!.queryId!;
    const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-flink-ksql-')) });
    writeFileSync(
      paths.connections,
      JSON.stringify({
        connections: [
          { name: 'flink', kind: 'flink', url: flinkService().restUrl, gatewayUrl: flinkService().gatewayUrl, jobs: [job], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5 },
          { name: 'ksql', kind: 'ksqldb', servers: [standIn.url], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5 },
        ],
      }),
    );
    agent = await startTestAgent(paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    const deployed = await client.deploy('flink', { statement: [table('orders', 'id INT, amount INT', input, `${input}_g`), table(job, 'ID INT, AMOUNT INT', middle, null), `INSERT INTO ${job} SELECT id, amount FROM orders WHERE amount > 0;`].join('\n') });
    assert.equal(deployed.action, 'created');
  });

  after(async () => {
    await agent?.close();
    await Promise.all((await running().catch(() => [])).map((j) => fetch(`${flinkService().restUrl}/jobs/${j.jid}?mode=cancel`, { method: 'PATCH' }).catch(() => undefined)));
    await standIn?.close();
    await bed?.close();
  });

  it('holds the Flink job upstream of the query (and only it); resuming the group restores it and every record arrives once', async () => {
    await produce(1, 40);
    const expected = (upTo: number) => Array.from({ length: upTo }, (_, i) => i + 1).filter((id) => (id * 7) % 23 >= 10).length;
    await waitFor('the first 40 through Flink and the query', async () => (await bed.count(output)) === expected(40), 90_000);
    await resource(`ksql/${query}`, 'reading the Flink job\'s topic', (r) => r.lineage.inputs.includes(`kafka-topic:${middle}`));

    const group = await client.pauseUpstream(`ksql/${query}`, { reason: 'changing BIG', pausedBy: 'dana' });
    assert.deepEqual(group.results.map((r) => [r.id, r.ok]), [[`flink/${job}`, true]]);
    await resource(`flink/${job}`, 'paused in the group, with a savepoint', (r) => r.state === 'paused' && r.pauseGroup !== null && /^stopped with savepoint/.test(String(r.stateDetail)));
    assert.deepEqual(await running(), [], 'the Flink job is stopped');
    assert.deepEqual(await queryState(), { RUNNING: 1 }, 'the query itself keeps running');

    const heldAt = await bed.count(middle);
    await produce(41, 30);
    await sleep(3000);
    assert.equal(await bed.count(middle), heldAt, 'the stopped job writes nothing');

    const resumed = await client.resumeUpstream(`ksql/${query}`);
    assert.deepEqual(resumed.map((r) => [r.id, r.ok]), [[`flink/${job}`, true]]);
    await resource(`flink/${job}`, 'running again with no pause', (r) => r.state === 'running' && r.pause === null);
    await waitFor('all 70 through, each once', async () => (await bed.count(output)) === expected(70), 90_000);
    await sleep(3000);
    assert.equal(await bed.count(output), expected(70), 'nothing twice');
    const ids = (await bed.readAll(output)).map((record) => Number(record.value.ID));
    assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 70 }, (_, i) => i + 1).filter((id) => (id * 7) % 23 >= 10), 'nothing lost');
  });
});
