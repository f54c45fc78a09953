import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import type { Frame } from 'playwright-core';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { eventually } from '../support/waitFor';
import { cli } from '../support/testEnv';
import { KafkaBed, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { startKsqlEditor, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, screenshotOnFailure } from './support/pipelinePauseUi';

/**
 * The lineage graph in the packaged extension, in code-server through Chromium, for a chain of
 * two ksqlDB STAND-IN queries on the real broker: input -> Q1 -> mid -> Q2 -> out. Q1 is paused
 * through the agent; the graph opened from Q2's row marks Q1 paused (and Q2 not), shows the
 * topics, the backlog on Q1's read and its data-loss deadline; clicking Q1 selects its row.
 */
useSandboxServices('kafka');

describe('extension in code-server: lineage graph', function () {
  this.timeout(150_000);
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let q1: string;
  let q2: string;
  let topics: { input: string; mid: string; out: string };
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const produce = (from: number, count: number) => bed.produce(topics.input, Array.from({ length: count }, (_, i) => ({ ID: from + i, AMOUNT: from + i })));

  before(async function () {
    this.timeout(240_000);
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('e2e-lineage') });
    topics = { input: unique('e2e-in'), mid: unique('e2e-mid'), out: unique('e2e-out') };
    await bed.createTopic(topics.input, { retentionMs: 3 * 3600_000 });
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${topics.input}', VALUE_FORMAT='JSON');`);
    const earliest = { 'auto.offset.reset': 'earliest' };
    q1 = (await ksqlOk(standIn.url, `CREATE STREAM MID WITH (KAFKA_TOPIC='${topics.mid}', PARTITIONS=1) AS SELECT * FROM ORDERS WHERE AMOUNT > 0 EMIT CHANGES;`, earliest))[0].commandStatus!.queryId!;
    q2 = (await ksqlOk(standIn.url, `CREATE STREAM OUT WITH (KAFKA_TOPIC='${topics.out}', PARTITIONS=1) AS SELECT * FROM MID WHERE AMOUNT > 5 EMIT CHANGES;`, earliest))[0].commandStatus!.queryId!;
    await produce(1, 10);
    await eventually(() => bed.count(topics.out), (n) => n === 5, 20_000, 'both queries to process the first records');

    ({ env, workbench, view } = await startKsqlEditor({ name: 'lineage', ksqlUrl: standIn.url }));
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await bed?.close();
  });

  screenshotOnFailure('lineage', () => workbench);

  /** The webview's inner frame, found by the graph it draws (code-server nests it in two iframes). */
  const graphFrame = () =>
    waitUntil(
      'the lineage webview to draw its graph',
      async () => {
        for (const frame of workbench.page.frames()) if (await frame.locator('svg.lineage').count().catch(() => 0)) return frame;
        return undefined;
      },
      async () => `frames ${workbench.page.frames().map((f) => f.url().slice(0, 80)).join(', ')}`,
      30_000,
    );
  const classOf = (frame: Frame, id: string) => frame.locator(`svg.lineage [data-id="${id}"]`).first().getAttribute('class');

  it('marks the paused query, shows topics, backlog and deadline, and selects a clicked node in the tree', async () => {
    await view.waitForDescription(q2, /^running/, 60_000);
    const paused = await cli(env.home, ['pause', `ksql/${q1}`, '--reason', 'deploying a new Q2'], { useAgent: true });
    assert.equal(paused.code, 0, paused.stderr);
    await produce(11, 40);
    await view.waitForDescription(q1, /^paused · resume within /, PUSH_TIMEOUT_MS);

    await view.clickContextMenuItem(q2, 'Show Lineage Graph');
    const frame = await graphFrame();
    // Live: the picture follows the agent's pushes until it shows the lag.
    await waitUntil('the graph to show 40 behind', async () => ((await frame.locator('svg.lineage .edge-label', { hasText: '40 behind' }).count()) ? true : undefined), async () => (await frame.locator('svg.lineage').innerHTML()).slice(0, 600), PUSH_TIMEOUT_MS);

    assert.match((await classOf(frame, `ksql/${q1}`)) ?? '', /\bpaused\b/, 'Q1 is marked paused');
    assert.equal(await frame.locator(`[data-id="ksql/${q1}"] .badge text`).textContent(), 'paused');
    assert.match(await frame.locator(`[data-id="ksql/${q1}"] > title`).textContent() ?? '', /Reason: deploying a new Q2/);
    assert.match(await frame.locator(`[data-id="ksql/${q1}"] .deadline`).textContent() ?? '', /^data lost in (2h 5\dm|3h) \(\d\d:\d\dZ\)$/, 'input retention 3h, the oldest unread record just written');
    const q2Class = (await classOf(frame, `ksql/${q2}`)) ?? '';
    assert.doesNotMatch(q2Class, /\bpaused\b/, 'Q2 runs');
    assert.match(q2Class, /\bselected\b/, 'the resource the graph was opened for is highlighted');
    for (const topic of Object.values(topics)) assert.match((await classOf(frame, `kafka-topic:${topic}`)) ?? '', /\bdataset\b/, `topic ${topic} drawn`);
    const edge = frame.locator(`svg.lineage .edge[data-from="kafka-topic:${topics.input}"][data-to="ksql/${q1}"] .edge-label`);
    assert.equal(await edge.textContent(), '40 behind', 'the backlog on Q1\'s read');
    await clearHovers(workbench.page);
    const picture = await workbench.screenshot('lineage-graph');
    assert.ok(statSync(picture).size > 10_000, `the graph's screenshot is saved as a test artifact (${picture})`);

    await frame.locator(`svg.lineage [data-id="ksql/${q1}"] rect`).first().click();
    await waitUntil(
      `the tree to select ${q1}`,
      async () => ((await view.pane.locator('.monaco-list-row[aria-selected="true"] .label-name').allTextContents()).join() === q1 ? true : undefined),
      async () => `selected rows ${JSON.stringify(await view.pane.locator('.monaco-list-row[aria-selected="true"] .label-name').allTextContents())}`,
      10_000,
    );
    await waitUntil('the graph to highlight Q1', async () => (/\bselected\b/.test((await classOf(frame, `ksql/${q1}`)) ?? '') ? true : undefined), async () => (await classOf(frame, `ksql/${q1}`)) ?? '', 10_000);
    await workbench.screenshot('lineage-02-selected');
  });
});
