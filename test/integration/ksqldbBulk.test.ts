import { strict as assert } from 'node:assert';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import type { BulkCounts } from '../../protocol/api';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { cli } from '../support/testEnv';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksqlHome, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';

/**
 * A pause-all of hundreds of ksqlDB queries through the agent, as the CLI sends it: items a few
 * at a time, no listing per item, and progress that keeps the client waiting while the agent
 * works. The stand-in's queries are dormant (seedQueries) and its command runner slowed down,
 * so the operation lasts several seconds, well past the client's silence timeout.
 */
useSandboxServices('kafka');

const QUERIES = 300;
const COMMAND_DELAY_MS = 15;
/** Far shorter than the operation: a client that does not follow progress gives up long before the end. */
const CLIENT_SILENCE_MS = 1500;

describe('ksqlDB pause-all at scale through the agent (ksqlDB stand-in, real Kafka)', function () {
  this.timeout(180_000);
  let bed: KafkaBed;
  let server: KsqlDbStandIn;
  let agent: TestAgent;
  let home: ReturnType<typeof ksqlHome>;
  let cst: string;

  before(async () => {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    server = await startStandIn(kafkaService().bootstrap, { serviceId: unique('bulk') });
    server.seedQueries(QUERIES, { prefix: 'BULK' });
    // A source-table query cannot auto-resume, so a timed pause-all goes query by query.
    const topic = unique('users');
    await bed.createTopic(topic);
    const [created] = await ksqlOk(server.url, `CREATE SOURCE TABLE USERS (NAME VARCHAR PRIMARY KEY, TIER INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    cst = created.commandStatus!.queryId!;
    home = ksqlHome({ servers: [server.url] });
    agent = await startTestAgent(home.paths);
    server.slowCommands(COMMAND_DELAY_MS);
  });
  after(async () => {
    await agent?.close();
    await server?.close();
    await bed?.close();
  });

  const pauseStatements = () => server.statements.filter((s) => /^PAUSE /.test(s));
  const extendedListings = () => server.statements.filter((s) => s === 'SHOW QUERIES EXTENDED;');

  it('pauses every query with one PAUSE each, lists the cluster fully only before and after, and keeps a client waiting while progress comes', async () => {
    const client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token, CLIENT_SILENCE_MS);
    await eventually(() => client.snapshot(), (s) => s.resources.length === QUERIES + 1, 20_000, 'every query listed');
    server.statements.length = 0;
    const progress: BulkCounts[] = [];

    const results = await client.pauseAll('ksql', { resumeAfter: '1h', reason: 'bulk freeze' }, { onProgress: (counts) => progress.push(counts) });

    assert.equal(results.length, QUERIES + 1);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.id), [`ksql/${cst}`], 'only the source-table query is left out');
    assert.equal(pauseStatements().length, QUERIES, 'one PAUSE per query, none sent twice');
    assert.ok(extendedListings().length <= 3, `the extended listing is read before and after, not per query (${extendedListings().length} times)`);
    assert.ok(progress.length >= 3, `progress arrived while it worked (${progress.length} messages)`);
    assert.ok(progress.some((p) => p.done > 0 && p.done < p.total), 'counts between the start and the end');
    assert.deepEqual(progress.at(-1), { done: QUERIES, total: QUERIES, failed: 0 });
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done >= progress[i - 1].done, 'counts only grow');

    const journaled = (await new Journal(home.paths.journal).read()).filter((e) => e.action === 'pause' && e.reason === 'bulk freeze');
    assert.equal(journaled.length, QUERIES, 'every paused query is journaled');
    assert.ok(journaled.every((e) => e.resumeAt), 'each with its auto-resume time');
  });

  it('the CLI through the agent prints progress on stderr, a line each tenth when it is not a terminal', async () => {
    const resumed = await cli({ paths: home.paths, writeConnections: home.writeConnections }, ['resume-all', 'ksql', '--force'], { useAgent: true });
    assert.equal(resumed.code, 0, resumed.stderr);
    const client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(() => client.snapshot(), (s) => s.resources.every((r) => r.state === 'running' && r.pause === null), 20_000, 'every query resumed and settled');

    const paused = await cli({ paths: home.paths, writeConnections: home.writeConnections }, ['pause-all', 'ksql', '--resume-after', '1h'], { useAgent: true });

    assert.equal(paused.code, 1, 'the source-table query could not be paused');
    const lines = paused.stderr.split('\n').filter((line) => line.startsWith('Pausing all of ksql: '));
    assert.equal(lines.at(-1), `Pausing all of ksql: ${QUERIES} of ${QUERIES} done`);
    assert.ok(lines.length >= 3 && lines.length <= 12, `occasional lines, not one per query: ${JSON.stringify(lines)}`);
    assert.ok(lines.some((line) => !line.startsWith('Pausing all of ksql: 0 ') && !line.includes(` ${QUERIES} of `)), 'a count on the way');
    assert.equal(paused.stdout.split('\n').filter((line) => line.startsWith('Paused ')).length, QUERIES);
  });
});
