import { strict as assert } from 'node:assert';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../sandbox/process';
import { createQueratorQueue } from '../../sandbox/querator';
import { artifactsDir, type TreeView, type Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { cli } from '../support/testEnv';
import { DuhClient, leasedItems, payloadOf, uniqueQueue, type RawReply } from '../support/querator';
import { queratorService, useSandboxServices } from '../support/sandboxFixture';
import { startEditorEnv, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, openPipelinesView, rowHoverText, waitForStatusHidden, waitForStatusText } from './support/pipelinePauseUi';

useSandboxServices('querator');

const CONNECTION = 'querator';

/**
 * Querator queues in the extension's tree, in a real VS Code (code-server) through Chromium, with
 * the agent the extension starts itself, its gateway in front of the sandbox's real Querator
 * server, and a producer and a consumer that call only the gateway. What a click claims is checked
 * where it lands: calls held or answered at the gateway, items at the server.
 * Screenshots of every step: test-artifacts/e2e/querator-*.png.
 */
describe('Querator queues in the extension (real agent, gateway and Querator server)', function () {
  this.timeout(120_000);
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;
  let gateway: DuhClient;
  let gatewayPort: number;
  const orders = uniqueQueue('orders');
  const emails = uniqueQueue('emails');
  const id = (queue: string) => `${CONNECTION}/${queue}`;

  const screenshot = async (step: string, options: { keepHover?: boolean } = {}) => {
    if (!options.keepHover) await clearHovers(workbench.page);
    return workbench.screenshot(`querator-${step}`);
  };

  before(async function () {
    this.timeout(240_000);
    for (const file of readdirSync(artifactsDir())) if (/^querator-.*\.png$/.test(file)) rmSync(join(artifactsDir(), file));
    const server = queratorService();
    await createQueratorQueue(server.endpoint, orders);
    await createQueratorQueue(server.endpoint, emails);
    gatewayPort = await freePort();
    gateway = new DuhClient(`http://127.0.0.1:${gatewayPort}`);
    const seeded = await gateway.post('/v1/queue.produce', { queue_name: orders, request_timeout: '5s', items: ['o1', 'o2', 'o3'].map((utf8) => ({ utf8 })) }).catch(() => null);
    assert.equal(seeded, null, 'no gateway before the agent runs');
    assert.equal((await new DuhClient(server.endpoint).produce(orders, ['o1', 'o2', 'o3'])).status, 200);
    env = await startEditorEnv({ name: 'querator' });
    // This editor's agent knows one connection: the Querator server, through its gateway.
    env.home.writeConnections([{ name: CONNECTION, kind: 'querator', endpoint: server.endpoint, gatewayPort, pollIntervalSeconds: 0.5 }]);
    workbench = env.editor.workbench;
    view = await openPipelinesView(workbench);
  });

  after(async () => {
    gateway?.close();
    if (env) await env.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`querator-FAILED-${this.currentTest.title.slice(0, 60)}`).catch(() => undefined);
      await cli(env.home, ['resume-all', CONNECTION, '--force'], { useAgent: true }).catch(() => undefined);
    }
  });

  it('lists the Querator connection and its queues, with the items waiting from the server', async () => {
    await view.waitForDescription(orders, 'running', 60_000);
    await view.waitForDescription(emails, 'running');
    await view.waitForDescription(CONNECTION, 'ok');
    const rows = (await view.items()).map((r) => [r.label, r.description, r.level]);
    assert.deepEqual(rows, [
      [CONNECTION, 'ok', 1],
      [emails, 'running', 2],
      [orders, 'running', 2],
    ]);
    const tooltip = await rowHoverText(workbench.page, view, orders, 'Items waiting: 3', { whileShown: () => screenshot('01-tree-running', { keepHover: true }) });
    assert.match(tooltip, /Querator queue/);
    assert.match(tooltip, new RegExp(`gateway 127\\.0\\.0\\.1:${gatewayPort}`));
    assert.match(tooltip, /Items leased: 0/);
  });

  it('inline Pause holds the queue at the gateway: a producer waits, an impatient one gets the retry reply; inline Resume lets the held call through', async () => {
    await view.clickInlineAction(orders, 'Pause');
    await view.waitForDescription(orders, 'paused', PUSH_TIMEOUT_MS);
    await waitForStatusText(workbench, '1 paused');

    const impatient = await gateway.produce(orders, ['o4'], '500ms');
    assert.equal(impatient.status, 454);
    assert.equal(impatient.body.toString(), '{"code":454,"code_text":"Retry Request","message":"request timeout; queue is paused, try again"}');
    const patient: Promise<RawReply> = gateway.produce(orders, ['o4'], '60s');
    const other = await gateway.produce(emails, ['e1']);
    assert.equal(other.status, 200, 'the other queue is not paused');
    const hover = await rowHoverText(workbench.page, view, orders, '1 waiting at gateway', { whileShown: () => screenshot('02-inline-pause-held', { keepHover: true }), timeoutMs: PUSH_TIMEOUT_MS });
    assert.match(hover, /State: paused/);
    assert.match(hover, /produce, lease, complete and retry held/);
    assert.match(hover, /Pause effect: holding \(confirmed\): no produce, lease, complete or retry call reached the server since the pause/);

    await view.clickInlineAction(orders, 'Resume');
    const released = await patient;
    assert.equal(released.status, 200, 'the held produce went through on resume');
    await view.waitForDescription(orders, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    const leased = leasedItems(await gateway.lease(orders, 'e2e-consumer', 10));
    assert.deepEqual(leased.items.map(payloadOf), ['o1', 'o2', 'o3', 'o4']);
    assert.equal((await gateway.complete(orders, leased.partition, leased.items.map((i) => i.id))).status, 200);
    await screenshot('03-inline-resume');
  });

  it('Pause with Reason from the palette stores the reason; Pause All on the connection row and Resume All cover every queue', async () => {
    const reason = `Reindexing (${Date.now().toString(36)})`;
    await workbench.runCommand('Pipeline Pause: Pause with Reason...');
    const picker = workbench.quickInput;
    await waitUntil('the queue in the pick', async () => ((await picker.items()).includes(id(emails)) ? true : undefined), async () => `rows ${(await picker.items()).join(', ')}`);
    await workbench.pickQuickPick(id(emails));
    await workbench.submitInputBox(reason, { prompt: 'Why?' });
    await view.waitForDescription(emails, 'paused', PUSH_TIMEOUT_MS);
    await rowHoverText(workbench.page, view, emails, `Reason: ${reason}`, { whileShown: () => screenshot('04-palette-reason', { keepHover: true }) });
    const status = await cli(env.home, ['status', id(emails)], { useAgent: true });
    assert.match(status.stdout, new RegExp(`Reason: ${reason.replace(/[()]/g, '\\$&')}`));

    await view.clickInlineAction(CONNECTION, 'Pause All in Connection');
    const message = await workbench.dialog.message();
    assert.match(message, new RegExp(`This pauses: ${orders}`));
    await workbench.dialog.clickButton('Pause All');
    await view.waitForDescription(orders, 'paused', PUSH_TIMEOUT_MS);
    await waitForStatusText(workbench, '2 paused');
    const [heldOrders, heldEmails] = await Promise.all([gateway.lease(orders, 'c1', 1, '400ms'), gateway.produce(emails, ['e2'], '400ms')]);
    assert.deepEqual([heldOrders.status, heldEmails.status], [454, 454]);
    await screenshot('05-pause-all');

    // From the palette: the connection row's own Resume All appears only once that row is redrawn,
    // and the tree redraws a connection row on connection changes only (see the report).
    await workbench.runCommand('Pipeline Pause: Resume All');
    assert.match(await workbench.dialog.message(), /Resume all 2 paused\?/);
    await workbench.dialog.clickButton('Resume All');
    await view.waitForDescription(orders, 'running', PUSH_TIMEOUT_MS);
    await view.waitForDescription(emails, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    assert.equal((await gateway.produce(emails, ['e2'])).status, 200);
    await screenshot('06-resume-all');
  });
});
