import assert from 'node:assert/strict';
import { MigratorJob } from '../../../agent/backends/migrator/api';
import { jobView, whyNotPausable, type JobContext } from '../../../agent/backends/migrator/jobs';

const NOW = new Date('2026-01-29T12:00:30.000Z');
const HOUR = 3600_000;

/** A job as the Migrator's REST API returns it, parsed by the adapter's schema. */
function job(fields: Record<string, unknown>): MigratorJob {
  return MigratorJob.parse({
    id: 'job-1',
    projectId: 'orders',
    status: 'RUNNING',
    cdcStatus: 'RUNNING',
    verificationJobId: null,
    options: { dropCollections: false, mode: 'CDC', errorHandling: 'SKIP', errorTolerance: 0 },
    submittedAt: '2026-01-29T10:00:00Z',
    cdcStatistics: { startedAt: '2026-01-29T11:00:00Z', lastEventTime: '2026-01-29T11:59:00Z', eventsInLastHour: 100, eventsInLastMinute: 4, totalEventsSeen: 1000 },
    failureError: null,
    ...fields,
  });
}

const context = (overrides: Partial<JobContext> = {}): JobContext => ({ kafka: true, retentionMs: 72 * HOUR, pauseStart: null, now: NOW, ...overrides });

describe('agent/backends/migrator: sync job rules', () => {
  it('offers pause only to a Kafka-backed continuous job running its CDC stage, and says why otherwise', () => {
    assert.equal(whyNotPausable(job({}), { kafka: true }), null);
    assert.equal(whyNotPausable(job({}), { kafka: false }), 'this Relational Migrator runs without Kafka support (connection setting "kafkaSupport": false); only Kafka-backed sync jobs can pause');
    assert.equal(whyNotPausable(job({ options: { mode: 'SNAPSHOT' } }), { kafka: true }), 'it is a snapshot-only job; only continuous sync jobs have a CDC stage that can pause');
    assert.equal(whyNotPausable(job({ cdcStatus: 'NOT_STARTED' }), { kafka: true }), 'it is still in its snapshot stage; pause is offered once its CDC stage runs');
    assert.equal(whyNotPausable(job({ cdcStatus: null }), { kafka: true }), 'it is still in its snapshot stage; pause is offered once its CDC stage runs');
    assert.equal(whyNotPausable(job({ cdcStatus: 'COMPLETING' }), { kafka: true }), 'its CDC stage is completing');
    assert.equal(whyNotPausable(job({ status: 'CANCELLING' }), { kafka: true }), 'it is being cancelled');
  });

  it('does not offer pause to an INCREMENTAL job, even one whose CDC stage runs: the docs never call it Kafka-backed continuous', () => {
    const incremental = job({ options: { mode: 'INCREMENTAL' } });
    const reason = 'its mode is INCREMENTAL; Relational Migrator documents pause only for Kafka-backed continuous (CDC mode) sync jobs';
    assert.equal(whyNotPausable(incremental, { kafka: true }), reason);
    const view = jobView(incremental, context());
    assert.deepEqual([view.state, view.pauseUnavailable, view.dataLossAt], ['running', reason, null]);
    // A job that names no mode is judged by its stage alone.
    assert.equal(whyNotPausable(job({ options: null }), { kafka: true }), null);
  });

  it('maps statuses to states', () => {
    const state = (fields: Record<string, unknown>) => jobView(job(fields), context()).state;
    assert.equal(state({}), 'running');
    assert.equal(state({ status: 'PAUSED', cdcStatus: 'PAUSED' }), 'paused');
    assert.equal(state({ status: 'PAUSED', cdcStatus: 'RUNNING' }), 'pausing');
    assert.equal(state({ status: 'FAILED', cdcStatus: 'FAILED' }), 'failed');
    assert.equal(state({ status: 'COMPLETED', cdcStatus: 'COMPLETED' }), 'stopped');
    assert.equal(state({ status: 'NOT_STARTED', cdcStatus: 'NOT_STARTED' }), 'stopped');
    const failed = jobView(job({ status: 'FAILED', failureError: { message: 'ORA-01555', description: 'snapshot too old' } }), context());
    assert.equal(failed.lastError, 'ORA-01555 (snapshot too old)');
  });

  it('turns the CDC retention period into a deadline counted from the earliest possible pause moment', () => {
    const paused = job({ status: 'PAUSED', cdcStatus: 'PAUSED' });
    const here = jobView(paused, context({ pauseStart: { at: new Date('2026-01-29T12:00:00Z'), basis: 'paused-here' } }));
    assert.equal(here.dataLossAt, '2026-02-01T12:00:00.000Z');
    assert.equal(here.stateDetail, 'CDC stage paused; CDC retention 72 hours');
    const seen = jobView(paused, context({ pauseStart: { at: new Date('2026-01-29T11:59:58Z'), basis: 'last-seen-running' } }));
    assert.equal(seen.dataLossAt, '2026-02-01T11:59:58.000Z');
    assert.match(seen.stateDetail ?? '', /counted from when CDC was last seen running/);
    const unknown = jobView(paused, context());
    assert.equal(unknown.dataLossAt, null);
    assert.match(unknown.stateDetail ?? '', /pause time unknown/);
    const noRetention = jobView(paused, context({ retentionMs: null, pauseStart: { at: NOW, basis: 'paused-here' } }));
    assert.equal(noRetention.dataLossAt, null);
    assert.match(noRetention.stateDetail ?? '', /resume within the source database's CDC retention period/);
  });

  it('gives a pausable running job the deadline a pause begun now would have, to the minute', () => {
    assert.equal(jobView(job({}), context()).dataLossAt, '2026-02-01T12:00:00.000Z');
    assert.equal(jobView(job({ cdcStatus: 'NOT_STARTED' }), context()).dataLossAt, null, 'not pausable: no deadline');
  });

  it('reads numeric job ids as strings', () => {
    assert.equal(MigratorJob.parse({ id: 42, status: 'RUNNING' }).id, '42');
  });
});
