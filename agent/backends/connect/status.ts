import type { ResourceState } from '../../../protocol/resource';
import type { ConnectorStatus } from './rest';

/** What one connector's status means for the resource model. */
export interface ConnectorView {
  state: ResourceState;
  /** The connector and task states behind `state`, when they are not all the same. */
  stateDetail: string | null;
  /** Trace summaries of the connector and of every FAILED task. */
  lastError: string | null;
}

type Task = ConnectorStatus['tasks'][number];

/**
 * Maps a connector's status to one state. Connect applies pause, resume and stop
 * asynchronously and reports the connector and each task separately, so:
 * - `paused` only once the connector AND every task report PAUSED. A connector PAUSED while a task
 *   still runs (a source task blocked on a missing topic stays RUNNING until it unblocks) is
 *   `pausing`, and the detail names the task: it is still working, and the pause is not in effect.
 * - A FAILED task stays FAILED when its connector is paused (observed on Connect 4.3.1); it does
 *   no work, so it does not hold the pause back, and the detail and last error keep it visible.
 * - `stopped` once the connector is STOPPED and its tasks are gone; tasks linger as RUNNING for
 *   about a second after PUT /stop, shown as `pausing` ("stopping").
 * - Right after creation (or a resume from STOPPED) a RUNNING connector has no tasks yet.
 */
export function connectorView(status: ConnectorStatus): ConnectorView {
  const tasks = [...status.tasks].sort((a, b) => a.id - b.id);
  const connector = status.connector.state;
  const failed = tasks.filter((t) => t.state === 'FAILED');
  const lastError = errorsOf(status, failed);
  const view = (state: ResourceState, stateDetail: string | null): ConnectorView => ({ state, stateDetail, lastError });

  switch (connector) {
    case 'FAILED':
      return view('failed', `connector FAILED${tasks.length ? `; ${taskStates(tasks)}` : ''}`);
    case 'PAUSED': {
      const working = tasks.filter((t) => t.state !== 'PAUSED' && t.state !== 'FAILED');
      if (working.length) return view('pausing', `connector PAUSED but ${stillIn(working)}`);
      if (failed.length) return view('paused', `${taskList(failed)} FAILED (a failed task stays FAILED while paused)`);
      return view('paused', null);
    }
    case 'STOPPED':
      if (tasks.length) return view('pausing', `stopping: connector STOPPED but ${stillIn(tasks)}`);
      return view('stopped', 'tasks shut down');
    case 'RUNNING': {
      if (failed.length) return view('failed', `${failed.length} of ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'} FAILED: ${taskList(failed)}`);
      const paused = tasks.filter((t) => t.state === 'PAUSED');
      if (paused.length) return view('resuming', `connector RUNNING but ${stillIn(paused)}`);
      if (!tasks.length) return view('running', 'starting: no tasks yet');
      const other = tasks.filter((t) => t.state !== 'RUNNING');
      return view('running', other.length ? taskStates(other) : null);
    }
    case 'RESTARTING':
      return view('running', `connector RESTARTING${tasks.length ? `; ${taskStates(tasks)}` : ''}`);
    case 'UNASSIGNED':
      return view('unknown', 'connector UNASSIGNED: no worker has started it yet');
    default:
      return view('unknown', `connector state ${connector}`);
  }
}

/**
 * One line from a Java stack trace: the exception and its message, and the root cause when there
 * is one ("ConnectException: Couldn't find or create file '/tmp/x' for FileStreamSinkTask;
 * caused by FileSystemException: /tmp/x: Is a directory").
 */
export function traceSummary(trace: string): string {
  const lines = trace.split('\n').map((line) => line.trim());
  const first = lines.find((line) => line && !line.startsWith('at ')) ?? '';
  const causes = lines.filter((line) => line.startsWith('Caused by:')).map((line) => line.slice('Caused by:'.length).trim());
  const root = causes.at(-1);
  const summary = root && root !== first ? `${shortClass(first)}; caused by ${shortClass(root)}` : shortClass(first);
  return summary.length > 400 ? `${summary.slice(0, 399)}…` : summary;
}

function errorsOf(status: ConnectorStatus, failed: Task[]): string | null {
  const errors: string[] = [];
  if (status.connector.state === 'FAILED') errors.push(`connector: ${status.connector.trace ? traceSummary(status.connector.trace) : 'FAILED (no trace)'}`);
  for (const task of failed) errors.push(`task ${task.id}: ${task.trace ? traceSummary(task.trace) : 'FAILED (no trace)'}`);
  return errors.length ? errors.join('; ') : null;
}

/** "org.apache.kafka.connect.errors.ConnectException: msg" -> "ConnectException: msg". */
function shortClass(line: string): string {
  return line.replace(/^([a-z_$][\w$]*\.)+(?=[A-Z][\w$]*(:|$))/, '');
}

function taskList(tasks: Task[]): string {
  return tasks.length === 1 ? `task ${tasks[0].id}` : `tasks ${tasks.map((t) => t.id).join(', ')}`;
}

/** "task 0 still RUNNING", "tasks 0, 2 still RUNNING, task 1 still UNASSIGNED". */
function stillIn(tasks: Task[]): string {
  return groupByState(tasks)
    .map(([state, group]) => `${taskList(group)} still ${state}`)
    .join(', ');
}

function taskStates(tasks: Task[]): string {
  return groupByState(tasks)
    .map(([state, group]) => `${taskList(group)} ${state}`)
    .join(', ');
}

function groupByState(tasks: Task[]): Array<[string, Task[]]> {
  const groups = new Map<string, Task[]>();
  for (const task of tasks) groups.set(task.state, [...(groups.get(task.state) ?? []), task]);
  return [...groups];
}
