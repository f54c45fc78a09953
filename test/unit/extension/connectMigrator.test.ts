import assert from 'node:assert/strict';
import { formatPaused } from '../../../format/resourceText';
import type { CommandContext } from '../../../extension/commands/commandUi';
import { pauseConfirmation } from '../../../extension/commands/pauseConfirmation';
import { pauseCommand } from '../../../extension/commands/pauseCommands';
import { stopCommand } from '../../../extension/commands/stopCommand';
import { Command, ItemToken } from '../../../extension/constants';
import { dueDeadlineWarnings } from '../../../extension/statusBar/deadlineWarnings';
import { statusModel } from '../../../extension/statusBar/statusModel';
import type { Resource } from '../../../protocol/resource';
import { soon } from '../../support/waitFor';
import { FakeUi } from './fakeUi';
import { presentationOf } from '../../../protocol/presentation';
import { KINDS, makeConnection, makePause, makeResource, minutesFromNow, NOW, rowOf, statusText } from './fixtures';
import { sessionWithFakeAgent, type Harness } from './sessionHarness';

const HOUR = 60 * 60_000;
const SYNC_JOB_WORDS = presentationOf(KINDS, 'relational-migrator');
/** The Migrator's own warning in its "Pause CDC" dialog, as its backend declares it. */
const MIGRATOR_PAUSE_WARNING = SYNC_JOB_WORDS.confirmPause!.warning;
const CONNECT_CAPS = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: true };
const MIGRATOR_CAPS = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false, pauseUnavailable: null };

function connector(id: string, overrides: Partial<Resource> = {}): Resource {
  return makeResource(id, { kind: 'kafka-connect', capabilities: CONNECT_CAPS, workers: null, backlog: { pending: 0, inFlight: null, oldestPendingAt: null, dataLossAt: null }, ...overrides });
}

function syncJob(id: string, overrides: Partial<Resource> = {}): Resource {
  return makeResource(id, { kind: 'relational-migrator', capabilities: MIGRATOR_CAPS, workers: null, backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: minutesFromNow(72 * 60) }, ...overrides });
}

const snapshotStage = (id: string) =>
  syncJob(id, {
    stateDetail: 'snapshot stage; project orders',
    capabilities: { ...MIGRATOR_CAPS, pause: false, pauseUnavailable: 'it is still in its snapshot stage; pause is offered once its CDC stage runs' },
    backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null },
  });
const pausedJob = (id: string, minutesLeft: number) =>
  syncJob(id, { state: 'paused', pause: makePause({ version: null }), stateDetail: 'CDC stage paused; CDC retention 72 hours', backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: minutesFromNow(minutesLeft) } });
const tokens = (r: Resource) => rowOf(r, NOW).contextValue.split(' ');

describe('extension: Kafka Connect connectors and Relational Migrator sync jobs', () => {
  describe('tree rows', () => {
    it('shows a connector PAUSED with a task still RUNNING as pausing, naming the task, with Resume and Stop', () => {
      const row = rowOf(connector('connect/sink', { state: 'pausing', stateDetail: 'connector PAUSED but task 0 still RUNNING', pause: makePause({ version: null }) }), NOW);
      assert.equal(row.description, 'pausing · connector PAUSED but task 0 still RUNNING');
      assert.equal(row.icon.id, 'loading~spin');
      const t = row.contextValue.split(' ');
      assert.ok(t.includes(ItemToken.resumable) && t.includes(ItemToken.stoppable) && !t.includes(ItemToken.pausable));
      assert.match(row.tooltip, /^\*\*connect\/sink\*\* · Kafka Connect connector {2}\nState: \*\*pausing\*\* \(connector PAUSED but task 0 still RUNNING\)/);
    });

    it('offers Pause and Stop on a running connector, Resume on a stopped one, and shows failures with their trace', () => {
      assert.deepEqual(tokens(connector('connect/sink')).filter((t) => [ItemToken.pausable, ItemToken.stoppable, ItemToken.resumable].includes(t as never)), [ItemToken.pausable, ItemToken.stoppable]);
      const stopped = connector('connect/sink', { state: 'stopped', stateDetail: 'tasks shut down', pause: makePause({ version: null }) });
      assert.ok(tokens(stopped).includes(ItemToken.resumable));
      assert.ok(!tokens(stopped).includes(ItemToken.stoppable));
      assert.deepEqual(rowOf(stopped, NOW).icon, { id: 'debug-stop', color: null });
      const failed = rowOf(connector('connect/sink', { state: 'failed', stateDetail: '1 of 1 task FAILED: task 0', lastError: 'task 0: ConnectException: boom' }), NOW);
      assert.equal(failed.description, 'failed · 1 of 1 task FAILED: task 0');
      assert.match(failed.tooltip, /Last error: task 0: ConnectException: boom/);
    });

    it('says on a sync job in its snapshot stage why it cannot pause, and offers no Pause', () => {
      const row = rowOf(snapshotStage('migrator/job-1'), NOW);
      assert.equal(row.description, 'running · snapshot stage; project orders');
      assert.ok(!row.contextValue.split(' ').includes(ItemToken.pausable));
      assert.match(row.tooltip, /Pause: not available: it is still in its snapshot stage; pause is offered once its CDC stage runs/);
      assert.match(row.tooltip, /^\*\*migrator\/job\\-1\*\* · Relational Migrator sync job/);
    });

    it('shows how long a paused job can stay paused, turning warning- then error-colored', () => {
      const far = rowOf(pausedJob('migrator/job-1', 72 * 60), NOW);
      assert.equal(far.description, 'paused · resume within 3d');
      assert.deepEqual(far.icon, { id: 'debug-pause', color: 'debugIcon.pauseForeground' });
      assert.match(far.tooltip, /\*\*Can stay paused: 72 hours more\*\*/);
      const near = rowOf(pausedJob('migrator/job-1', 45), NOW);
      assert.equal(near.description, 'paused · resume within 45m');
      assert.deepEqual(near.icon, { id: 'debug-pause', color: 'list.warningForeground' });
      assert.deepEqual(rowOf(pausedJob('migrator/job-1', 45), NOW, 30 * 60_000).icon.color, 'debugIcon.pauseForeground', 'the threshold is the setting');
      const past = rowOf(pausedJob('migrator/job-1', -5), NOW);
      assert.equal(past.description, 'paused · retention passed');
      assert.deepEqual(past.icon, { id: 'debug-pause', color: 'errorForeground' });
      assert.equal(rowOf(syncJob('migrator/job-2'), NOW).description, 'running', 'a running job shows no countdown');
    });
  });

  describe('status bar', () => {
    it('shows how long the first deadline leaves, and warns as it nears', () => {
      const far = statusModel('connected', [pausedJob('migrator/a', 72 * 60), syncJob('migrator/b')], NOW, HOUR);
      assert.equal(far.text, '$(debug-pause) 1 paused · 3d left');
      assert.equal(far.severity, 'normal');
      const near = statusModel('connected', [pausedJob('migrator/a', 72 * 60), pausedJob('migrator/c', 45)], NOW, HOUR);
      assert.equal(near.text, '$(debug-pause) 2 paused · 45m left');
      assert.equal(near.severity, 'warning');
      assert.equal(statusModel('connected', [pausedJob('migrator/a', -1)], NOW, HOUR).text, '$(debug-pause) 1 paused · retention passed');
    });

    it('raises one notification per deadline as it nears, and one more once it passed', () => {
      const shown = new Set<string>();
      assert.deepEqual(dueDeadlineWarnings([pausedJob('migrator/a', 120), syncJob('migrator/b')], NOW, HOUR, shown), []);
      const near = dueDeadlineWarnings([pausedJob('migrator/a', 45)], NOW, HOUR, shown);
      assert.deepEqual(near.map((w) => [w.resourceId, w.severity]), [['migrator/a', 'warning']]);
      assert.equal(near[0].message, 'migrator/a can stay paused only until 2026-01-29 12:45:00Z (in 45 minutes); resume it before then so no data is lost.');
      near.forEach((w) => shown.add(w.key));
      assert.deepEqual(dueDeadlineWarnings([pausedJob('migrator/a', 45)], NOW, HOUR, shown), [], 'not again');
      const passed = dueDeadlineWarnings([pausedJob('migrator/a', -1)], NOW, HOUR, shown);
      assert.deepEqual(passed.map((w) => w.severity), ['error']);
      assert.match(passed[0].message, /past its retention deadline .*: data may already be lost/);
    });

    it('names a labelled job by its label and its address, not its UUID alone', () => {
      const job = { ...pausedJob('migrator/3f2c9a1e-77b0-4c1e-9d51-0a8f7e6b2c41', 45), label: 'continuous job to Cluster0' };
      const [warning] = dueDeadlineWarnings([job], NOW, HOUR, new Set());
      assert.match(warning.message, /^continuous job to Cluster0 \(migrator\/3f2c9a1e-77b0-4c1e-9d51-0a8f7e6b2c41\) can stay paused only until /);
      assert.match(statusModel('connected', [job], NOW, HOUR).tooltip, /\*\*continuous job to Cluster0 \\\(migrator\/3f2c9a1e\\-77b0/, 'escaped for markdown');
    });
  });

  describe('CLI text', () => {
    it('names the kind, why pause is not offered, the deadline and a pause not in effect yet', () => {
      assert.match(statusText(snapshotStage('migrator/job-1'), NOW), /^Sync job: migrator\/job-1\nStatus: RUNNING \(snapshot stage; project orders\)\nPause: not available: it is still/);
      assert.match(statusText(pausedJob('migrator/job-1', 72 * 60), NOW), /\nResume before: 2026-02-01T12:00:00Z \(in 72 hours\); paused data may be lost after that/);
      const pausing = connector('connect/src', { state: 'pausing', stateDetail: 'connector PAUSED but task 0 still RUNNING', backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null } });
      assert.equal(
        formatPaused(pausing, makePause({ pausedAt: NOW.toISOString(), reason: null, version: null }), null, NOW),
        'Paused connect/src\nPaused at: 2026-01-29T12:00:00Z\nPaused by: user:alice\nAuto-resume: none (manual resume)\nStatus: PAUSING (connector PAUSED but task 0 still RUNNING)',
      );
      assert.match(statusText(connector('connect/src'), NOW), /^Connector: connect\/src\n/);
    });
  });

  describe('commands against a fake agent', () => {
    let harness: Harness;
    let ui: FakeUi;
    let ctx: CommandContext;
    const row = (id: string) => ({ kind: 'resource' as const, id });

    async function start(resources: Resource[]): Promise<void> {
      harness = await sessionWithFakeAgent({ connections: [makeConnection('connect', { kind: 'kafka-connect' }), makeConnection('migrator', { kind: 'relational-migrator' })], resources });
      ui = new FakeUi();
      ctx = { ui, api: () => harness.session.api(), store: harness.session.store, now: () => new Date(), dataLossWarningMs: () => HOUR, openLog: () => undefined };
    }
    afterEach(async () => harness?.close());

    it('asks before pausing a sync job with the Migrator\'s warning turned into a deadline; Cancel sends nothing', async () => {
      const job = syncJob('migrator/job-1', { backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: new Date(Date.now() + 72 * HOUR).toISOString() } });
      await start([job]);
      ui.confirmWith(false, true);
      await pauseCommand(ctx, row('migrator/job-1'), 'plain');
      assert.deepEqual(harness.agent.requestsTo(/pause$/), [], 'declined: nothing sent');
      await pauseCommand(ctx, row('migrator/job-1'), 'plain');
      const [first] = ui.of('confirm');
      assert.equal(first.text, 'Pause CDC of job-1?');
      assert.ok(first.detail?.startsWith(`${MIGRATOR_PAUSE_WARNING}\n\nWith this connection's CDC retention period, resume before `), first.detail);
      assert.match(first.detail ?? '', /\(in 72 hours\)\.$/);
      assert.equal(harness.agent.requestsTo(/POST \/resources\/migrator\/job-1\/pause$/).length, 1);
    });

    it('tells the user why a sync job cannot pause when asked from the palette', async () => {
      await start([snapshotStage('migrator/job-1')]);
      await pauseCommand(ctx, undefined, 'plain');
      assert.deepEqual(ui.of('info').map((e) => e.text), ['Nothing is running that could be paused. migrator/job-1: it is still in its snapshot stage; pause is offered once its CDC stage runs']);
    });

    it('without a retention period, still shows the warning and says where the deadline would appear', () => {
      const confirmation = pauseConfirmation(syncJob('migrator/job-1', { backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null } }), SYNC_JOB_WORDS, null, null, NOW);
      assert.equal(confirmation?.action, 'Pause CDC');
      assert.equal(confirmation?.detail, `${MIGRATOR_PAUSE_WARNING}\n\nSet "cdcRetention" on this connection to see the deadline here, in the tree and in the status bar.`);
      const late = pauseConfirmation(syncJob('migrator/job-1'), SYNC_JOB_WORDS, null, new Date(NOW.getTime() + 100 * HOUR), NOW);
      assert.match(late?.detail ?? '', /The auto-resume you chose \(2026-02-02 16:00:00Z\) comes after that\.$/);
      assert.equal(pauseConfirmation(connector('connect/sink'), presentationOf(KINDS, 'kafka-connect'), null, null, NOW), null, 'a connector pauses without asking');
    });

    it('stops a connector after confirming, and the stopped state reaches the store', async () => {
      await start([connector('connect/sink')]);
      ui.confirmWith(true);
      await stopCommand(ctx, row('connect/sink'));
      assert.match(ui.of('confirm')[0].detail ?? '', /^Kafka Connect shuts its tasks down and removes them until you resume it/);
      assert.deepEqual(harness.agent.requestsTo(/POST \/resources\/connect\/sink\/stop$/).map((r) => r.body), [{}]);
      await soon(() => (harness.session.store.resource('connect/sink')?.state === 'stopped' ? true : undefined), 'the stopped state');
    });
  });

  it('package.json shows Stop inline on connectors only', async () => {
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    const inline = manifest.contributes.menus['view/item/context'].filter((e: { command: string; group?: string }) => e.command === Command.stop && e.group?.startsWith('inline'));
    assert.equal(inline.length, 1);
    assert.ok(inline[0].when.includes(ItemToken.stoppable.replace(/\./g, '\\.')), inline[0].when);
  });
});
