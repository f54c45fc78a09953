import { strict as assert } from 'node:assert';
import { decodeHeartbeat, toWorkerInfo } from '../../../buquet/heartbeat';
import { formatPaused, formatWorkers } from '../../../format/resourceText';
import { blankResource, type Resource } from '../../../protocol/resource';
import { rowOf, statusText } from '../extension/fixtures';
import { statusModel } from '../../../extension/statusBar/statusModel';

const now = new Date('2026-11-23T17:20:00Z');
const ages = { staleAfterMs: 30_000, forgetAfterMs: 3_600_000 };

/** A heartbeat as buquet 0.1.0 writes it: no `status` field. */
function buquetHeartbeat(lastHeartbeat: string, currentTask: string | null = null): string {
  return JSON.stringify({ worker_id: 'peer-1', started_at: '2026-11-23T15:00:00Z', last_heartbeat: lastHeartbeat, shards: ['0'], current_task: currentTask, tasks_completed: 3, tasks_failed: 0 });
}

function worker(body: string) {
  const decoded = decodeHeartbeat({ body, etag: '"e"' } as never, 'workers/peer-1.json');
  assert.ok(decoded);
  return toWorkerInfo(decoded, now, ages);
}

function queueWith(workers: Resource['workers'], paused: boolean): Resource {
  const resource = blankResource('sandbox', 'demo-queue', 's3-queue', { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: true, stop: false });
  resource.workers = workers;
  resource.state = paused ? 'paused' : 'running';
  if (paused) resource.pause = { pausedAt: '2026-11-23T17:19:00.000Z', pausedBy: 'alice', reason: null, resumeAt: null, version: '"v"' };
  return resource;
}

describe('buquet workers as shown', () => {
  it('shows a buquet 0.1.0 worker as not honouring the pause, busy with its task or unknown, never idle', () => {
    const busy = worker(buquetHeartbeat('2026-11-23T17:19:55Z', 'task-1'));
    assert.deepEqual({ status: busy?.status, honoursPause: busy?.honoursPause, healthy: busy?.healthy }, { status: 'busy', honoursPause: false, healthy: true });
    const between = worker(buquetHeartbeat('2026-11-23T17:19:55Z'));
    assert.deepEqual({ status: between?.status, honoursPause: between?.honoursPause }, { status: 'unknown', honoursPause: false });
    const ours = worker(JSON.stringify({ ...JSON.parse(buquetHeartbeat('2026-11-23T17:19:55Z')), status: 'paused' }));
    assert.deepEqual({ status: ours?.status, honoursPause: ours?.honoursPause }, { status: 'paused', honoursPause: true });
  });

  it('keeps a stale worker listed, then stops listing it once its heartbeat is older than the forget bound', () => {
    assert.equal(worker(buquetHeartbeat('2026-11-23T17:00:00Z'))?.healthy, false);
    assert.equal(worker(buquetHeartbeat('2026-11-23T16:19:59Z')), null);
  });

  it('warns in status, workers, the pause reply and the tree tooltip about live workers that ignore the pause', () => {
    const ignoring = worker(buquetHeartbeat('2026-11-23T17:19:55Z', 'task-1'));
    const resource = queueWith([ignoring!], true);
    const expected = 'Warning: 1 worker (peer-1) does not honour the pause';
    assert.match(statusText(resource, now), new RegExp(expected.replace(/[()]/g, '\\$&')));
    assert.match(formatWorkers(resource, now), /does not honour the pause .*it keeps running tasks while paused/);
    assert.match(formatPaused(resource, resource.pause!, null, now), /1 worker \(peer-1\) does not honour the pause/);
    assert.match(String(rowOf(resource, now).tooltip), /does not honour the pause/);
    const bar = statusModel('connected', [resource], now, 3_600_000);
    assert.deepEqual({ severity: bar.severity, warns: /does not honour the pause/.test(bar.tooltip) }, { severity: 'warning', warns: true });
    const stale = { ...ignoring!, healthy: false };
    assert.doesNotMatch(statusText(queueWith([stale], true), now), /honour/, 'a stale worker runs nothing: no warning');
  });

  it('shows when a stale worker was last seen instead of an uptime that keeps growing', () => {
    const stale = worker(buquetHeartbeat('2026-11-23T17:00:00Z'));
    const table = formatWorkers(queueWith([stale!], false), now);
    assert.match(table, /peer-1\s+stale\s+-\s+last seen 20m ago/);
    assert.doesNotMatch(table, /2h 20m/);
  });
});
