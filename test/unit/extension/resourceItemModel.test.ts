import assert from 'node:assert/strict';
import { ItemToken } from '../../../extension/constants';
import type { ResourceState } from '../../../protocol/resource';
import { connectionItem } from '../../../extension/tree/resourceItemModel';
import { makeConnection, makePause, makeResource, minutesFromNow, NOW, pausedResource, rowOf } from './fixtures';

const tokens = (contextValue: string) => contextValue.split(' ');

describe('extension/tree/resourceItemModel', () => {
  it('picks a codicon per state and colors paused and failed', () => {
    const icon = (state: ResourceState) => rowOf(makeResource('q/a', { state }), NOW).icon;
    assert.deepEqual(icon('running'), { id: 'debug-start', color: 'debugIcon.startForeground' });
    assert.equal(icon('pausing').id, 'loading~spin');
    assert.equal(icon('resuming').id, 'loading~spin');
    assert.deepEqual(icon('paused'), { id: 'debug-pause', color: 'debugIcon.pauseForeground' });
    assert.equal(icon('partially-paused').id, 'circle-slash');
    assert.deepEqual(icon('failed'), { id: 'error', color: 'errorForeground' });
    assert.equal(icon('unknown').id, 'question');
    assert.equal(icon('stopped').id, 'debug-stop');
  });

  it('describes the state, and the countdown of a scheduled resume', () => {
    assert.equal(rowOf(makeResource('q/a'), NOW).description, 'running');
    assert.equal(rowOf(pausedResource('q/a'), NOW).description, 'paused');
    assert.equal(rowOf(pausedResource('q/a', { resumeAt: minutesFromNow(25) }), NOW).description, 'paused · auto-resume in 25m');
    assert.equal(rowOf(pausedResource('q/a', { resumeAt: minutesFromNow(-1) }), NOW).description, 'paused · auto-resume due');
    assert.equal(rowOf(makeResource('q/a', { state: 'partially-paused' }), NOW).description, 'partially paused');
  });

  it('shows no countdown for an auto-resume the backend refused, and says why in the tooltip', () => {
    const refused = pausedResource('q/a', { resumeAt: minutesFromNow(-1), autoResumeRefused: "Cannot resume query 'CST_1' because it is linked to a source table." });
    const item = rowOf(refused, NOW);
    assert.equal(item.description, 'paused');
    assert.match(String(item.tooltip), /Resume at: .*\(refused by the backend .*CST\\_1.*source table.*; resume it by hand\)/);
  });

  it('combines contextValue tokens so inline Pause shows on running rows and Resume on paused ones', () => {
    const running = tokens(rowOf(makeResource('q/a'), NOW).contextValue);
    assert.ok(running.includes(ItemToken.pausable));
    assert.ok(!running.includes(ItemToken.resumable));
    assert.ok(running.includes('pipelinePause.resource.kind-s3-queue'));
    assert.ok(running.includes('pipelinePause.resource.state-running'));

    const scheduled = tokens(rowOf(pausedResource('q/a', { resumeAt: minutesFromNow(25) }), NOW).contextValue);
    assert.ok(scheduled.includes(ItemToken.resumable));
    assert.ok(scheduled.includes(ItemToken.autoResume));
    assert.ok(!scheduled.includes(ItemToken.pausable));

    const scoped = makeResource('q/a', { state: 'partially-paused', scopedPauses: [{ scope: { type: 'task-type', value: 'send_email' }, pause: makePause() }] });
    const scopedTokens = tokens(rowOf(scoped, NOW).contextValue);
    assert.ok(scopedTokens.includes(ItemToken.scoped));
    assert.ok(scopedTokens.includes(ItemToken.pausable), 'the rest of a partly paused queue can still be paused');
    assert.ok(!scopedTokens.includes(ItemToken.resumable), 'no whole-resource pause to resume');

    const cannot = makeResource('q/a', { capabilities: { pause: false, resume: false, pauseAll: false, scheduledResume: false, scopedPause: false, stop: false } });
    assert.deepEqual(tokens(rowOf(cannot, NOW).contextValue).filter((t) => t === ItemToken.pausable || t === ItemToken.resumable), []);
  });

  it('puts who, why, since, until, workers, backlog, scopes and the last error in the tooltip', () => {
    const resource = pausedResource(
      'orders/emails',
      { reason: 'fix *bad* rows', pausedBy: 'user:alice', pausedAt: minutesFromNow(-10), resumeAt: minutesFromNow(25) },
      {
        workers: [
          { id: 'w1', status: 'idle', healthy: true, currentTask: null, startedAt: null, lastHeartbeatAt: null, honoursPause: true },
          { id: 'w2', status: 'paused', healthy: true, currentTask: null, startedAt: null, lastHeartbeatAt: null, honoursPause: true },
          { id: 'w3', status: 'busy', healthy: false, currentTask: 't1', startedAt: null, lastHeartbeatAt: null, honoursPause: true },
        ],
        backlog: { pending: 1234, inFlight: 3, oldestPendingAt: minutesFromNow(-90), dataLossAt: minutesFromNow(180) },
        scopedPauses: [{ scope: { type: 'shard', value: 'a' }, pause: makePause({ pausedBy: 'user:bob', reason: null }) }],
        lastError: 'S3 503 SlowDown',
      },
    );
    const tooltip = rowOf(resource, NOW).tooltip;
    for (const expected of [
      'Reason: fix \\*bad\\* rows',
      'Paused by: user:alice',
      'Since: 2026-01-29 11:50:00Z (10 minutes ago)',
      'Resume at: 2026-01-29 12:25:00Z (in 25 minutes)',
      'Workers: 2 healthy, 1 stale (1 idle, 1 paused)',
      'Pending tasks: 1,234',
      'Running tasks: 3',
      '- shard a: paused by user:bob',
      'Data lost if still paused at 2026-01-29 15:00:00Z (in 3 hours)',
      'Last error: S3 503 SlowDown',
    ]) {
      assert.ok(tooltip.includes(expected), `tooltip has "${expected}":\n${tooltip}`);
    }
  });

  it('shows a capped pending count as "1,000+" in the tooltip, with how to count them all', () => {
    const resource = makeResource('orders/emails', { backlog: { pending: 1000, pendingIsLowerBound: true, inFlight: 0, oldestPendingAt: null, dataLossAt: null } });
    const tooltip = String(rowOf(resource, NOW).tooltip);
    assert.ok(tooltip.includes('Pending tasks: 1,000\\+ \\(counted up to 1,000; pipeline\\-pause status orders/emails \\-\\-exact counts them all\\)'), tooltip);
  });

  it('shows connection status with the error, and offers Pause All / Resume All by its tokens', () => {
    const down = connectionItem(makeConnection('orders', { status: 'unreachable', error: 'connect ECONNREFUSED 127.0.0.1:9000' }), []);
    assert.equal(down.description, 'unreachable: connect ECONNREFUSED 127.0.0.1:9000');
    assert.deepEqual(down.icon, { id: 'debug-disconnect', color: 'errorForeground' });
    assert.ok(tokens(down.contextValue).includes(ItemToken.connectionUnreachable));

    const mixed = connectionItem(makeConnection('orders'), [makeResource('orders/a'), pausedResource('orders/b')]);
    assert.equal(mixed.description, 'ok · 1 of 2 paused');
    assert.ok(tokens(mixed.contextValue).includes(ItemToken.connectionPausable));
    assert.ok(tokens(mixed.contextValue).includes(ItemToken.connectionResumable));

    const allPaused = connectionItem(makeConnection('orders'), [pausedResource('orders/b')]);
    assert.ok(!tokens(allPaused.contextValue).includes(ItemToken.connectionPausable));
  });
});

describe('extension/tree/resourceItemModel: ksqlDB queries', () => {
  const query = (overrides: Partial<Parameters<typeof makeResource>[1]> = {}) =>
    makeResource('ksql/CSAS_COPY_1', {
      kind: 'ksqldb-query',
      workers: null,
      backlog: { pending: 40, inFlight: null, oldestPendingAt: minutesFromNow(-5), dataLossAt: minutesFromNow(55) },
      capabilities: { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false },
      lineage: { upstream: ['ksql/CSAS_IN_0'], downstream: [], inputs: ['kafka-topic:orders'], outputs: ['kafka-topic:copy'] },
      ...overrides,
    });

  it('says on how many servers a partial pause holds, and shows the lag', () => {
    const partial = query({
      state: 'partially-paused',
      stateDetail: 'paused on 1 of 2 servers (127.0.0.1:1), running on 1',
      pause: makePause(),
      backlog: { pending: 40, inFlight: null, oldestPendingAt: null, dataLossAt: null },
    });
    const item = rowOf(partial, NOW);
    assert.equal(item.description, 'partially paused (1 of 2 servers) · lag 40');
    assert.ok(tokens(item.contextValue).includes(ItemToken.pausable), 'the rest can still be paused');
    assert.ok(tokens(item.contextValue).includes(ItemToken.resumable));
    assert.ok(tokens(item.contextValue).includes('pipelinePause.resource.kind-ksqldb-query'));
    assert.equal(rowOf(query({ backlog: { pending: 0, inFlight: null, oldestPendingAt: null, dataLossAt: null } }), NOW).description, 'running · lag 0');
  });

  it('marks transient queries as listed only, with no pause offered', () => {
    const transient = query({ name: 'transient_ORDERS_1', backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null }, stateDetail: 'PUSH query: ksqlDB cannot pause it', capabilities: { pause: false, resume: false, pauseAll: false, scheduledResume: false, scopedPause: false, stop: false } });
    const item = rowOf(transient, NOW);
    assert.equal(item.description, 'running (transient)');
    assert.deepEqual(item.icon, { id: 'eye', color: null });
    assert.ok(!tokens(item.contextValue).includes(ItemToken.pausable));
  });

  it('puts lag, proof of the pause and lineage in the tooltip', () => {
    const paused = query({
      state: 'paused',
      pause: makePause({ pausedBy: 'unknown (paused outside Pipeline Pause)', reason: null }),
      pauseEffect: { status: 'confirmed', since: minutesFromNow(-5), detail: 'committed offsets unchanged since 2026-01-29T11:55:00Z while 40 new records arrived' },
    });
    const tooltip = rowOf(paused, NOW).tooltip;
    for (const expected of [
      '**ksql/CSAS\\_COPY\\_1** · ksqlDB query',
      'Paused by: unknown \\(paused outside Pipeline Pause\\)',
      'Pause effect: **holding** (confirmed): committed offsets unchanged since 2026\\-01\\-29T11:55:00Z while 40 new records arrived',
      'Lag (records): 40',
      'Oldest unconsumed record: 5 minutes old',
      'Data lost if still paused at 2026-01-29 12:55:00Z (in 55 minutes)',
      'Reads: topic orders',
      'Writes: topic copy',
      'Upstream: ksql/CSAS\\_IN\\_0',
    ]) {
      assert.ok(tooltip.includes(expected), `tooltip has "${expected}":\n${tooltip}`);
    }
  });
});
