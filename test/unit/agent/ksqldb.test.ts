import assert from 'node:assert/strict';
import { isSourceTableQuery, isTransientId, queryLineage, queryState, supportsPause, tooOldMessage, tooOldReason } from '../../../agent/backends/ksqldb/queries';
import { KsqlDbConfig } from '../../../agent/backends/ksqldb/config';
import { PauseEffectTracker } from '../../../agent/kafka/pauseEffect';

describe('agent/backends/ksqldb: state, versions and lineage from the wire shapes', () => {
  it('reads the pause from statusCount, never from state, and says on how many servers', () => {
    assert.deepEqual(queryState({ RUNNING: 1 }, {}), { state: 'running', stateDetail: null });
    assert.deepEqual(queryState({ PAUSED: 1 }, { 'a:8088': 'PAUSED' }), { state: 'paused', stateDetail: null });
    assert.deepEqual(queryState({ PAUSED: 3 }, {}), { state: 'paused', stateDetail: 'paused on all 3 servers' });
    assert.deepEqual(queryState({ PAUSED: 2, RUNNING: 1 }, { 'a:1': 'PAUSED', 'b:1': 'PAUSED', 'c:1': 'RUNNING' }), {
      state: 'partially-paused',
      stateDetail: 'paused on 2 of 3 servers (a:1, b:1), running on 1',
    });
    assert.deepEqual(queryState({ PAUSED: 1, UNRESPONSIVE: 1 }, {}), { state: 'partially-paused', stateDetail: 'paused on 1 of 2 servers, unresponsive on 1' });
    assert.deepEqual(queryState({ ERROR: 1, RUNNING: 1 }, { 'a:1': 'ERROR', 'b:1': 'RUNNING' }), { state: 'failed', stateDetail: 'error on 1 of 2 servers (a:1), running on 1' });
    assert.deepEqual(queryState({ UNRESPONSIVE: 2 }, {}), { state: 'unknown', stateDetail: 'unresponsive on all 2 servers' });
    assert.deepEqual(queryState({ RUNNING: 1, UNRESPONSIVE: 1 }, {}), { state: 'running', stateDetail: 'running on 1 of 2 servers, unresponsive on 1' });
    assert.deepEqual(queryState({ RUNNING: 1, UNRESPONSIVE: 1 }, { 'a:1': 'UNRESPONSIVE', 'b:1': 'RUNNING' }), {
      state: 'running',
      stateDetail: 'running on 1 of 2 servers, unresponsive on 1 (a:1)',
    }, 'the server to look at is named');
    assert.deepEqual(queryState({ PAUSED: 1, UNRESPONSIVE: 1 }, { 'a:1': 'UNRESPONSIVE', 'b:1': 'PAUSED' }), {
      state: 'partially-paused',
      stateDetail: 'paused on 1 of 2 servers (b:1), unresponsive on 1 (a:1)',
    });
    assert.deepEqual(queryState({}, { 'a:1': 'PAUSED', 'b:1': 'RUNNING' }).state, 'partially-paused', 'per-host statuses when statusCount is missing');
    assert.deepEqual(queryState({}, {}), { state: 'unknown', stateDetail: 'no server reports a status for this query' });
  });

  it('knows which versions have PAUSE (ksqlDB 0.28.2, Confluent Platform 7.3.0)', () => {
    for (const version of ['0.28.2', '0.29.0', '7.3.0', '7.9.1-ccs', '8.0.0']) assert.equal(supportsPause(version), true, version);
    for (const version of ['0.28.1', '0.27.2', '7.2.9', '6.2.0']) assert.equal(supportsPause(version), false, version);
    assert.equal(supportsPause('dev-SNAPSHOT'), null, 'unreadable: let the server answer');
    assert.equal(tooOldMessage('http://k:8088', '0.27.2'), 'ksqlDB at http://k:8088 is version 0.27.2 (GET /info); PAUSE and RESUME need ksqlDB 0.28.2 or later (Confluent Platform 7.3.0+)');
    assert.equal(tooOldReason('0.27.2'), 'ksqlDB 0.27.x cannot pause queries; PAUSE needs 0.28.2+ (Confluent Platform 7.3.0+)');
    assert.equal(tooOldReason('7.2.9-ccs'), 'ksqlDB 7.2.x cannot pause queries; PAUSE needs 0.28.2+ (Confluent Platform 7.3.0+)', 'Confluent Platform numbering');
  });

  it('derives which queries feed which from sources and sinks', () => {
    const lineage = queryLineage([
      { id: 'CSAS_B_1', sources: ['A'], sinks: ['B'] },
      { id: 'CSAS_C_2', sources: ['b'], sinks: ['C'] },
      { id: 'CTAS_D_3', sources: ['B', 'C'], sinks: ['D'] },
    ]);
    assert.deepEqual(lineage.get('CSAS_B_1'), { upstream: [], downstream: ['CSAS_C_2', 'CTAS_D_3'] });
    assert.deepEqual(lineage.get('CTAS_D_3'), { upstream: ['CSAS_B_1', 'CSAS_C_2'], downstream: [] });
  });

  it('tells transient ids and source-table queries apart as ksqlDB does', () => {
    assert.equal(isTransientId('transient_ORDERS_123'), true);
    assert.equal(isTransientId('_confluent-ksql-default_transient_1'), true);
    assert.equal(isTransientId('CSAS_ORDERS_1'), false);
    assert.equal(isSourceTableQuery("CREATE SOURCE TABLE USERS (ID INT PRIMARY KEY) WITH (KAFKA_TOPIC='u');"), true);
    assert.equal(isSourceTableQuery('CREATE TABLE T AS SELECT ...'), false);
  });

  it('accepts a connection with several servers and Kafka, and no credentials in the file', () => {
    const parsed = KsqlDbConfig.parse({ name: 'ksql', kind: 'ksqldb', servers: ['http://a:8088', 'http://b:8088'], kafka: { brokers: ['a:9092'] } });
    assert.deepEqual([parsed.pollIntervalSeconds, parsed.commandTimeoutSeconds, parsed.kafka?.ssl], [1, 60, false]);
    assert.equal(KsqlDbConfig.safeParse({ name: 'ksql', kind: 'ksqldb', servers: [] }).success, false);
    assert.equal(KsqlDbConfig.safeParse({ name: 'ksql', kind: 'ksqldb', servers: ['http://a'], auth: { username: 'u', password: 'p' } }).success, false);
  });
});

describe('agent/kafka/pauseEffect: proof that a pause holds', () => {
  const t0 = Date.parse('2026-01-29T12:00:00.000Z');

  it('confirms a pause once new records arrive while committed offsets stay put', () => {
    const tracker = new PauseEffectTracker();
    assert.equal(tracker.observe('q', false, { positions: { 't:0': 5 }, pending: 0 }, t0), null);
    assert.deepEqual(tracker.observe('q', true, { positions: { 't:0': 10 }, pending: 0 }, t0), {
      status: 'unproven',
      since: '2026-01-29T12:00:00.000Z',
      detail: 'committed offsets unchanged since 2026-01-29T12:00:00Z; no new records yet to prove it with',
    });
    assert.deepEqual(tracker.observe('q', true, { positions: { 't:0': 10 }, pending: 40 }, t0 + 5000), {
      status: 'confirmed',
      since: '2026-01-29T12:00:00.000Z',
      detail: 'committed offsets unchanged since 2026-01-29T12:00:00Z while 40 new records arrived',
    });
  });

  it('reports progress after the pause, then watches again from there', () => {
    const tracker = new PauseEffectTracker();
    tracker.observe('q', true, { positions: { 't:0': 10 }, pending: 5 }, t0);
    assert.deepEqual(tracker.observe('q', true, { positions: { 't:0': 13 }, pending: 4 }, t0 + 2000), {
      status: 'progressing',
      since: '2026-01-29T12:00:02.000Z',
      detail: 'committed offsets moved forward by 3 records after the pause was seen',
    });
    assert.equal(tracker.observe('q', true, { positions: { 't:0': 13 }, pending: 9 }, t0 + 4000)?.status, 'confirmed');
    assert.equal(tracker.observe('q', true, null, t0 + 6000), null, 'no marker, no claim');
    tracker.observe('r', true, { positions: {}, pending: null }, t0);
    assert.equal(tracker.observe('r', true, { positions: {}, pending: null }, t0)?.status, 'unproven');
  });
});
