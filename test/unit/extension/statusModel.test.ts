import assert from 'node:assert/strict';
import { statusModel } from '../../../extension/statusBar/statusModel';
import { makeResource, minutesFromNow, NOW, pausedResource } from './fixtures';

const HOUR = 60 * 60_000;

describe('extension/statusBar/statusModel', () => {
  it('is hidden when nothing is paused, and while the agent is starting', () => {
    assert.equal(statusModel('connected', [makeResource('q/a')], NOW, HOUR).visible, false);
    assert.equal(statusModel('connected', [], NOW, HOUR).visible, false);
    assert.equal(statusModel('starting', [pausedResource('q/a')], NOW, HOUR).visible, false);
  });

  it('counts paused resources (whole, partly, or on the way) and clicks through to resume', () => {
    const model = statusModel('connected', [makeResource('q/a'), pausedResource('q/b'), makeResource('q/c', { state: 'partially-paused' }), makeResource('q/d', { state: 'pausing' })], NOW, HOUR);
    assert.equal(model.visible, true);
    assert.equal(model.text, '$(debug-pause) 3 paused');
    assert.equal(model.action, 'resume');
    assert.equal(model.severity, 'normal');
  });

  it('lists what is paused, by whom and why, and the next auto-resume', () => {
    const model = statusModel(
      'connected',
      [pausedResource('orders/emails', { pausedBy: 'user:alice', reason: 'migration', resumeAt: minutesFromNow(25) }), pausedResource('billing/invoices', { resumeAt: minutesFromNow(90) })],
      NOW,
      HOUR,
    );
    assert.match(model.tooltip, /\*\*orders\/emails\*\* paused · by user:alice: migration · auto-resume in 25 minutes/);
    assert.match(model.tooltip, /\*\*billing\/invoices\*\* paused/);
    assert.match(model.tooltip, /Next auto-resume: orders\/emails in 25 minutes \(2026-01-29 12:25:00Z\)/);
  });

  it('turns warning-colored when paused data will be lost within the threshold, error-colored once past', () => {
    const losing = (minutes: number) => pausedResource('q/a', {}, { backlog: { pending: 5, inFlight: 0, oldestPendingAt: null, dataLossAt: minutesFromNow(minutes) } });
    assert.equal(statusModel('connected', [losing(120)], NOW, HOUR).severity, 'normal');
    assert.equal(statusModel('connected', [losing(45)], NOW, HOUR).severity, 'warning');
    assert.equal(statusModel('connected', [losing(45)], NOW, 30 * 60_000).severity, 'normal', 'the threshold is a setting');
    assert.equal(statusModel('connected', [losing(120), losing(-5)], NOW, HOUR).severity, 'error');
    assert.match(statusModel('connected', [losing(-5)], NOW, HOUR).tooltip, /data loss deadline passed/);
    const runningWithDeadline = makeResource('q/b', { backlog: { pending: 5, inFlight: 0, oldestPendingAt: null, dataLossAt: minutesFromNow(-5) } });
    assert.equal(statusModel('connected', [runningWithDeadline], NOW, HOUR).visible, false, 'only paused data counts');
  });

  it('says so when the agent is not running, rather than hiding (pause states are unknown)', () => {
    const model = statusModel('unreachable', [], NOW, HOUR);
    assert.equal(model.visible, true);
    assert.equal(model.action, 'startAgent');
    assert.match(model.tooltip, /not running/);
  });
});
