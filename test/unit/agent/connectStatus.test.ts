import assert from 'node:assert/strict';
import { connectorView, traceSummary } from '../../../agent/backends/connect/status';
import type { ConnectorStatus } from '../../../agent/backends/connect/rest';

const W = '127.0.0.1:8083';
/** A status as Connect 4.3.1 sends it (with `version`); tasks as [id, state, trace?]. */
function status(connector: string, tasks: Array<[number, string, string?]>): ConnectorStatus {
  return {
    name: 'c',
    connector: { state: connector, worker_id: W, version: '4.3.1' },
    tasks: tasks.map(([id, state, trace]) => ({ id, state, worker_id: W, version: '4.3.1', ...(trace ? { trace } : {}) })),
    type: 'sink',
  };
}

const TRACE = [
  "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '/tmp/x' for FileStreamSinkTask",
  '\tat org.apache.kafka.connect.file.FileStreamSinkTask.start(FileStreamSinkTask.java:74)',
  '\tat org.apache.kafka.connect.runtime.WorkerSinkTask.initializeAndStart(WorkerSinkTask.java:329)',
  'Caused by: java.nio.file.FileSystemException: /tmp/x: Is a directory',
  '\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:100)',
  '\t... 10 more',
].join('\n');

describe('agent/backends/connect: connector status -> state', () => {
  it('is paused only once the connector AND every task report PAUSED', () => {
    assert.deepEqual(connectorView(status('PAUSED', [[0, 'PAUSED'], [1, 'PAUSED']])), { state: 'paused', stateDetail: null, lastError: null });
    assert.deepEqual(connectorView(status('PAUSED', [[0, 'PAUSED'], [1, 'RUNNING']])), { state: 'pausing', stateDetail: 'connector PAUSED but task 1 still RUNNING', lastError: null });
    assert.equal(connectorView(status('PAUSED', [[0, 'RUNNING'], [1, 'RUNNING'], [2, 'UNASSIGNED']])).stateDetail, 'connector PAUSED but tasks 0, 1 still RUNNING, task 2 still UNASSIGNED');
  });

  it('does not let a FAILED task hold a pause back, and keeps it visible (it stays FAILED when paused)', () => {
    const view = connectorView(status('PAUSED', [[0, 'PAUSED'], [1, 'FAILED', TRACE]]));
    assert.equal(view.state, 'paused');
    assert.equal(view.stateDetail, 'task 1 FAILED (a failed task stays FAILED while paused)');
    assert.equal(view.lastError, "task 1: ConnectException: Couldn't find or create file '/tmp/x' for FileStreamSinkTask; caused by FileSystemException: /tmp/x: Is a directory");
  });

  it('shows failed tasks of a running connector as failed, with every trace summary', () => {
    const view = connectorView(status('RUNNING', [[0, 'RUNNING'], [1, 'FAILED', TRACE], [2, 'FAILED']]));
    assert.equal(view.state, 'failed');
    assert.equal(view.stateDetail, '2 of 3 tasks FAILED: tasks 1, 2');
    assert.match(view.lastError ?? '', /^task 1: ConnectException: .*; task 2: FAILED \(no trace\)$/);
    const connectorFailed = connectorView({ ...status('FAILED', []), connector: { state: 'FAILED', trace: 'java.lang.IllegalStateException: boom' } });
    assert.deepEqual(connectorFailed, { state: 'failed', stateDetail: 'connector FAILED', lastError: 'connector: IllegalStateException: boom' });
  });

  it('is stopped once the tasks are gone; tasks lingering after PUT /stop read as stopping', () => {
    assert.deepEqual(connectorView(status('STOPPED', [])), { state: 'stopped', stateDetail: 'tasks shut down', lastError: null });
    assert.deepEqual(connectorView(status('STOPPED', [[0, 'RUNNING']])), { state: 'pausing', stateDetail: 'stopping: connector STOPPED but task 0 still RUNNING', lastError: null });
  });

  it('reads a running connector without tasks (just created or resumed from STOPPED) as starting, and tasks still PAUSED as resuming', () => {
    assert.deepEqual(connectorView(status('RUNNING', [])), { state: 'running', stateDetail: 'starting: no tasks yet', lastError: null });
    assert.deepEqual(connectorView(status('RUNNING', [[0, 'RUNNING']])), { state: 'running', stateDetail: null, lastError: null });
    assert.equal(connectorView(status('RUNNING', [[0, 'PAUSED']])).state, 'resuming');
    assert.deepEqual(connectorView(status('RUNNING', [[0, 'RUNNING'], [1, 'RESTARTING']])), { state: 'running', stateDetail: 'task 1 RESTARTING', lastError: null });
    assert.equal(connectorView(status('UNASSIGNED', [])).state, 'unknown');
  });

  it('summarises a Java trace as the exception and its root cause, without package names', () => {
    assert.equal(traceSummary('org.apache.kafka.common.errors.TimeoutException: Topic t not present in metadata after 60000 ms.\n\tat x.y(Z.java:1)'), 'TimeoutException: Topic t not present in metadata after 60000 ms.');
    const nested = 'a.B: outer\n\tat x\nCaused by: c.D: middle\n\tat y\nCaused by: e.F: root cause\n\tat z';
    assert.equal(traceSummary(nested), 'B: outer; caused by F: root cause');
    assert.ok(traceSummary(`a.B: ${'x'.repeat(1000)}`).length <= 400);
  });
});
