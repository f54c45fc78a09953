import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, type TreeView, type Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { cli } from '../support/testEnv';
import { isAlive } from '../../sandbox/process';
import { CONNECTION, agentInfo, startEditorEnv, waitGone, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, openPipelinesView, rowHoverText, statusItem, waitForStatusHidden, waitForStatusText } from './support/pipelinePauseUi';

const PAUSE_KEY = 'control/paused.json';

/**
 * The packaged extension in a real VS Code (code-server) driven through Chromium, with the agent
 * it starts itself against the sandbox's real S3 server. What a step claims is checked where it
 * lands: the control object is read from the S3 server directly, never through the product.
 * Screenshots of every step go to test-artifacts/e2e/extension-*.png.
 */
describe('extension in code-server (real agent, real S3)', function () {
  this.timeout(120_000);
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const controlObject = () => readKey(env.bucket, PAUSE_KEY);
  /** Saves test-artifacts/e2e/extension-<step>.png; a hover left open would show stale text, so it goes first. */
  const screenshot = async (step: string, options: { keepHover?: boolean } = {}) => {
    if (!options.keepHover) await clearHovers(workbench.page);
    return workbench.screenshot(`extension-${step}`);
  };
  /** The control object once it exists, parsed. */
  const pausedObject = async (): Promise<Record<string, unknown>> => {
    const body = await eventually(controlObject, (b) => b !== null, PUSH_TIMEOUT_MS, `${PAUSE_KEY} to be written in ${env.bucket}`);
    return JSON.parse(body!) as Record<string, unknown>;
  };
  const objectGone = () => eventually(controlObject, (b) => b === null, PUSH_TIMEOUT_MS, `${PAUSE_KEY} to be deleted from ${env.bucket}`);

  before(async function () {
    this.timeout(240_000);
    // Screenshots of an earlier run must not pass for this one's.
    for (const file of readdirSync(artifactsDir())) if (/^extension-.*\.png$/.test(file)) rmSync(join(artifactsDir(), file));
    env = await startEditorEnv({ name: 'extension' });
    workbench = env.editor.workbench;
    view = await openPipelinesView(workbench);
  });

  after(async () => {
    if (env) await env.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`extension-FAILED-${this.currentTest.title.slice(0, 60)}`).catch(() => undefined);
      // Leave no pause behind for the next test (the agent may be down: no agent needed).
      await cli(env.home, ['resume', env.id, '--force']).catch(() => undefined);
    }
  });

  it('starts the agent and shows the connection and its queue in the Pipeline Pause view', async () => {
    const queue = await view.waitForDescription(env.bucket, 'running', 60_000);
    assert.equal(queue.level, 2, 'the queue row sits under its connection');
    await view.waitForDescription(CONNECTION, 'ok');
    const rows = await view.items();
    assert.deepEqual(
      rows.map((r) => [r.label, r.description]),
      [
        [CONNECTION, 'ok'],
        [env.bucket, 'running'],
      ],
    );
    const agent = agentInfo(env.home);
    assert.ok(agent && isAlive(agent.pid), 'the extension started an agent and recorded it in the test home');
    env.agentPids.add(agent.pid);
    // The agent is the one the extension launched: the CLI bundle inside the installed extension.
    const command = readFileSync(`/proc/${agent.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(command.some((arg) => arg.startsWith(env.codeServer.extensionsDir) && arg.endsWith('/dist/cli.js')), `agent command line: ${command.join(' ')}`);
    assert.deepEqual(command.filter(Boolean).slice(-7), ['--home', env.home.paths.home, 'agent', '--log-file', env.home.paths.log, '--exit-when-idle', '10m']);
    assert.equal(await statusItem(workbench), undefined, 'the status bar item is hidden while nothing is paused');
    await screenshot('01-tree-running');
  });

  it('inline Pause on the queue row writes control/paused.json to S3; Resume from the context menu deletes it', async () => {
    await view.clickInlineAction(env.bucket, 'Pause');
    const pause = await pausedObject();
    assert.deepEqual(Object.keys(pause).sort(), ['paused_at', 'paused_by', 'reason', 'resume_at']);
    assert.equal(pause.reason, null);
    assert.equal(pause.resume_at, null);
    assert.match(String(pause.paused_by), /\S/);
    assert.ok(!Number.isNaN(Date.parse(String(pause.paused_at))), `paused_at ${String(pause.paused_at)} is a time`);
    await view.waitForDescription(env.bucket, 'paused');
    await waitForStatusText(workbench, '1 paused');
    await screenshot('02-inline-pause');

    await view.clickContextMenuItem(env.bucket, 'Resume');
    await objectGone();
    await view.waitForDescription(env.bucket, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    await screenshot('03-context-resume');
  });

  it('palette "Pause with Reason...": picks the queue, stores the typed reason; inline Resume deletes it and hides the status bar', async () => {
    const reason = `Deploying v2 (${Date.now().toString(36)})`;
    await workbench.runCommand('Pipeline Pause: Pause with Reason...');
    const picker = workbench.quickInput;
    await waitUntil('the queue in the "Pause which resource?" pick', async () => ((await picker.items()).includes(env.id) ? true : undefined), async () => `pick ${await picker.prompt()} rows ${(await picker.items()).join(', ')}`);
    assert.match(await picker.prompt(), /Pause which resource\?/);
    await screenshot('04-palette-pick-queue');
    await workbench.pickQuickPick(env.id);
    // Typed and shown before Enter, for the screenshot; submitInputBox then checks it is accepted.
    await waitUntil('the reason input box', async () => ((await picker.prompt()).includes('Why?') ? true : undefined), () => picker.prompt());
    await picker.widget.locator('.quick-input-box input').fill(reason);
    await screenshot('05-palette-reason-typed');
    await workbench.submitInputBox(reason, { prompt: 'Why?' });
    const pause = await pausedObject();
    assert.equal(pause.reason, reason);
    assert.equal(pause.resume_at, null);
    await view.waitForDescription(env.bucket, 'paused');
    const item = await waitForStatusText(workbench, '1 paused');
    assert.deepEqual(item.icons, ['debug-pause']);
    const tooltip = await rowHoverText(workbench.page, view, env.bucket, `Reason: ${reason}`, { whileShown: () => screenshot('06-palette-paused-with-reason', { keepHover: true }) });
    assert.match(tooltip, /State: paused/);

    await view.clickInlineAction(env.bucket, 'Resume');
    await objectGone();
    await waitForStatusHidden(workbench);
    await view.waitForDescription(env.bucket, 'running');
    await screenshot('07-inline-resume');
  });

  it('a pause and a resume made by the CLI outside the editor show in the tree and the status bar without a refresh', async () => {
    const paused = await cli(env.home, ['pause', env.id, '--reason', 'from the terminal']);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal((await pausedObject()).reason, 'from the terminal');
    await view.waitForDescription(env.bucket, 'paused', PUSH_TIMEOUT_MS);
    await waitForStatusText(workbench, '1 paused');
    await rowHoverText(workbench.page, view, env.bucket, 'Reason: from the terminal', { whileShown: () => screenshot('08-cli-pause-seen', { keepHover: true }) });

    const resumed = await cli(env.home, ['resume', env.id]);
    assert.equal(resumed.code, 0, resumed.stderr);
    await objectGone();
    await view.waitForDescription(env.bucket, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    await screenshot('09-cli-resume-seen');
  });

  it('reports a killed agent in the view ("Agent not running"); Start Agent brings the queue back', async () => {
    const before = agentInfo(env.home);
    assert.ok(before, 'agent.json exists');
    env.agentPids.add(before.pid);
    process.kill(before.pid, 'SIGKILL');
    assert.ok(await waitGone(before.pid, 5000), `agent ${before.pid} died`);

    const down = await view.waitForRow('Agent not running', PUSH_TIMEOUT_MS);
    assert.equal(down.level, 1);
    await view.waitForRowGone(env.bucket, 1000);
    const warning = await waitForStatusText(workbench, 'Pipeline Pause');
    assert.deepEqual(warning.icons, ['debug-disconnect']);
    await screenshot('10-agent-killed');

    await view.clickInlineAction('Agent not running', 'Start Agent');
    await view.waitForDescription(env.bucket, 'running', 60_000);
    await view.waitForRowGone('Agent not running', 1000);
    await waitForStatusHidden(workbench);
    const after = agentInfo(env.home);
    assert.ok(after && after.pid !== before.pid && isAlive(after.pid), `a new agent runs (pid ${after?.pid}, the killed one was ${before.pid})`);
    env.agentPids.add(after.pid);
    await screenshot('11-agent-restarted');

    // The new agent works end to end, not just lists: pause from the tree reaches S3.
    await view.clickInlineAction(env.bucket, 'Pause');
    await pausedObject();
    await waitForStatusText(workbench, '1 paused');
    await view.clickInlineAction(env.bucket, 'Resume');
    await objectGone();
    await waitForStatusHidden(workbench);
  });
});
