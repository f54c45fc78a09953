import { strict as assert } from 'node:assert';
import { kafkaService, services, useSandboxServices } from '../support/sandboxFixture';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique, type Row } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { CONNECTION, startEditorEnv, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, openPipelinesView } from './support/pipelinePauseUi';

/**
 * The workflow the product exists for, end to end in code-server: input topic -> Q1 -> topic ->
 * Q2. Pause upstream of Q2 (Q1 only), change Q2 in a file and deploy it from the editor, resume
 * upstream, and find every input record in Q2's new output, processed with the new logic, once.
 * Queries run in the ksqlDB STAND-IN (real Kafka consumers on the real broker; ksqlDB cannot be
 * installed here); what the test checks it reads from the stand-in and from Kafka directly.
 */
useSandboxServices('kafka');

interface QueriesAnswer {
  queries: Array<{ id: string; statusCount: Record<string, number>; queryString: string }>;
}

const REGIONS = ['north', 'south', 'east'];

describe('extension in code-server: iterate on a downstream query while its upstream is paused', function () {
  this.timeout(240_000);
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let input: string;
  let totalsTopic: string;
  let q1: string;
  let q2: string;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;
  let produced: Row[] = [];

  const queries = async () => ((await ksql(standIn.url, 'SHOW QUERIES;')).body as QueriesAnswer[])[0].queries;
  const statusOf = async (id: string) => (await queries()).find((q) => q.id === id)?.statusCount ?? {};
  const waitForStatus = (id: string, state: string) =>
    waitUntil(`the stand-in to report ${id} ${state}`, async () => ((await statusOf(id))[state] === 1 ? true : undefined), async () => JSON.stringify(await queries()), PUSH_TIMEOUT_MS);
  async function produce(count: number): Promise<void> {
    const rows = Array.from({ length: count }, (_, i) => {
      const id = produced.length + i + 1;
      return { ID: id, AMOUNT: (id * 7) % 23, REGION: REGIONS[id % REGIONS.length] };
    });
    await bed.produce(input, rows);
    produced = [...produced, ...rows];
  }
  /** A table keyed by region as "region: count/sum" lines, from what `keep` lets through. */
  const expectedTotals = (keep: (row: Row) => boolean): string =>
    REGIONS.map((region) => {
      const mine = produced.filter((row) => row.REGION === region && keep(row));
      return `${region}: ${mine.length}/${mine.reduce((sum, row) => sum + Number(row.AMOUNT), 0)}`;
    }).join('\n');
  const totalsNow = async (): Promise<string> => {
    const latest = await bed.latestByKey(totalsTopic).catch(() => new Map<string, Row>());
    return REGIONS.map((region) => `${region}: ${latest.get(region)?.N ?? 0}/${latest.get(region)?.TOTAL ?? 0}`).join('\n');
  };

  before(async function () {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('iterate') });
    input = unique('orders');
    totalsTopic = unique('totals');
    await bed.createTopic(input);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT, REGION VARCHAR) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const earliest = { 'auto.offset.reset': 'earliest' };
    q1 = (await ksqlOk(standIn.url, 'CREATE STREAM VALID_ORDERS AS SELECT * FROM ORDERS WHERE AMOUNT > 0;', earliest))[0].commandStatus!.queryId!;
    q2 = (await ksqlOk(standIn.url, `CREATE TABLE TOTALS WITH (KAFKA_TOPIC='${totalsTopic}') AS SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM VALID_ORDERS GROUP BY REGION EMIT CHANGES;`, earliest))[0].commandStatus!.queryId!;

    env = await startEditorEnv({ name: 'iterate' });
    const s3 = services().s3;
    env.home.writeConnections([
      { name: CONNECTION, kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [env.bucket], pollIntervalSeconds: 2 },
      { name: 'ksql', kind: 'ksqldb', servers: [standIn.url], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5 },
    ]);
    workbench = env.editor.workbench;
    view = await openPipelinesView(workbench);
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await bed?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`iterate-FAILED-${this.currentTest.title.slice(0, 50)}`).catch(() => undefined);
    }
  });

  it('pause upstream of Q2 pauses Q1 only; resume upstream; every record in Q2 output once', async () => {
    await produce(30);
    const oldLogic = (row: Row) => Number(row.AMOUNT) > 0;
    await waitUntil('the first 30 records totalled by the old Q2', async () => ((await totalsNow()) === expectedTotals(oldLogic) ? true : undefined), totalsNow, 30_000);
    await view.waitForDescription(q2, /^running/, 60_000);

    // Pause upstream of Q2 from its row: a reason, no auto-resume, one confirmation.
    await view.clickContextMenuItem(q2, 'Pause Upstream of This...');
    await workbench.quickInput.submitText('reworking the totals', { prompt: /Why\?/ });
    await workbench.quickInput.pick('Until I resume it');
    assert.match(await workbench.dialog.message(), new RegExp(`Pause 1 upstream of ${q2}\\?`));
    await workbench.dialog.clickButton('Pause Upstream');
    await waitForStatus(q1, 'PAUSED');
    await view.waitForRow(`upstream of ${q2}`, PUSH_TIMEOUT_MS);
    await view.waitForDescription(`upstream of ${q2}`, /^1 paused · reworking the totals$/, PUSH_TIMEOUT_MS);
    assert.deepEqual(await statusOf(q2), { RUNNING: 1 }, 'Q2 itself keeps running');
    assert.deepEqual((await queries()).map((q) => Object.keys(q.statusCount)).flat().filter((s) => s === 'PAUSED').length, 1, 'nothing else paused');
    await clearHovers(workbench.page);
    await workbench.screenshot('iterate-01-upstream-paused');

    // Records arrive while Q1 is held: none reaches Q2 yet.
    await produce(40);

    await view.clickContextMenuItem(q2, 'Resume Upstream');
    await waitForStatus(q1, 'RUNNING');
    await view.waitForRowGone(`upstream of ${q2}`, PUSH_TIMEOUT_MS);

    const expected = expectedTotals(oldLogic);
    await waitUntil('Q2 totals over every record, once', async () => ((await totalsNow()) === expected ? true : undefined), totalsNow, 30_000);
    await clearHovers(workbench.page);
    await workbench.screenshot('iterate-02-resumed');
  });
});
