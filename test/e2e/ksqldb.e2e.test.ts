import { strict as assert } from 'node:assert';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { KafkaBed, ksql, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { startKsqlEditor, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, waitForStatusHidden, waitForStatusText, screenshotOnFailure } from './support/pipelinePauseUi';

/**
 * ksqlDB persistent queries in the packaged extension, in code-server through Chromium, the same
 * way as S3 queues: inline Pause and Resume on a query row, checked where it lands, in what the
 * ksqlDB STAND-IN (real Kafka consumers; ksqlDB cannot be installed here) reports per server.
 */
useSandboxServices('kafka');

interface QueriesAnswer {
  queries: Array<{ id: string; statusCount: Record<string, number> }>;
}

describe('extension in code-server: ksqlDB persistent queries', function () {
  this.timeout(120_000);
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let queryId: string;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const statusCount = async (): Promise<Record<string, number>> => {
    const answer = await ksql(standIn.url, 'SHOW QUERIES;');
    const [body] = answer.body as QueriesAnswer[];
    return body.queries.find((q) => q.id === queryId)?.statusCount ?? {};
  };
  const waitForCount = (state: string) =>
    waitUntil(`the stand-in to report ${queryId} ${state}`, async () => ((await statusCount())[state] === 1 ? true : undefined), async () => JSON.stringify(await statusCount()), PUSH_TIMEOUT_MS);

  before(async function () {
    this.timeout(240_000);
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('e2e') });
    const topic = unique('e2e-orders');
    await bed.createTopic(topic);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);
    const [created] = await ksqlOk(standIn.url, 'CREATE STREAM BIG_ORDERS AS SELECT * FROM ORDERS WHERE AMOUNT > 10;', { 'auto.offset.reset': 'earliest' });
    queryId = created.commandStatus!.queryId!;

    ({ env, workbench, view } = await startKsqlEditor({ name: 'ksqldb', ksqlUrl: standIn.url }));
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await bed?.close();
  });

  screenshotOnFailure('ksqldb', () => workbench);

  it('shows the query in the tree; inline Pause pauses it on the server, inline Resume resumes it', async () => {
    await view.waitForDescription('ksql', 'ok', 60_000);
    await view.waitForDescription(queryId, /^running/, 60_000);
    await clearHovers(workbench.page);
    await workbench.screenshot('ksqldb-01-tree');

    await view.clickInlineAction(queryId, 'Pause');
    await waitForCount('PAUSED');
    await view.waitForDescription(queryId, /^paused/, PUSH_TIMEOUT_MS);
    assert.match((await waitForStatusText(workbench, '1 paused')).text, /1 paused/);
    await clearHovers(workbench.page);
    await workbench.screenshot('ksqldb-02-paused');

    await view.clickInlineAction(queryId, 'Resume');
    await waitForCount('RUNNING');
    await view.waitForDescription(queryId, /^running/, PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    await clearHovers(workbench.page);
    await workbench.screenshot('ksqldb-03-resumed');
  });
});
