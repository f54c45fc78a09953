import { strict as assert } from 'node:assert';
import { kafkaService, useSandboxServices } from '../support/sandboxFixture';
import { KafkaBed, ksqlOk, startStandIn, unique } from '../standins/ksqldb/testBed';
import type { KsqlDbStandIn } from '../standins/ksqldb/server';
import type { TreeView, Workbench } from './harness';
import { list, waitForLocator, waitUntil } from './harness/wait';
import { startKsqlEditor, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, screenshotOnFailure } from './support/pipelinePauseUi';
import { clickCodeLens, goToLine, openProblemsPanel, openWorkspaceFile, problems, waitForCodeLenses, waitForProblem } from './support/sqlEditor';

/**
 * Deploy from the editor, in the packaged extension in code-server through Chromium: a .sql
 * file shows "Deploy to <connection>" above each CREATE ... AS SELECT; clicking it runs the
 * statement through the agent on the ksqlDB STAND-IN (real Kafka consumers; ksqlDB cannot be
 * installed here). A good statement's query appears, selected, in the tree; a bad one becomes
 * a problem on its line and leaves the server as it was.
 */
useSandboxServices('kafka');

const FILE = 'pipeline.sql';
const SQL = [
  '-- Orders worth a look',
  'CREATE STREAM BIG_ORDERS AS',
  '  SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 10;',
  '',
  '/* a typo: FRM */',
  'CREATE STREAM BROKEN_ORDERS AS',
  '  SELECT ID FRM ORDERS;',
  '',
].join('\n');
const LENS = 'Deploy to ksql';

interface QueriesAnswer {
  queries: Array<{ id: string; queryString: string }>;
}

describe('extension in code-server: deploy a ksqlDB statement from a .sql file', function () {
  this.timeout(180_000);
  let bed: KafkaBed;
  let standIn: KsqlDbStandIn;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const showQueries = async () => ((await ksqlOk(standIn.url, 'SHOW QUERIES;')) as unknown as QueriesAnswer[])[0].queries.map((q) => [q.id, q.queryString]);

  before(async function () {
    this.timeout(240_000);
    bed = await new KafkaBed(kafkaService().bootstrap).open();
    standIn = await startStandIn(kafkaService().bootstrap, { serviceId: unique('e2e-deploy') });
    const topic = unique('e2e-orders');
    await bed.createTopic(topic);
    await ksqlOk(standIn.url, `CREATE STREAM ORDERS (ID INT, AMOUNT INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`);

    ({ env, workbench, view } = await startKsqlEditor({ name: 'deploy', ksqlUrl: standIn.url, ksqlPollSeconds: 5, files: { [FILE]: SQL } }));
    await view.waitForDescription('ksql', 'ok', 60_000);
  });

  after(async () => {
    await env?.close();
    await standIn?.close();
    await bed?.close();
  });

  screenshotOnFailure('deploy', () => workbench);

  it('shows a lens above each CREATE ... AS SELECT; clicking one deploys it and selects the new query in the tree', async () => {
    await openWorkspaceFile(workbench.page, FILE);
    await waitForCodeLenses(workbench.page, LENS, 2);

    await clickCodeLens(workbench.page, LENS, 0);
    const notification = await workbench.waitForNotification(/^Created ksql\/CSAS_BIG_ORDERS_\d+$/, PUSH_TIMEOUT_MS);
    const queryId = notification.message.slice('Created ksql/'.length);
    assert.deepEqual(
      (await showQueries()).map(([id]) => id),
      [queryId],
      'the stand-in runs the new query',
    );
    await view.waitForDescription(queryId, /^running/, PUSH_TIMEOUT_MS);
    await waitForLocator(workbench.page.locator('.monaco-list-row.selected', { hasText: queryId }), `${queryId} selected in the tree`, async () => 'not selected', PUSH_TIMEOUT_MS);
    await clearHovers(workbench.page);
    await workbench.screenshot('deploy-01-deployed');
    // An info toast hides by itself at any moment, so clear through the command, not its button.
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  it('a bad statement shows as a problem on its line and changes nothing on the server', async () => {
    const before = await showQueries();
    const sent = standIn.statements.filter((s) => /^CREATE/i.test(s)).length;
    await clickCodeLens(workbench.page, LENS, 1);
    const failure = await workbench.waitForNotification(/^Deploy to ksql failed: line 2:13: Syntax Error/, PUSH_TIMEOUT_MS);
    assert.deepEqual(failure.buttons, ['Open Log'], 'the error stays up with a way to the agent log');

    await openProblemsPanel(workbench.page);
    // `FRM` is on the file's line 7, column 13 (the statement's line 2, as ksqlDB counts).
    const problem = await waitForProblem(workbench.page, /expected FROM near 'FRM'/);
    assert.match(problem, /line 2:13: Syntax Error/);
    assert.match(problem, /\b7\b.*\b13\b/, `the problem sits at line 7, column 13: ${problem}`);
    await waitForLocator(workbench.page.locator('.monaco-editor .squiggly-error').first(), 'the error squiggle in the editor', async () => 'no squiggle', 10_000);

    assert.equal(standIn.statements.filter((s) => /^CREATE/i.test(s)).length, sent + 1, 'the statement reached the server once');
    assert.deepEqual(await showQueries(), before, 'SHOW QUERIES is unchanged');
    await clearHovers(workbench.page);
    await workbench.screenshot('deploy-02-problem');
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  it('editing the statement clears its problem; the palette command deploys the statement under the cursor', async () => {
    await workbench.page.locator('.monaco-editor .view-lines').first().click();
    await goToLine(workbench.page, 7, 15);
    await workbench.page.keyboard.type('O'); // FRM -> FROM
    await waitUntil('the problem to go with the edit', async () => ((await problems(workbench.page)).length === 0 ? true : undefined), async () => `problems ${list(await problems(workbench.page))}`, 10_000);

    await workbench.runCommand('Pipeline Pause: Deploy SQL...');
    const notification = await workbench.waitForNotification(/^Created ksql\/CSAS_BROKEN_ORDERS_\d+$/, PUSH_TIMEOUT_MS);
    const queryId = notification.message.slice('Created ksql/'.length);
    assert.ok((await showQueries()).some(([id, text]) => id === queryId && /SELECT ID FROM ORDERS;$/.test(text)), 'the edited statement runs on the server');
    await view.waitForDescription(queryId, /^running/, PUSH_TIMEOUT_MS);
    await clearHovers(workbench.page);
    await workbench.screenshot('deploy-03-palette');
  });
});
