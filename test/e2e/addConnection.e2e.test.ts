import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_SOURCE } from '../../sandbox/connect';
import { freePort } from '../../sandbox/process';
import { createQueueBucket } from '../../sandbox/s3Server';
import { connectRest } from '../support/connectRest';
import { connectService, kafkaService, services, useSandboxServices } from '../support/sandboxFixture';
import { uniqueBucket } from '../support/testEnv';
import { artifactsDir, type TreeView, type Workbench } from './harness';
import { Editors } from './harness/pages/editors';
import { CONNECTION, startEditorEnv, type EditorEnv } from './support/editorEnv';
import { PUSH_TIMEOUT_MS, clearHovers, openPipelinesView, screenshotOnFailure } from './support/pipelinePauseUi';

/**
 * Add Connection in the packaged extension, in a real VS Code (code-server) through Chromium:
 * the kinds and their questions come from the agent the extension started, the agent tests each
 * candidate against the real sandbox service (S3 server, Kafka Connect 4.3.1 worker), and only
 * then is the connections file written. What a step claims is checked in the file itself and in
 * the tree. Screenshots go to test-artifacts/e2e/add-connection-*.png.
 */
useSandboxServices('kafka', 'connect');

const ADD = 'Pipeline Pause: Add Connection...';

describe('extension in code-server: Add Connection', function () {
  this.timeout(120_000);
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const connector = `e2e-add-src-${suffix}`;
  let dir: string;
  let env: EditorEnv;
  let workbench: Workbench;
  let view: TreeView;

  const fileText = () => readFileSync(env.home.paths.connections, 'utf8');
  const entries = () => (JSON.parse(fileText()) as { connections: Array<Record<string, unknown>> }).connections;
  const screenshot = async (step: string) => {
    await clearHovers(workbench.page);
    return workbench.screenshot(`add-connection-${step}`);
  };
  /** Answers one input box, found by the label its prompt starts with. */
  const answer = (label: string, text: string) => workbench.quickInput.submitText(text, { prompt: `${label}:` });

  before(async function () {
    this.timeout(240_000);
    for (const file of readdirSync(artifactsDir())) if (/^add-connection-.*\.png$/.test(file)) rmSync(join(artifactsDir(), file));
    dir = mkdtempSync(join(tmpdir(), 'pp-e2e-add-'));
    writeFileSync(join(dir, 'input.txt'), 'line-1\n');
    const created = await connectRest('POST', '/connectors', { name: connector, config: { 'connector.class': FILE_SOURCE, 'tasks.max': '1', file: join(dir, 'input.txt'), topic: connector } });
    assert.equal(created.status, 201, created.text);
    env = await startEditorEnv({ name: 'add-connection' });
    workbench = env.editor.workbench;
    view = await openPipelinesView(workbench);
    await view.waitForDescription(CONNECTION, 'ok', 60_000);
  });

  after(async () => {
    await env?.close();
    await connectRest('DELETE', `/connectors/${connector}`).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  screenshotOnFailure('add-connection', () => workbench);

  it('the + in the view title adds an S3 queue: tested against the S3 server, appended to the file, shown in the tree', async () => {
    const s3 = services().s3;
    const bucket = uniqueBucket('e2e-add');
    await createQueueBucket(s3, bucket);
    const before = entries();
    await view.clickTitleAction('Add Connection...');
    await workbench.quickInput.pick('S3 task queue (buquet)');
    await answer('Queue buckets', bucket);
    await answer('S3 endpoint', s3.endpoint);
    await answer('AWS region', 'us-east-1');
    await answer('AWS profile', s3.profile);
    await screenshot('01-s3-name');
    await answer('Connection name', 'added-queue');
    await workbench.notifications.waitFor(/^Added connection "added-queue" \(1 resource found\)/, 30_000);
    await view.waitForDescription('added-queue', 'ok', PUSH_TIMEOUT_MS);
    await view.waitForDescription(bucket, 'running', PUSH_TIMEOUT_MS);
    await screenshot('02-s3-added');
    assert.deepEqual(entries(), [...before, { name: 'added-queue', kind: 's3-queue', buckets: [bucket], endpoint: s3.endpoint, region: 'us-east-1', profile: s3.profile }], 'the file keeps what it had and ends with the new connection, as answered');
  });

  it('the palette adds a Kafka Connect cluster (the sandbox worker): its connectors show', async () => {
    await workbench.quickInput.runCommand(ADD);
    await workbench.quickInput.pick('Kafka Connect cluster');
    await answer('Kafka Connect REST URL', connectService().url);
    await answer('Kafka bootstrap brokers', kafkaService().bootstrap);
    await answer('Connection name', 'added-connect');
    await workbench.notifications.waitFor(/^Added connection "added-connect" \(\d+ resources? found\)/, 30_000);
    await view.waitForDescription('added-connect', 'ok', PUSH_TIMEOUT_MS);
    const row = await view.waitForDescription(connector, /^running/, 60_000);
    assert.equal(row.level, 2, 'the connector sits under its connection');
    await screenshot('03-connect-added');
    assert.deepEqual(entries().at(-1), { name: 'added-connect', kind: 'kafka-connect', url: connectService().url, kafka: { brokers: [kafkaService().bootstrap] } });
  });

  it('a refused test (Connect on a closed loopback port) writes nothing and says why, offering Retry', async () => {
    const before = fileText();
    const port = await freePort();
    await workbench.quickInput.runCommand(ADD);
    await workbench.quickInput.pick('Kafka Connect cluster');
    await answer('Kafka Connect REST URL', `http://127.0.0.1:${port}`);
    await answer('Kafka bootstrap brokers', kafkaService().bootstrap);
    await answer('Connection name', 'refused-connect');
    const error = await workbench.notifications.waitFor(/^Connection "refused-connect" was not added: /, 30_000);
    assert.match(error.message, new RegExp(`cannot reach .*127\\.0\\.0\\.1:${port}.*Nothing was written to the connections file; Retry to change the answers\\.$`));
    assert.deepEqual(error.buttons, ['Retry']);
    await workbench.notifications.waitForGone(/^Testing connection "refused-connect"/);
    await screenshot('04-refused');
    assert.equal(fileText(), before, 'the connections file is byte for byte as it was');
    assert.ok((await view.items()).every((r) => r.label !== 'refused-connect'), 'and the tree has no such connection');
    await workbench.notifications.dismiss(error.message);
  });

  it('with no connections the welcome view offers Add Connection beside Open Connections File, and its button starts the flow', async () => {
    writeFileSync(env.home.paths.connections, '{ "connections": [] }\n');
    await view.waitForMessage(/^No pipelines yet\. Add a connection/, PUSH_TIMEOUT_MS);
    await screenshot('05-welcome');
    await view.clickWelcomeButton('Add Connection');
    await workbench.quickInput.pick('Kafka Connect cluster');
    await workbench.quickInput.close();
    assert.equal(fileText(), '{ "connections": [] }\n', 'cancelled: nothing written');
    await view.clickWelcomeButton('Open Connections File');
    await new Editors(workbench.page).waitForActive(/^connections(\.json)?$/, (text) => text.includes('"connections": []'), 'the connections file in an editor');
  });
});
