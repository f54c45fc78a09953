import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../client/agentClient';
import { Journal } from '../../agent/core/journal';
import { PauseError } from '../../protocol/errors';
import { agentPaths } from '../../protocol/paths';
import type { Resource } from '../../protocol/resource';
import { FILE_SOURCE } from '../../sandbox/connect';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { connectRest, connectStatus } from '../support/connectRest';
import { connectService, kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { cli, type TestHome } from '../support/testEnv';
import { waitFor } from '../support/waitFor';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';

/**
 * "Pause upstream of this" across backends: a real Kafka Connect file source writes a topic that
 * a ksqlDB query (stand-in, real consumers on the real broker) reads, whose output feeds a second
 * query. Pausing upstream of the second query must pause exactly the first query and the
 * connector, as one group; resuming the group must resume exactly what the group paused.
 */
useSandboxServices('kafka', 'connect');

describe('pause upstream across Kafka Connect and ksqlDB (real Connect worker, ksqlDB stand-in, real Kafka)', function () {
  this.timeout(120_000);
  const source = unique('pp-up-src');
  const topic = unique('pp-up-orders');
  let dir: string;
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let agent: TestAgent;
  let client: AgentClient;
  let home: TestHome;
  let q1: string;
  let q2: string;
  let sibling: string;
  let mid: string;

  const ksqlId = (query: string) => `ksql/${query}`;
  const connectorId = `connect/${source}`;
  const queryState = async (query: string): Promise<Record<string, number>> => {
    const { body } = await ksql(standIn.url, 'SHOW QUERIES;');
    const found = (body as Array<{ queries: Array<{ id: string; statusCount: Record<string, number> }> }>)[0].queries.find((q) => q.id === query);
    return found?.statusCount ?? {};
  };
  const rows = async (): Promise<Map<string, Resource>> => new Map((await client.snapshot()).resources.map((r) => [r.id, r]));
  const until = (what: string, accept: (byId: Map<string, Resource>) => boolean) =>
    waitFor(what, async () => {
      const byId = await rows();
      return accept(byId) ? byId : false;
    }, 30_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-upstream-'));
    writeFileSync(join(dir, 'input.txt'), '');
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    await bed.createTopic(topic);
    const created = await connectRest('POST', '/connectors', { name: source, config: { 'connector.class': FILE_SOURCE, 'tasks.max': '1', file: join(dir, 'input.txt'), topic } });
    assert.equal(created.status, 201, created.text);

    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('svc') });
    mid = unique('mid').toUpperCase().replace(/-/g, '_');
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT, REGION VARCHAR) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    const queryId = async (statement: string) => (await ksqlOk(standIn.url, statement))[0].commandStatus!.queryId!;
    q1 = await queryId(`CREATE STREAM ${mid} AS SELECT * FROM ORDERS WHERE AMOUNT > 0;`);
    q2 = await queryId(`CREATE STREAM ${mid}_OUT AS SELECT * FROM ${mid};`);
    sibling = await queryId(`CREATE STREAM ${mid}_AUDIT AS SELECT * FROM ORDERS;`);

    const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-upstream-')) });
    home = { paths, writeConnections: () => undefined };
    writeFileSync(
      paths.connections,
      JSON.stringify({
        connections: [
          { name: 'ksql', kind: 'ksqldb', servers: [standIn.url], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5 },
          { name: 'connect', kind: 'kafka-connect', url: connectService().url, connectors: [source], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5, settleSeconds: 3 },
        ],
      }),
    );
    agent = await startTestAgent(paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await until('the connector and the three queries running', (byId) => [connectorId, ksqlId(q1), ksqlId(q2), ksqlId(sibling)].every((id) => byId.get(id)?.state === 'running'));
  });

  after(async () => {
    await agent?.close();
    await standIn?.close();
    await connectRest('DELETE', `/connectors/${source}`).catch(() => undefined);
    await bed?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pauses the query and the connector that feed Q2, and nothing else, as one group with one reason and one auto-resume', async () => {
    const outcome = await client.pauseUpstream(ksqlId(q2), { reason: 'editing the downstream query', pausedBy: 'dana', resumeAfter: '30m' });
    assert.deepEqual(outcome.results, [
      { id: ksqlId(q1), ok: true, error: null },
      { id: connectorId, ok: true, error: null },
    ], 'nearest first, across both connections');
    assert.deepEqual(outcome.skipped, []);
    assert.equal(outcome.group.target, ksqlId(q2));
    assert.equal(outcome.group.name, `upstream of ${q2}`);

    // Where each backend says it: the stand-in's statusCount and Connect's own status.
    await waitFor('Q1 paused on the server', async () => (await queryState(q1)).PAUSED === 1);
    await waitFor('the connector paused in Connect', async () => (await connectStatus(source)).connector.state === 'PAUSED');
    assert.deepEqual(await queryState(q2), { RUNNING: 1 }, 'the selected query itself keeps running');
    assert.deepEqual(await queryState(sibling), { RUNNING: 1 }, 'a query beside the pipeline is not upstream of Q2');

    const byId = await until('both members shown paused in the group', (m) => m.get(ksqlId(q1))?.pauseGroup?.id === outcome.group.id && m.get(connectorId)?.pauseGroup?.id === outcome.group.id);
    const members = [byId.get(ksqlId(q1))!, byId.get(connectorId)!];
    for (const member of members) {
      assert.equal(member.pause?.reason, 'editing the downstream query');
      assert.equal(member.pause?.pausedBy, 'dana');
    }
    assert.ok(members[0].pause?.resumeAt, 'an auto-resume time is set');
    assert.equal(members[0].pause?.resumeAt, members[1].pause?.resumeAt, 'one auto-resume time for the whole group');
    const inThirtyMinutes = Date.now() + 30 * 60_000;
    assert.ok(Math.abs(Date.parse(members[0].pause!.resumeAt!) - inThirtyMinutes) < 60_000);
    assert.equal(byId.get(ksqlId(q2))?.pauseGroup, null);

    const status = await cli(home, ['status', ksqlId(q1)], { useAgent: true });
    assert.match(status.stdout, new RegExp(`Group: upstream of ${q2} \\(resume with: pipeline-pause resume-upstream ${ksqlId(q2)}\\)`));

    const resumed = await client.resumeUpstream(ksqlId(q2));
    assert.deepEqual(resumed.map((r) => [r.id, r.ok]).sort(), [[connectorId, true], [ksqlId(q1), true]]);
    await waitFor('Q1 running on the server', async () => (await queryState(q1)).RUNNING === 1);
    await waitFor('the connector running in Connect', async () => (await connectStatus(source)).connector.state === 'RUNNING');
    await until('no group left', (m) => [...m.values()].every((r) => r.pauseGroup === null && r.pause === null));
  });

  it('auto-resumes the group as one at its one resume time: every member resumed, the group gone', async () => {
    const outcome = await client.pauseUpstream(ksqlId(q2), { reason: 'a short hold', pausedBy: 'gus', resumeAfter: '8s' });
    assert.deepEqual(outcome.results.map((r) => [r.id, r.ok]), [[ksqlId(q1), true], [connectorId, true]]);
    const held = await until('both members held by the group', (m) => m.get(ksqlId(q1))?.pauseGroup?.id === outcome.group.id && m.get(connectorId)?.pauseGroup?.id === outcome.group.id);
    const resumeAt = held.get(ksqlId(q1))!.pause!.resumeAt!;
    assert.equal(held.get(connectorId)!.pause!.resumeAt, resumeAt, 'one resume time for the group');
    assert.equal((await queryState(q1)).PAUSED, 1);
    assert.equal((await connectStatus(source)).connector.state, 'PAUSED');

    // Nobody resumes anything: the agent's scheduler does it at resumeAt.
    await waitFor('Q1 running on the server', async () => (await queryState(q1)).RUNNING === 1);
    await waitFor('the connector running in Connect', async () => (await connectStatus(source)).connector.state === 'RUNNING');
    await until('no member paused, no group shown', (m) => [...m.values()].every((r) => r.pauseGroup === null && r.pause === null));
    await assert.rejects(client.resumeGroup(outcome.group.id), (error: PauseError) => error.code === 'NotPaused' && /no resource is paused by group/.test(error.message), 'the journal holds no member any more');
    await assert.rejects(client.resumeUpstream(ksqlId(q2)), (error: PauseError) => error.code === 'NotPaused');

    const autoResumed = (await new Journal(home.paths.journal).read()).filter((e) => e.action === 'auto-resume');
    assert.deepEqual(autoResumed.map((e) => e.resource).sort(), [connectorId, ksqlId(q1)].sort(), 'each member auto-resumed once');
    for (const entry of autoResumed) {
      assert.equal(entry.resumeAt, resumeAt);
      assert.ok(Date.parse(entry.at) >= Date.parse(resumeAt), `${entry.resource} not before the group's time`);
      assert.ok(Date.parse(entry.at) - Date.parse(resumeAt) < 10_000, `${entry.resource} resumed ${Date.parse(entry.at) - Date.parse(resumeAt)} ms late`);
    }
  });

  it('leaves out what was already paused and resumes only what the group itself still holds', async () => {
    await client.pause(connectorId, { reason: 'source database maintenance', pausedBy: 'erin' });
    const outcome = await client.pauseUpstream(ksqlId(q2), { name: 'q2 rework' });
    assert.deepEqual(outcome.results.map((r) => r.id), [ksqlId(q1)]);
    assert.deepEqual(outcome.skipped, [{ id: connectorId, reason: 'already paused by erin; left as it is' }]);
    assert.equal(outcome.group.name, 'q2 rework');

    // Resume the group by its id, as the tree's group row does.
    const resumed = await client.resumeGroup(outcome.group.id);
    assert.deepEqual(resumed, [{ id: ksqlId(q1), ok: true, error: null }]);
    await waitFor('Q1 running on the server', async () => (await queryState(q1)).RUNNING === 1);
    assert.equal((await connectStatus(source)).connector.state, 'PAUSED', "erin's pause is not the group's to end");
    assert.equal((await client.resource(connectorId)).pause?.reason, 'source database maintenance');

    await assert.rejects(client.resumeGroup(outcome.group.id), (error: PauseError) => error.code === 'NotPaused' && /no resource is paused by group/.test(error.message));
    await client.resume(connectorId, {});
  });

  it('a member resumed by hand and paused again by someone else has left the group', async () => {
    const outcome = await client.pauseUpstream(ksqlId(q2), {});
    await waitFor('the connector paused in Connect', async () => (await connectStatus(source)).connector.state === 'PAUSED');
    await client.resume(connectorId, {});
    await client.pause(connectorId, { reason: 'a separate pause', pausedBy: 'frank', force: true });
    const resumed = await client.resumeUpstream(ksqlId(q2));
    assert.deepEqual(resumed.map((r) => r.id), [ksqlId(q1)]);
    assert.equal((await client.resource(connectorId)).pause?.pausedBy, 'frank');
    assert.equal((await client.resource(connectorId)).pauseGroup, null);
    assert.equal(outcome.group.target, ksqlId(q2));
    await client.resume(connectorId, {});
  });

  it('follows Q2 when deploy recreates it under a new id, so resume upstream works on the new query', async () => {
    const outcome = await client.pauseUpstream(ksqlId(q2), { reason: 'reshaping Q2' });
    await waitFor('Q1 paused on the server', async () => (await queryState(q1)).PAUSED === 1);
    // Fewer columns cannot be upgraded in place: with consent, the query is terminated and recreated.
    const deployed = await client.deploy('ksql', { statement: `CREATE STREAM ${mid}_OUT AS SELECT ID, AMOUNT FROM ${mid};`, recreate: true });
    assert.equal(deployed.action, 'recreated');
    assert.equal(deployed.replacedQueryId, q2);
    const newQ2 = deployed.queryId;
    assert.notEqual(newQ2, q2);

    const member = await client.resource(ksqlId(q1));
    assert.deepEqual(member.pauseGroup, { ...outcome.group, target: ksqlId(newQ2) });
    assert.equal(member.pause?.reason, 'reshaping Q2', 'the pause itself is unchanged');
    await assert.rejects(client.resumeUpstream(ksqlId(q2)), (error: PauseError) => error.code === 'NotPaused');
    const resumed = await client.resumeUpstream(ksqlId(newQ2));
    assert.deepEqual(resumed.map((r) => r.id).sort(), [connectorId, ksqlId(q1)].sort());
    await waitFor('Q1 running on the server', async () => (await queryState(q1)).RUNNING === 1);
    q2 = newQ2;
  });

  it('answers clearly when there is nothing to pause or resume, and changes nothing', async () => {
    const before = (await client.snapshot()).resources.map((r) => [r.id, r.state]);
    await assert.rejects(client.pauseUpstream(connectorId, {}), (error: PauseError) => error.code === 'NotFound' && /nothing Pipeline Pause knows of feeds connect\//.test(error.message));
    await assert.rejects(client.resumeUpstream(ksqlId(q2)), (error: PauseError) => error.code === 'NotPaused' && /use "pause upstream" first/.test(error.message));
    await assert.rejects(client.pauseUpstream('ksql/NO_SUCH_QUERY', {}), (error: PauseError) => error.code === 'NotFound');
    await assert.rejects(client.pauseUpstream(ksqlId(q2), { name: ' ' }), (error: PauseError) => error.code === 'BadRequest' && /name/.test(error.message));
    await assert.rejects(client.pauseUpstream(ksqlId(q2), { resumeAfter: 'soon' }), (error: PauseError) => error.code === 'BadRequest' && /cannot read duration/.test(error.message));
    assert.deepEqual((await client.snapshot()).resources.map((r) => [r.id, r.state]), before);
    assert.deepEqual(await queryState(q1), { RUNNING: 1 });
  });
});
