import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique, type Row } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { startKsqlEditor, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, screenshotOnFailure } from './support/pipelinePauseUi';
import { clickCodeLens, goToLine, openWorkspaceFile, waitForCodeLenses } from './support/sqlEditor';

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
const CHANNELS = ['web', 'store'];
const FILE = 'totals.sql';
const LENS = 'Deploy to ksql';

/** The developer's file: Q2 as it runs now (totals per region). The test rewrites lines 3-5. */
const q2Source = (topic: string) => `-- Order totals, downstream of VALID_ORDERS
CREATE TABLE TOTALS WITH (KAFKA_TOPIC='${topic}') AS
  SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL
  FROM VALID_ORDERS
  GROUP BY REGION
  EMIT CHANGES;
`;
/** The change: totals per sales channel, of orders of 10 or more. */
const NEW_LINES: Record<number, string> = {
  3: '  SELECT CHANNEL, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL',
  4: '  FROM VALID_ORDERS WHERE AMOUNT >= 10',
  5: '  GROUP BY CHANNEL',
};

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
      return { ID: id, AMOUNT: (id * 7) % 23, REGION: REGIONS[id % REGIONS.length], CHANNEL: CHANNELS[id % CHANNELS.length] };
    });
    await bed.produce(input, rows);
    produced = [...produced, ...rows];
  }
  /** A table's latest value per key as "key: count/sum" lines, for the keys of `column`, from what `keep` lets through. */
  const expectedTotals = (column: 'REGION' | 'CHANNEL', keys: string[], keep: (row: Row) => boolean): string =>
    keys
      .map((key) => {
        const mine = produced.filter((row) => row[column] === key && keep(row));
        return `${key}: ${mine.length}/${mine.reduce((sum, row) => sum + Number(row.AMOUNT), 0)}`;
      })
      .join('\n');
  const totalsNow = async (keys: string[]): Promise<string> => {
    const latest = await bed.latestByKey(totalsTopic).catch(() => new Map<string, Row>());
    return keys.map((key) => `${key}: ${latest.get(key)?.N ?? 0}/${latest.get(key)?.TOTAL ?? 0}`).join('\n');
  };

  before(async function () {
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('iterate') });
    input = unique('orders');
    totalsTopic = unique('totals');
    await bed.createTopic(input);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT, REGION VARCHAR, CHANNEL VARCHAR) WITH (KAFKA_TOPIC='${input}', VALUE_FORMAT='JSON');`);
    const earliest = { 'auto.offset.reset': 'earliest' };
    q1 = (await ksqlOk(standIn.url, 'CREATE STREAM VALID_ORDERS AS SELECT * FROM ORDERS WHERE AMOUNT > 0;', earliest))[0].commandStatus!.queryId!;
    q2 = (await ksqlOk(standIn.url, q2Source(totalsTopic), earliest))[0].commandStatus!.queryId!;

    ({ env, workbench, view } = await startKsqlEditor({ name: 'iterate', ksqlUrl: standIn.url, files: { [FILE]: q2Source(totalsTopic) } }));
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await bed?.close();
  });

  screenshotOnFailure('iterate', () => workbench);

  it('pause upstream of Q2 pauses Q1 only; Q2 edited in its file and deployed; resume upstream; every record in the new output once', async () => {
    await produce(30);
    const oldLogic = (row: Row) => Number(row.AMOUNT) > 0;
    await waitUntil('the first 30 records totalled by the old Q2', async () => ((await totalsNow(REGIONS)) === expectedTotals('REGION', REGIONS, oldLogic) ? true : undefined), () => totalsNow(REGIONS), 30_000);
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
    assert.equal((await queries()).filter((q) => q.statusCount.PAUSED).length, 1, 'nothing else paused');
    await clearHovers(workbench.page);
    await workbench.screenshot('iterate-01-upstream-paused');

    // Records arrive while Q1 is held: none reaches Q2 yet.
    const totalsBeforeHold = expectedTotals('REGION', REGIONS, oldLogic);
    await produce(40);
    await sleep(3000);
    assert.equal(await totalsNow(REGIONS), totalsBeforeHold, 'nothing produced while Q1 is paused reaches Q2');

    // The developer rewrites Q2 in its file and deploys it with the CodeLens. Totals per channel
    // instead of per region cannot be upgraded in place, so the editor asks before recreating.
    await openWorkspaceFile(workbench.page, FILE);
    await waitForCodeLenses(workbench.page, LENS, 1);
    await workbench.page.locator('.monaco-editor .view-lines').first().click();
    for (const [line, text] of Object.entries(NEW_LINES)) {
      await goToLine(workbench.page, Number(line), 1);
      await workbench.page.keyboard.press('Shift+End');
      await workbench.page.keyboard.insertText(text);
    }
    await workbench.page.keyboard.press('Control+S');
    await clickCodeLens(workbench.page, LENS, 0);
    assert.match(await workbench.dialog.message(), new RegExp(`Terminate and recreate ${q2}\\?`));
    await workbench.dialog.clickButton('Terminate and Recreate');
    const recreated = await workbench.waitForNotification(/^Recreated as ksql\/CTAS_TOTALS_\d+, replacing /, PUSH_TIMEOUT_MS);
    const newQ2 = /ksql\/(CTAS_TOTALS_\d+)/.exec(recreated.message)![1];
    assert.notEqual(newQ2, q2);
    assert.ok((await queries()).some((q) => q.id === newQ2 && /GROUP BY CHANNEL/.test(q.queryString)), 'the edited statement runs on the server');
    assert.ok(!(await queries()).some((q) => q.id === q2), 'the old Q2 is gone');
    await view.waitForDescription(newQ2, /^running/, PUSH_TIMEOUT_MS);
    await clearHovers(workbench.page);
    await workbench.screenshot('iterate-02-deployed');

    // Recreating gave Q2 a new id; the group (still named after the old one) follows it.
    await view.waitForRow(`upstream of ${q2}`, PUSH_TIMEOUT_MS);
    await view.clickContextMenuItem(newQ2, 'Resume Upstream');
    await waitForStatus(q1, 'RUNNING');
    await view.waitForRowGone(`upstream of ${q2}`, PUSH_TIMEOUT_MS);

    const newLogic = (row: Row) => Number(row.AMOUNT) >= 10;
    const expected = expectedTotals('CHANNEL', CHANNELS, newLogic);
    await waitUntil('the new Q2 totals over all 70 records, each once', async () => ((await totalsNow(CHANNELS)) === expected ? true : undefined), () => totalsNow(CHANNELS), 30_000);
    assert.equal(produced.length, 70);
    // Settled, not passing through: a record delivered twice would push the totals past this.
    await sleep(3000);
    assert.equal(await totalsNow(CHANNELS), expected, 'the totals stay exact once every record is in');
    await clearHovers(workbench.page);
    await workbench.screenshot('iterate-03-resumed');
  });
});
