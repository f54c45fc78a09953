import { strict as assert } from 'node:assert';
import { formatWorkers } from '../../../format/resourceText';
import { statusText } from '../extension/fixtures';
import type { Resource } from '../../../protocol/resource';

const now = new Date('2026-01-28T12:05:00Z');

function queue(overrides: Partial<Resource> = {}): Resource {
  return {
    id: 'prod/my-queue',
    kind: 's3-queue',
    connection: 'prod',
    name: 'my-queue',
    state: 'paused',
    stateDetail: null,
    pause: { pausedAt: '2026-01-28T12:00:00.000Z', pausedBy: 'alice', reason: 'Deploying new version', resumeAt: '2026-01-28T12:30:00.000Z', version: '"e"' },
    pauseGroup: null,
    scopedPauses: [],
    backlog: { pending: 1234, inFlight: 0, oldestPendingAt: null, dataLossAt: null },
    workers: [1, 2, 3, 4, 5].map((n) => ({ id: `worker-${n}`, status: 'idle' as const, healthy: true, currentTask: null, startedAt: '2026-01-28T09:35:00.000Z', lastHeartbeatAt: '2026-01-28T12:04:58.000Z', honoursPause: true })),
    lineage: { upstream: [], downstream: [], inputs: [], outputs: [] },
    capabilities: { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true, stop: false },
    pauseEffect: null,
    lastError: null,
    observedAt: now.toISOString(),
    ...overrides,
  };
}

describe('CLI text output', () => {
  it('prints status as the seed example does', () => {
    assert.equal(
      statusText(queue(), now),
      [
        'Queue: prod/my-queue',
        'Status: PAUSED',
        'Paused at: 2026-01-28T12:00:00Z',
        'Paused by: alice',
        'Reason: Deploying new version',
        'Auto-resume: in 25 minutes (2026-01-28T12:30:00Z)',
        '',
        'Workers: 5 connected (all idle)',
        'Pending tasks: 1,234',
        'Running tasks: 0',
      ].join('\n'),
    );
  });

  it('prints workers as the seed example does, with stale workers marked', () => {
    const resource = queue();
    resource.workers![4] = { ...resource.workers![4], healthy: false };
    assert.equal(
      formatWorkers(resource, now),
      [
        'WORKER      STATUS    CURRENT TASK    UPTIME',
        'worker-1    idle      -               2h 30m',
        'worker-2    idle      -               2h 30m',
        'worker-3    idle      -               2h 30m',
        'worker-4    idle      -               2h 30m',
        'worker-5    stale     -               last seen 0m ago',
        '',
        'Queue Status: PAUSED (since 5 minutes ago)',
        'Reason: Deploying new version',
        'Auto-resume: in 25 minutes',
      ].join('\n'),
    );
  });

  it('summarises mixed worker states and scoped pauses', () => {
    const resource = queue({ state: 'partially-paused', stateDetail: 'task type send_email paused', pause: null });
    resource.workers![0] = { ...resource.workers![0], status: 'busy', currentTask: 't-1' };
    resource.scopedPauses = [{ scope: { type: 'task-type', value: 'send_email' }, pause: { ...queue().pause!, resumeAt: null } }];
    const text = statusText(resource, now);
    assert.match(text, /^Status: PARTIALLY PAUSED \(task type send_email paused\)$/m);
    assert.match(text, /^Paused task type send_email by alice since 2026-01-28T12:00:00Z: Deploying new version$/m);
    assert.match(text, /^Workers: 5 connected \(1 busy, 4 idle\)$/m);
  });

  it('shows a capped backlog count as a lower bound and says how to get the exact one', () => {
    const capped = queue({ backlog: { pending: 1000, pendingIsLowerBound: true, inFlight: 0, oldestPendingAt: null, dataLossAt: null } });
    assert.match(statusText(capped, now), /^Pending tasks: 1,000\+ \(counted up to 1,000; --exact counts them all\)$/m);
    assert.match(statusText(queue(), now), /^Pending tasks: 1,234$/m);
  });
});
