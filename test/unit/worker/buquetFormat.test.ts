import { strict as assert } from 'node:assert';
import { decodeHeartbeat, encodeHeartbeat } from '../../../buquet/heartbeat';
import { leaseKey, parseIndexKey, readyKey, shardOf } from '../../../buquet/layout';
import { decodeTask, newTask } from '../../../buquet/task';

/** Written by real buquet 0.1.0 (PyPI) against the sandbox: a task just submitted, then the same task while a buquet worker ran it. */
const BUQUET_PENDING =
  '{"id":"26ec69f2-82aa-4883-940b-8cae48f8e387","shard":"2","task_type":"echo","input":{"n":0},"output":null,"timeout_seconds":300,"max_retries":3,"retry_count":0,"retry_policy":{"initial_interval_ms":1000,"max_interval_ms":60000,"multiplier":2.0,"jitter_percent":0.25},"status":"pending","created_at":"2026-11-23T17:12:50Z","available_at":"2026-11-23T17:12:50Z","lease_expires_at":null,"lease_id":null,"attempt":0,"updated_at":"2026-11-23T17:12:50Z","completed_at":null,"worker_id":null,"last_error":null,"reschedule_count":0,"cancel_requested":false}';
const BUQUET_RUNNING =
  '{"id":"d4b9dd64-d644-4d2e-827f-bdfbf8b6b75c","shard":"d","task_type":"echo","input":{"n":0},"output":null,"timeout_seconds":300,"max_retries":3,"retry_count":0,"retry_policy":{"initial_interval_ms":1000,"max_interval_ms":60000,"multiplier":2.0,"jitter_percent":0.25},"status":"running","created_at":"2026-11-23T17:13:01Z","available_at":"2026-11-23T17:13:01Z","lease_expires_at":"2026-11-23T17:18:01.112264530Z","lease_id":"a1d66475-27be-44c0-ab07-bc9e30dc8a7b","attempt":1,"updated_at":"2026-11-23T17:13:01.112264530Z","completed_at":null,"worker_id":"peer-x","last_error":null,"reschedule_count":0,"cancel_requested":false}';

describe('buquet bucket format', () => {
  it('files index entries under the epoch minute exactly where buquet put them', () => {
    const pending = decodeTask(BUQUET_PENDING);
    assert.equal(readyKey(pending.shard, pending.id, new Date(pending.available_at)), 'ready/2/0029924232/26ec69f2-82aa-4883-940b-8cae48f8e387');
    const running = decodeTask(BUQUET_RUNNING);
    assert.equal(leaseKey(running.shard, running.id, new Date(running.lease_expires_at ?? '')), 'leases/d/0029924238/d4b9dd64-d644-4d2e-827f-bdfbf8b6b75c');
    assert.deepEqual(parseIndexKey('leases/d/0029924238/d4b9dd64-d644-4d2e-827f-bdfbf8b6b75c'), { shard: 'd', minute: 29924238, id: 'd4b9dd64-d644-4d2e-827f-bdfbf8b6b75c' });
    assert.equal(parseIndexKey('ready/2/29924232/26ec69f2-82aa-4883-940b-8cae48f8e387'), null, 'the minute is always 10 digits');
    assert.equal(parseIndexKey('tasks/2/26ec69f2-82aa-4883-940b-8cae48f8e387.json'), null);
  });

  it('reads buquet tasks (nanosecond times included) and writes them back with every field buquet wrote', () => {
    const running = decodeTask(BUQUET_RUNNING);
    assert.equal(Date.parse(running.lease_expires_at ?? ''), Date.parse('2026-11-23T17:18:01.112Z'));
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(running))).sort(), Object.keys(JSON.parse(BUQUET_RUNNING)).sort());
    assert.throws(() => decodeTask('{"id":"x"}'), /task_type/);
  });

  it('creates tasks with buquet\'s fields, in buquet\'s order, sharded by the first hex digit of the id', () => {
    const task = newTask('echo', { n: 1 }, new Date('2026-11-23T17:12:50Z'));
    assert.deepEqual(Object.keys(task), Object.keys(JSON.parse(BUQUET_PENDING)));
    assert.equal(task.shard, shardOf(task.id));
    assert.equal(task.shard, task.id[0]);
    assert.deepEqual([task.status, task.attempt, task.max_retries, task.timeout_seconds, task.available_at], ['pending', 0, 3, 300, '2026-11-23T17:12:50.000Z']);
  });

  it('writes heartbeats with buquet\'s WorkerInfo fields plus a status the agent reads back', () => {
    const body = encodeHeartbeat({
      workerId: 'node-1',
      startedAt: new Date('2026-11-23T17:00:00Z'),
      lastHeartbeat: new Date('2026-11-23T17:05:00Z'),
      shards: ['0', '1'],
      currentTask: null,
      tasksCompleted: 4,
      tasksFailed: 1,
      status: 'paused',
    });
    assert.deepEqual(Object.keys(JSON.parse(body)), ['worker_id', 'started_at', 'last_heartbeat', 'shards', 'current_task', 'tasks_completed', 'tasks_failed', 'status']);
    assert.deepEqual(decodeHeartbeat({ body, etag: null }, 'workers/node-1.json'), {
      id: 'node-1',
      startedAt: new Date('2026-11-23T17:00:00Z'),
      lastHeartbeatAt: new Date('2026-11-23T17:05:00Z'),
      currentTask: null,
      status: 'paused',
    });
  });
});
