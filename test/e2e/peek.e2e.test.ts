import { strict as assert } from 'node:assert';
import type { Admin } from 'kafkajs';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { eventually } from '../support/waitFor';
import { KafkaBed, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { Editors } from './harness/pages/editors';
import { startKsqlEditor, type EditorEnv } from './support/editorEnv';
import { clearHovers, screenshotOnFailure } from './support/pipelinePauseUi';

/**
 * Peek in the packaged extension, in code-server through Chromium: the inline eye on a ksqlDB
 * query row (the STAND-IN, whose queries are real Kafka consumers and producers) opens the
 * latest records of its sink topic, Refresh shows newer ones, and the broker's consumer-group
 * list is the same afterwards: peeking joined no group.
 */
useSandboxServices('kafka');

describe('extension in code-server: peek at a query\'s output topic', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let admin: Admin;
  let standIn: KsqlDbStandIn;
  let queryId: string;
  let input: string;
  let sink: string;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const groups = async () => (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  const produce = (from: number, count: number) => bed.produce(input, Array.from({ length: count }, (_, i) => ({ ID: from + i, AMOUNT: 100 + from + i })));

  before(async function () {
    this.timeout(240_000);
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    admin = bed.kafka.admin();
    await admin.connect();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('e2e-peek') });
    input = unique('e2e-peek-orders');
    sink = unique('e2e-peek-big');
    await bed.createTopic(input);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(standIn.url, `CREATE STREAM BIG WITH (KAFKA_TOPIC='${sink}', PARTITIONS=1) AS SELECT * FROM ORDERS WHERE AMOUNT > 10;`, { 'auto.offset.reset': 'earliest' });
    queryId = created.commandStatus!.queryId!;
    await produce(1, 5);
    await eventually(() => bed.count(sink), (n) => n === 5, 20_000, 'the query to write 5 records');

    ({ env, workbench, view } = await startKsqlEditor({ name: 'peek', ksqlUrl: standIn.url }));
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await admin?.disconnect();
    await bed?.close();
  });

  screenshotOnFailure('peek', () => workbench);

  it('opens the latest records from the row, refreshes to newer ones, and joins no consumer group', async () => {
    await view.waitForDescription(queryId, /^running/, 60_000);
    const groupsBefore = await groups();
    const editors = new Editors(workbench.page);
    // The tab is titled after the query (code-server may leave the .log extension out of the label).
    const title = new RegExp(`^${queryId} \\(latest records\\)(\\.log)?$`);
    const holds = (ids: number[]) => (text: string) => ids.every((id) => text.includes(`{"ID":${id},"AMOUNT":${100 + id}}`));

    await view.clickInlineAction(queryId, 'Peek at Latest Records');
    const first = await editors.waitForActive(title, holds([1, 2, 3, 4, 5]), 'records 1-5', 30_000);
    assert.match(first, new RegExp(`^# ksql/${queryId} · latest 20 records per output topic`));
    assert.match(first, new RegExp(`# topic ${sink} · offsets p0 0\\.\\.5 · 5 shown`));
    assert.ok(first.indexOf('"ID":1,') < first.indexOf('"ID":5,'), 'newest last');
    await clearHovers(workbench.page);
    await workbench.screenshot('peek-01-opened');

    await produce(6, 2);
    await eventually(() => bed.count(sink), (n) => n === 7, 20_000, 'the query to write 2 more');
    await editors.clickTitleAction('Refresh Peek');
    const refreshed = await editors.waitForActive(title, holds([1, 2, 3, 4, 5, 6, 7]), 'records 1-7 after Refresh', 30_000);
    assert.match(refreshed, /offsets p0 0\.\.7 · 7 shown/);
    await workbench.screenshot('peek-02-refreshed');

    assert.deepEqual(await groups(), groupsBefore, 'the broker lists the same consumer groups: peeking joined none');
  });
});
