import assert from 'node:assert/strict';

import type { CommandContext } from '../../../extension/commands/commandUi';
import { pauseAllCommand, pauseCommand } from '../../../extension/commands/pauseCommands';
import { resumeAllCommand, resumeCommand, resumeScopeCommand } from '../../../extension/commands/resumeCommands';
import { OPEN_LOG, RETRY } from '../../../extension/commands/runAction';
import { showStatusCommand } from '../../../extension/commands/statusCommand';
import type { Resource } from '../../../protocol/resource';
import { soon } from '../../support/waitFor';
import { FakeUi } from './fakeUi';
import { makeConnection, makePause, makeResource, minutesFromNow, pausedResource, statusText } from './fixtures';
import { sessionWithFakeAgent, type Harness } from './sessionHarness';

const HOUR = 60 * 60_000;
const row = (id: string) => ({ kind: 'resource' as const, id });

describe('extension commands against a fake agent', () => {
  let harness: Harness;
  let ui: FakeUi;
  let ctx: CommandContext;
  let logsOpened: number;

  async function start(resources: Resource[]): Promise<void> {
    harness = await sessionWithFakeAgent({ connections: [makeConnection('orders'), makeConnection('billing')], resources });
    ui = new FakeUi();
    logsOpened = 0;
    ctx = {
      ui,
      api: () => harness.session.api(),
      store: harness.session.store,
      now: () => new Date(),
      dataLossWarningMs: () => HOUR,
      openLog: () => (logsOpened += 1),
    };
  }

  const stateOf = (id: string) => harness.session.store.resource(id)?.state;
  const bodiesOf = (pattern: RegExp) => harness.agent.requestsTo(pattern).map((r) => r.body);

  afterEach(async () => {
    await harness?.close();
  });

  describe('pause', () => {
    it('from the palette offers only what can be paused, pauses it, and the pushed change reaches the store', async () => {
      await start([makeResource('orders/emails'), pausedResource('orders/audit'), makeResource('billing/invoices', { state: 'failed' })]);
      ui.pick('orders/emails');
      await pauseCommand(ctx, undefined, 'plain');
      assert.deepEqual(ui.of('pick')[0].offered, ['orders/emails']);
      assert.deepEqual(bodiesOf(/POST \/resources\/orders\/emails\/pause/), [{}]);
      await soon(() => (stateOf('orders/emails') === 'paused' ? true : undefined), 'the paused state to be pushed');
      assert.deepEqual(ui.of('error'), []);
    });

    it('with a reason sends it trimmed, after refusing an empty one in the box', async () => {
      await start([makeResource('orders/emails')]);
      ui.type('   ', '  deploying v2  ');
      await pauseCommand(ctx, row('orders/emails'), 'reason');
      assert.deepEqual(ui.of('invalid').map((e) => e.detail), ['give a reason, or use "Pause"']);
      assert.deepEqual(bodiesOf(/pause$/), [{ reason: 'deploying v2' }]);
      await soon(() => harness.session.store.resource('orders/emails')?.pause?.reason ?? undefined, 'the reason to be pushed');
    });

    it('for 30 minutes sends resumeAfter, which the agent turns into an auto-resume time', async () => {
      await start([makeResource('orders/emails')]);
      ui.pick('30 minutes');
      const before = Date.now();
      await pauseCommand(ctx, row('orders/emails'), 'duration');
      assert.deepEqual(bodiesOf(/pause$/), [{ resumeAfter: '30m' }]);
      const resumeAt = await soon(() => harness.session.store.resource('orders/emails')?.pause?.resumeAt ?? undefined, 'the auto-resume time');
      const delta = Date.parse(resumeAt) - before;
      assert.ok(delta >= 30 * 60_000 && delta < 31 * 60_000, `resumes in ~30m, not ${delta} ms`);
    });

    it('until a time validates the text in the box and sends an RFC 3339 resumeAt', async () => {
      await start([makeResource('orders/emails')]);
      ui.pick('Until a time...').type('25:61', '2030-01-29T06:00:00Z');
      await pauseCommand(ctx, row('orders/emails'), 'duration');
      assert.equal(ui.of('invalid').length, 1);
      assert.match(ui.of('invalid')[0].detail!, /HH:MM/);
      assert.deepEqual(bodiesOf(/pause$/), [{ resumeAt: '2030-01-29T06:00:00.000Z' }]);
    });

    it('asks first when paused data would be lost soon, and sends nothing if declined', async () => {
      await start([makeResource('orders/emails', { backlog: { pending: 40, inFlight: 0, oldestPendingAt: null, dataLossAt: minutesFromNow(20, new Date()) } })]);
      ui.confirmWith(false);
      await pauseCommand(ctx, row('orders/emails'), 'plain');
      assert.match(ui.of('confirm')[0].detail!, /paused data is lost in 20 minutes/);
      assert.deepEqual(bodiesOf(/pause$/), []);

      ui.confirmWith(true);
      await pauseCommand(ctx, row('orders/emails'), 'plain');
      assert.equal(bodiesOf(/pause$/).length, 1);
    });

    it('does not ask when the auto-resume comes before the data-loss deadline', async () => {
      await start([makeResource('orders/emails', { backlog: { pending: 40, inFlight: 0, oldestPendingAt: null, dataLossAt: minutesFromNow(45, new Date()) } })]);
      ui.pick('15 minutes');
      await pauseCommand(ctx, row('orders/emails'), 'duration');
      assert.deepEqual(ui.of('confirm'), []);
      assert.deepEqual(bodiesOf(/pause$/), [{ resumeAfter: '15m' }]);
    });

    it('shows the agent\'s one-line reason with Retry and Open Log, and Retry tries again', async () => {
      await start([makeResource('orders/emails')]);
      harness.agent.failNext(/pause$/, 'BackendUnavailable', 'cannot reach S3 at http://127.0.0.1:9000 (connect ECONNREFUSED)');
      ui.onError(RETRY);
      await pauseCommand(ctx, row('orders/emails'), 'plain');
      const [error] = ui.of('error');
      assert.equal(error.text, 'Could not pause orders/emails: cannot reach S3 at http://127.0.0.1:9000 (connect ECONNREFUSED)');
      assert.deepEqual(error.offered, [RETRY, OPEN_LOG]);
      assert.equal(bodiesOf(/pause$/).length, 2, 'retried once');
      await soon(() => (stateOf('orders/emails') === 'paused' ? true : undefined), 'the retried pause');
    });

    it('Open Log opens the agent log and gives up', async () => {
      await start([makeResource('orders/emails')]);
      harness.agent.failNext(/pause$/, 'BackendError', 'S3 said 500');
      ui.onError(OPEN_LOG);
      await pauseCommand(ctx, row('orders/emails'), 'plain');
      assert.equal(logsOpened, 1);
      assert.equal(bodiesOf(/pause$/).length, 1);
    });
  });

  describe('resume', () => {
    it('asks "Resume now?" for a pause that would auto-resume, then sends force', async () => {
      await start([pausedResource('orders/emails', { resumeAt: minutesFromNow(25, new Date()) })]);
      ui.confirmWith(false);
      await resumeCommand(ctx, row('orders/emails'));
      assert.equal(ui.of('confirm')[0].text, 'Resume now?');
      assert.match(ui.of('confirm')[0].detail!, /^It would auto-resume in 2[45]m\.$/);
      assert.deepEqual(bodiesOf(/resume$/), [], 'declined: nothing sent');

      ui.confirmWith(true);
      await resumeCommand(ctx, row('orders/emails'));
      assert.deepEqual(bodiesOf(/resume$/), [{ force: true }]);
      await soon(() => (stateOf('orders/emails') === 'running' ? true : undefined), 'the resumed state');
    });

    it('without a scheduled resume it neither asks nor forces', async () => {
      await start([pausedResource('orders/emails')]);
      await resumeCommand(ctx, row('orders/emails'));
      assert.deepEqual(ui.of('confirm'), []);
      assert.deepEqual(bodiesOf(/resume$/), [{ force: false }]);
    });

    it('from the palette (or the status bar) resumes several picked at once', async () => {
      await start([pausedResource('orders/emails'), pausedResource('billing/invoices'), makeResource('orders/audit')]);
      ui.pick(['billing/invoices', 'orders/emails']);
      await resumeCommand(ctx, undefined);
      assert.deepEqual(ui.of('pick')[0].offered, ['billing/invoices', 'orders/emails']);
      assert.equal(harness.agent.requestsTo(/resume$/).length, 2);
      await soon(() => (stateOf('orders/emails') === 'running' && stateOf('billing/invoices') === 'running' ? true : undefined), 'both resumed');
    });

    it('says so when nothing is paused instead of showing an empty pick', async () => {
      await start([makeResource('orders/emails')]);
      await resumeCommand(ctx, undefined);
      assert.deepEqual(ui.of('info').map((e) => e.text), ['Nothing is paused.']);
    });

    it('resumes one scope of a partly paused queue', async () => {
      const scoped = makeResource('orders/emails', {
        state: 'partially-paused',
        scopedPauses: [
          { scope: { type: 'task-type', value: 'send_email' }, pause: makePause() },
          { scope: { type: 'shard', value: 'a' }, pause: makePause() },
        ],
      });
      await start([scoped]);
      ui.pick('shard a');
      await resumeScopeCommand(ctx, row('orders/emails'));
      assert.deepEqual(bodiesOf(/resume$/), [{ scope: { type: 'shard', value: 'a' }, force: false }]);
      await soon(() => (harness.session.store.resource('orders/emails')?.scopedPauses.length === 1 ? true : undefined), 'one scope left');
    });

    it('Resume All in a connection confirms, lists the scheduled ones and forces them', async () => {
      await start([pausedResource('orders/emails', { resumeAt: minutesFromNow(25, new Date()) }), pausedResource('orders/audit'), pausedResource('billing/invoices')]);
      ui.confirmWith(true);
      await resumeAllCommand(ctx, { kind: 'connection', name: 'orders' });
      assert.equal(ui.of('confirm')[0].text, 'Resume all 2 paused in orders?');
      assert.match(ui.of('confirm')[0].detail!, /orders\/emails would auto-resume in 2[45]m/);
      assert.deepEqual(harness.agent.requestsTo(/resume-all$/).map((r) => [r.path, r.body]), [['/connections/orders/resume-all', { force: true }]]);
      await soon(() => (stateOf('orders/emails') === 'running' && stateOf('orders/audit') === 'running' ? true : undefined), 'the connection resumed');
      assert.equal(stateOf('billing/invoices'), 'paused', 'other connections untouched');
    });
  });

  describe('pause all in a connection', () => {
    it('asks for a modal confirmation naming what it pauses, then pauses them', async () => {
      await start([makeResource('orders/emails'), makeResource('orders/audit'), makeResource('billing/invoices')]);
      ui.pick('orders').confirmWith(true);
      await pauseAllCommand(ctx, undefined);
      assert.deepEqual(ui.of('pick')[0].offered, ['orders', 'billing']);
      assert.equal(ui.of('confirm')[0].text, 'Pause all resources in orders?');
      assert.match(ui.of('confirm')[0].detail!, /This pauses: audit, emails\./);
      assert.deepEqual(bodiesOf(/pause-all$/), [{}]);
      await soon(() => (stateOf('orders/emails') === 'paused' && stateOf('orders/audit') === 'paused' ? true : undefined), 'both paused');
      assert.equal(stateOf('billing/invoices'), 'running');
    });

    it('shows how far the agent has got in its progress notification', async () => {
      await start([makeResource('orders/emails'), makeResource('orders/audit')]);
      ui.confirmWith(true);
      await pauseAllCommand(ctx, { kind: 'connection', name: 'orders' });
      assert.deepEqual(ui.of('progress').map((e) => e.text), ['Pausing all of orders']);
      assert.deepEqual(ui.of('progress-report').map((e) => [e.text, e.detail]), [
        ['0 of 2', '0'],
        ['1 of 2', '0.5'],
        ['2 of 2', '1'],
        ['2 of 2', '1'],
      ]);
    });

    it('reports the ones that failed by name', async () => {
      await start([makeResource('orders/emails'), makeResource('orders/audit', { state: 'partially-paused', pause: makePause() })]);
      ui.confirmWith(true).onError(undefined);
      await pauseAllCommand(ctx, { kind: 'connection', name: 'orders' });
      assert.match(ui.of('error')[0].text, /^Could not pause all of orders: 1 of 2 could not be paused: orders\/audit: orders\/audit is already paused by user:alice$/);
    });

    it('declining sends nothing', async () => {
      await start([makeResource('orders/emails')]);
      ui.confirmWith(false);
      await pauseAllCommand(ctx, { kind: 'connection', name: 'orders' });
      assert.deepEqual(bodiesOf(/pause-all$/), []);
    });
  });

  it('Show Status opens what `pipeline-pause status` prints, read fresh from the agent', async () => {
    await start([pausedResource('orders/emails', { reason: 'migration' })]);
    await showStatusCommand(ctx, row('orders/emails'));
    const [document] = ui.of('document');
    assert.equal(document.text, statusText(harness.agent.resources.get('orders/emails')!, new Date()));
    assert.match(document.text, /^Queue: orders\/emails\nStatus: PAUSED/);
    assert.equal(harness.agent.requestsTo(/GET \/resources\/orders\/emails$/).length, 1);
  });

  it('says a clicked row is gone once the agent is away, rather than acting on stale state', async () => {
    await start([makeResource('orders/emails')]);
    await harness.agent.kill();
    await soon(() => (harness.session.state.state === 'unreachable' ? true : undefined), 'the session to notice');
    await pauseCommand(ctx, row('orders/emails'), 'plain');
    assert.deepEqual(ui.of('info').map((e) => e.text), ['orders/emails is no longer listed by the agent.'], 'the store was cleared, not left stale');
  });
});
