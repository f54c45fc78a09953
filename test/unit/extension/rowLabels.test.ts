import assert from 'node:assert/strict';
import { MigratorJob } from '../../../agent/backends/migrator/api';
import { jobLabel } from '../../../agent/backends/migrator/jobs';
import { formatList } from '../../../format/resourceText';
import { makePause, makeResource, minutesFromNow, NOW, pausedResource, rowOf, statusText, KINDS } from './fixtures';

const UUID = '3f2a9c1b-5d7e-4f00-9c1a-0b6d2e8f4a11';
const job = (fields: Record<string, unknown> = {}) =>
  MigratorJob.parse({ id: UUID, projectId: 'orders', status: 'RUNNING', cdcStatus: 'RUNNING', options: { mode: 'CDC' }, submittedAt: '2026-01-29T10:00:00.123Z', ...fields });

describe('extension/tree rows: a label where the name is an id, one key fact in the description', () => {
  it('labels a Migrator job by what the API tells about it: mode, destination cluster and submission time', () => {
    assert.equal(jobLabel(job()), 'continuous job, submitted 2026-01-29 10:00:00Z');
    assert.equal(jobLabel(job({ options: { mode: 'SNAPSHOT' }, atlasMetadata: { mongoDbClusterName: 'Cluster0' } })), 'snapshot job to Cluster0, submitted 2026-01-29 10:00:00Z');
    assert.equal(jobLabel(job({ options: null })), 'sync job, submitted 2026-01-29 10:00:00Z');
    assert.equal(jobLabel(job({ submittedAt: null })), null, 'nothing better than the id');
  });

  it('shows the label in the tree row, tooltip, list and status; the address stays the id', () => {
    const resource = makeResource(`migrator/${UUID}`, { kind: 'relational-migrator', label: 'continuous job, submitted 2026-01-29 10:00:00Z', workers: null });
    const row = rowOf(resource);
    assert.equal(row.label, 'continuous job, submitted 2026-01-29 10:00:00Z');
    assert.equal(row.id, `resource:migrator/${UUID}`);
    assert.match(row.tooltip, /^\*\*continuous job, submitted 2026\\-01\\-29 10:00:00Z\*\* · Relational Migrator sync job {2}\nAddress: migrator\/3f2a9c1b\\-/);
    assert.match(statusText(resource), new RegExp(`^Sync job: migrator/${UUID} \\(continuous job, submitted 2026-01-29 10:00:00Z\\)\\n`));
    const list = formatList({ agent: { version: '0', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS, connections: [], resources: [resource], configError: null }, NOW);
    assert.match(list, new RegExp(`^migrator/${UUID}\\s+relational-migrator\\s+RUNNING\\s+continuous job, submitted 2026-01-29 10:00:00Z, 12 pending$`, 'm'));
    assert.equal(rowOf(makeResource('q/orders')).label, 'orders', 'without a label the name is the label');
  });

  it('keeps the description to the state and one fact: deadline, then why, then auto-resume, then backlog', () => {
    const query = (overrides: Parameters<typeof makeResource>[1]) => rowOf(makeResource('ksql/Q1', { kind: 'ksqldb-query', workers: null, backlog: { pending: 40, inFlight: null, oldestPendingAt: null, dataLossAt: minutesFromNow(45) }, ...overrides })).description;
    const paused = { state: 'paused' as const, pause: makePause({ resumeAt: minutesFromNow(90) }) };
    assert.equal(query(paused), 'paused · resume within 45m', 'data loss first');
    assert.equal(query({ ...paused, pause: makePause({ resumeAt: minutesFromNow(20) }) }), 'paused · auto-resume in 20m', 'a deadline the auto-resume beats is no worry');
    assert.equal(query({ state: 'pausing', stateDetail: 'paused on 1 of 2 servers', backlog: { pending: 40, inFlight: null, oldestPendingAt: null, dataLossAt: null } }), 'pausing · paused on 1 of 2 servers');
    assert.equal(query({ state: 'running' }), 'running · lag 40', 'a running resource has no deadline to count');
    assert.equal(rowOf(pausedResource('q/a', { resumeAt: minutesFromNow(25) })).description, 'paused · auto-resume in 25m');
    for (const description of [query(paused), query({ state: 'running' })]) assert.equal(description.split(' · ').length, 2, description);
  });
});
