import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { FILE_SINK, FILE_SOURCE } from '../../sandbox/connect';
import { connectRest, connectStatus } from '../support/connectRest';
import { connectService, kafkaService, services, useSandboxServices } from '../support/sandboxFixture';
import { RelationalMigratorStandIn } from '../standins/migrator/migratorStandIn';
import { MigratorJob } from '../../agent/backends/migrator/api';
import { jobLabel } from '../../agent/backends/migrator/jobs';
import { artifactsDir, type TreeView, type Workbench } from './harness';
import { waitUntil } from './harness/wait';
import { cli } from '../support/testEnv';
import { CONNECTION, startEditorEnv, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, openPipelinesView, rowHoverText, statusItem, waitForStatusHidden } from './support/pipelinePauseUi';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Kafka Connect connectors and Relational Migrator sync jobs in the packaged extension, in a real
 * VS Code (code-server) through Chromium. The extension starts the agent itself; the connectors
 * run on the sandbox's real Connect 4.3.1 worker, the jobs on the Relational Migrator STAND-IN
 * (the Migrator cannot be installed here). Every step is checked where it lands: Connect's own
 * REST status, the connectors' files, the stand-in's job state. Screenshots of every step go to
 * test-artifacts/e2e/connect-migrator-*.png.
 */
useSandboxServices('kafka', 'connect');

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const linesOf = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe('extension in code-server: Kafka Connect connectors and Relational Migrator sync jobs', function () {
  this.timeout(120_000);
  const source = unique('e2e-src');
  const sink = unique('e2e-sink');
  const topic = unique('e2e-lines');
  let dir: string;
  let input: string;
  let output: string;
  let admin: Admin;
  let standIn: RelationalMigratorStandIn;
  let cdcJob: string;
  let snapshotJob: string;
  /** The rows' labels: the Migrator gives a job no name, so the tree shows its kind and submission time. */
  let cdcRow: string;
  let snapshotRow: string;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;
  let written = 0;

  const screenshot = async (step: string, options: { keepHover?: boolean } = {}) => {
    if (!options.keepHover) await clearHovers(workbench.page);
    return workbench.screenshot(`connect-migrator-${step}`);
  };
  const writeLines = (count: number) => {
    for (let i = 0; i < count; i++) appendFileSync(input, `line-${++written}\n`);
  };
  const highWatermark = async () => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = PUSH_TIMEOUT_MS) =>
    waitUntil(what, async () => (await probe()) || undefined, async () => 'not yet', timeoutMs) as Promise<T>;
  /** Titles of the inline actions a row shows on hover. */
  async function inlineActions(label: string): Promise<string[]> {
    const row = view.row(label);
    await row.hover();
    await sleep(300);
    return row.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.getAttribute('title') ?? ''));
  }
  async function waitForStatusMatching(pattern: RegExp): Promise<string> {
    return waitUntil(
      `the status bar item to match ${pattern}`,
      async () => {
        const item = await statusItem(workbench);
        return item && pattern.test(item.text) ? item.text : undefined;
      },
      async () => `status item ${JSON.stringify((await statusItem(workbench))?.text ?? 'hidden')}`,
      PUSH_TIMEOUT_MS,
    );
  }

  before(async function () {
    this.timeout(240_000);
    for (const file of readdirSync(artifactsDir())) if (/^connect-migrator-.*\.png$/.test(file)) rmSync(join(artifactsDir(), file));
    dir = mkdtempSync(join(tmpdir(), 'pp-e2e-connect-'));
    input = join(dir, 'input.txt');
    output = join(dir, 'output.txt');
    writeFileSync(input, '');
    writeLines(3);
    admin = new Kafka({ clientId: 'e2e-connect', brokers: [kafkaService().bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    for (const [name, config] of [
      [source, { 'connector.class': FILE_SOURCE, file: input, topic }],
      [sink, { 'connector.class': FILE_SINK, file: output, topics: topic }],
    ] as const) {
      const created = await connectRest('POST', '/connectors', { name, config: { 'tasks.max': '1', ...config } });
      assert.equal(created.status, 201, created.text);
    }
    standIn = await RelationalMigratorStandIn.start();
    // A minute apart, so that their labels differ.
    cdcJob = String(standIn.submit({ projectId: 'e2e', submittedAt: new Date(Date.now() - 60_000) }).id);
    standIn.setStage(cdcJob, 'cdc');
    snapshotJob = String(standIn.submit({ projectId: 'e2e' }).id);
    cdcRow = jobLabel(MigratorJob.parse(standIn.job(cdcJob)))!;
    snapshotRow = jobLabel(MigratorJob.parse(standIn.job(snapshotJob)))!;

    env = await startEditorEnv({ name: 'connect-migrator' });
    const s3 = services().s3;
    // The agent the extension starts reloads the connections file when it changes.
    env.home.writeConnections([
      { name: CONNECTION, kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [env.bucket], pollIntervalSeconds: 2 },
      { name: 'connect', kind: 'kafka-connect', url: connectService().url, connectors: [source, sink], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: 0.5, settleSeconds: 3 },
      // 50 minutes of CDC retention: inside the default 60-minute warning window as soon as it is paused.
      { name: 'migrator', kind: 'relational-migrator', url: standIn.url, cdcRetention: '50m', pollIntervalSeconds: 0.5 },
    ]);
    workbench = env.editor.workbench;
    view = await openPipelinesView(workbench);
  });

  after(async () => {
    await env?.close();
    for (const name of [source, sink]) await connectRest('DELETE', `/connectors/${name}`).catch(() => undefined);
    await admin?.disconnect();
    await standIn?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await workbench.screenshot(`connect-migrator-FAILED-${this.currentTest.title.slice(0, 50)}`).catch(() => undefined);
      // A failed step can leave a connector stopped or a job paused; the next test starts from running.
      for (const connection of ['connect', 'migrator']) {
        await cli(env.home, ['resume-all', connection, '--force'], { useAgent: true }).catch(() => undefined);
      }
    }
  });

  it('shows both kinds in the tree: connectors with their states and lag, sync jobs with their stage', async () => {
    await view.waitForDescription(source, 'running', 60_000);
    await view.waitForDescription(sink, 'running · lag 0', 60_000);
    await view.waitForDescription(cdcRow, 'running', 30_000);
    const snapshotItem = await view.waitForDescription(snapshotRow, 'running · snapshot stage; project e2e');
    assert.equal(snapshotItem.level, 2);
    await view.waitForDescription('connect', 'ok');
    await view.waitForDescription('migrator', 'ok');
    assert.deepEqual(linesOf(output), ['line-1', 'line-2', 'line-3']);

    assert.deepEqual(await inlineActions(sink), ['Pause', 'Stop']);
    assert.deepEqual(await inlineActions(source), ['Pause', 'Stop', 'Peek at Latest Records'], 'a source writes to Kafka, so it can be peeked at');
    assert.deepEqual(await inlineActions(cdcRow), ['Pause']);
    assert.deepEqual(await inlineActions(snapshotRow), [], 'no Pause outside the CDC stage');
    const tooltip = await rowHoverText(workbench.page, view, snapshotRow, 'Pause: not available', { whileShown: () => screenshot('01-tree-snapshot-stage-why-not', { keepHover: true }) });
    assert.match(tooltip, /Relational Migrator sync job/);
    assert.match(tooltip, /Pause: not available: it is still in its snapshot stage; pause is offered once its CDC stage runs/);
    const sinkTip = await rowHoverText(workbench.page, view, sink, 'Kafka Connect connector');
    assert.ok(sinkTip.includes(`Reads: topic ${topic}`), sinkTip);
    assert.ok(sinkTip.includes(`Upstream: connect/${source}`), sinkTip);
    await screenshot('02-tree-both-kinds');
  });

  it('inline Pause on the sink connector: Connect reports it PAUSED, its file stops growing while the source keeps writing; inline Resume delivers every line once', async () => {
    await view.clickInlineAction(sink, 'Pause');
    await waitFor('Connect to report the sink and its task PAUSED', async () => {
      const s = await connectStatus(sink);
      return s.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED');
    });
    await view.waitForDescription(sink, /^paused/, PUSH_TIMEOUT_MS);
    await waitForStatusMatching(/^1 paused/);
    const before = linesOf(output).length;
    const topicBefore = await highWatermark();
    writeLines(20);
    await waitFor('the new lines in the topic', async () => (await highWatermark()) >= topicBefore + 20);
    await sleep(1500);
    assert.equal(linesOf(output).length, before, 'the paused sink wrote nothing');
    // What waits now has a deadline: the oldest waiting record + the topic's retention.ms (7 days).
    await view.waitForDescription(sink, /^paused · resume within 6d 23h$/, PUSH_TIMEOUT_MS);
    await rowHoverText(workbench.page, view, sink, 'Pause effect', { whileShown: () => screenshot('03-sink-paused-lag', { keepHover: true }) });

    await view.clickInlineAction(sink, 'Resume');
    await view.waitForDescription(sink, 'running · lag 0', PUSH_TIMEOUT_MS);
    await waitFor('every line in the sink file', async () => linesOf(output).length >= written);
    assert.deepEqual(linesOf(output), linesOf(input));
    await waitForStatusHidden(workbench);
    await screenshot('04-sink-resumed');
  });

  it('inline Stop asks first, then Connect shuts the source task down; Resume starts it again', async () => {
    await view.clickInlineAction(source, 'Stop');
    const message = await workbench.dialog.message();
    assert.match(message, new RegExp(`^Stop connect/${source}\\?\\nKafka Connect shuts its tasks down and removes them until you resume it`));
    await screenshot('05-stop-confirmation');
    await workbench.clickDialogButton('Stop');
    await waitFor('Connect to report the source STOPPED without tasks', async () => {
      const s = await connectStatus(source);
      return s.connector.state === 'STOPPED' && s.tasks.length === 0;
    });
    await view.waitForDescription(source, 'stopped', PUSH_TIMEOUT_MS);
    assert.deepEqual(await inlineActions(source), ['Resume', 'Peek at Latest Records'], 'a stopped source offers Resume, and its topic can still be peeked at');
    await screenshot('06-source-stopped');

    await view.clickInlineAction(source, 'Resume');
    await waitFor('the source task back and RUNNING', async () => {
      const s = await connectStatus(source);
      return s.connector.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
    });
    await view.waitForDescription(source, 'running', PUSH_TIMEOUT_MS);
    writeLines(2);
    await waitFor('the new lines through the restarted source', async () => linesOf(output).length >= written);
    assert.deepEqual(linesOf(output), linesOf(input));
  });

  it("inline Pause on a sync job asks with the Migrator's warning and the deadline; after Pause CDC the tree, tooltip and status bar count down and warn", async () => {
    await view.clickInlineAction(cdcRow, 'Pause');
    const message = await workbench.dialog.message();
    assert.ok(message.startsWith(`Pause CDC of ${cdcRow}?\nYou must resume the sync job within your source database's CDC retention period to ensure no events are lost.`), message);
    assert.match(message, /With this connection's CDC retention period, resume before \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in (49|50) minutes\)\./);
    assert.deepEqual((await workbench.dialog.buttons()).sort(), ['Cancel', 'Pause CDC']);
    await screenshot('07-migrator-confirmation');
    await workbench.clickDialogButton('Cancel');
    await sleep(1000);
    assert.deepEqual([standIn.job(cdcJob).status, standIn.job(cdcJob).cdcStatus], ['RUNNING', 'RUNNING'], 'Cancel sends nothing');
    assert.equal(standIn.requests.filter((r) => r.endsWith('/pause')).length, 0);

    await view.clickInlineAction(cdcRow, 'Pause');
    await workbench.clickDialogButton('Pause CDC');
    await waitFor('the stand-in to report the job paused', async () => standIn.job(cdcJob).cdcStatus === 'PAUSED' && standIn.job(cdcJob).status === 'PAUSED');
    await view.waitForDescription(cdcRow, /^paused · resume within (49|50)m$/, PUSH_TIMEOUT_MS);
    await waitForStatusMatching(/^1 paused · (49|50)m left$/);

    // Inside the warning window (60 minutes by default): a notification offers to resume.
    // Named by its label and its address: the id alone is a UUID nobody recognises.
    const labelled = `${cdcRow} (migrator/${cdcJob})`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const warning = await workbench.waitForNotification(new RegExp(`${labelled} can stay paused only until .* resume it before then so no data is lost`));
    assert.deepEqual(warning.buttons, ['Resume']);
    await screenshot('08-deadline-warning');
    await workbench.clickNotificationButton(/can stay paused only until/, 'Resume');
    await waitFor('the stand-in to report the job running again', async () => standIn.job(cdcJob).cdcStatus === 'RUNNING');
    await view.waitForDescription(cdcRow, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);

    // Paused again: the tooltip says how long it can stay paused; inline Resume ends it.
    await view.clickInlineAction(cdcRow, 'Pause');
    await workbench.clickDialogButton('Pause CDC');
    await waitFor('the stand-in to report the job paused again', async () => standIn.job(cdcJob).cdcStatus === 'PAUSED');
    const tooltip = await rowHoverText(workbench.page, view, cdcRow, 'Can stay paused', { whileShown: () => screenshot('09-migrator-paused-deadline', { keepHover: true }) });
    assert.match(tooltip, /Can stay paused: (49|50) minutes more/);
    assert.match(tooltip, /CDC retention 50 minutes/);
    await view.clickInlineAction(cdcRow, 'Resume');
    await waitFor('the stand-in to report the job running', async () => standIn.job(cdcJob).cdcStatus === 'RUNNING');
    await view.waitForDescription(cdcRow, 'running', PUSH_TIMEOUT_MS);
    await waitForStatusHidden(workbench);
    await screenshot('10-migrator-resumed');
  });
});
