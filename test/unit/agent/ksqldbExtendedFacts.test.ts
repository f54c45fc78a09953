import assert from 'node:assert/strict';
import { EXTENDED_MAX_AGE_MS, ExtendedFacts } from '../../../agent/backends/ksqldb/extendedFacts';
import { QueryDescription, RunningQuery } from '../../../agent/backends/ksqldb/wire';

const running = (id: string, statusCount: Record<string, number>, queryString = `CREATE STREAM ${id} AS SELECT * FROM SRC EMIT CHANGES;`) =>
  RunningQuery.parse({ id, queryString, sinks: [id], sinkKafkaTopics: [id.toLowerCase()], statusCount, queryType: 'PERSISTENT', state: 'RUNNING' });
const described = (id: string, hosts: Record<string, string>) =>
  QueryDescription.parse({ id, statementText: `CREATE STREAM ${id} AS SELECT * FROM SRC EMIT CHANGES;`, sources: ['SRC'], sinks: [id], ksqlHostQueryStatus: hosts, consumerGroupId: `group_${id}` });

describe('agent/backends/ksqldb/extendedFacts: when a poll may skip SHOW QUERIES EXTENDED', () => {
  let now = 0;
  const facts = () => {
    const cache = new ExtendedFacts(() => now);
    cache.store([running('A', { RUNNING: 2 }), running('B', { PAUSED: 2 })], [described('A', { 'h1:1': 'RUNNING', 'h2:1': 'RUNNING' }), described('B', { 'h1:1': 'PAUSED', 'h2:1': 'PAUSED' })], new Map([['SRC', 'src']]));
    return cache;
  };

  it('reads them on a refresh, and on a poll only once they are older than the cadence for its interest', () => {
    now = 1_000;
    const cache = new ExtendedFacts(() => now);
    assert.equal(cache.wanted({ reason: 'poll', interest: 'idle' }), true, 'nothing read yet');
    const fresh = facts();
    assert.equal(fresh.wanted({ reason: 'poll', interest: 'watched' }), false);
    assert.equal(fresh.wanted({ reason: 'refresh', interest: 'idle' }), true);
    now += EXTENDED_MAX_AGE_MS.watched + 1;
    assert.equal(fresh.wanted({ reason: 'poll', interest: 'watched' }), true);
    assert.equal(fresh.wanted({ reason: 'poll', interest: 'idle' }), false, 'unwatched, only changes refetch them for longer');
  });

  it('covers an unchanged set of queries, pauses made on every server included, and ignores transient queries', () => {
    const cache = facts();
    const push = RunningQuery.parse({ id: 'transient_SRC_1', queryString: 'SELECT * FROM SRC EMIT CHANGES;', statusCount: { RUNNING: 1 }, queryType: 'PUSH' });
    assert.equal(cache.gap([running('A', { PAUSED: 2 }), running('B', { RUNNING: 2 }), push]), null);
    assert.equal(cache.gap([running('A', { RUNNING: 2 })]), null, 'a dropped query needs nothing new');
    assert.equal(cache.topics.get('SRC'), 'src');
  });

  it('does not cover a new query, a replaced one, or a split state its cached host statuses do not explain', () => {
    const cache = facts();
    assert.equal(cache.gap([running('A', { RUNNING: 2 }), running('C', { RUNNING: 2 })]), 'new query C');
    assert.equal(cache.gap([running('A', { RUNNING: 2 }, 'CREATE OR REPLACE STREAM A AS SELECT ID FROM SRC EMIT CHANGES;')]), 'query A was replaced');
    assert.equal(cache.gap([running('A', { PAUSED: 1, RUNNING: 1 })]), 'query A changed state on some servers');
    assert.equal(cache.gap([running('A', { RUNNING: 1, UNRESPONSIVE: 1 })]), 'query A changed state on some servers');
    assert.equal(cache.gap([running('A', {})]), 'no statusCount for A', 'then the host statuses are the only pause state');
  });

  it('names the servers only while their cached statuses add up to statusCount', () => {
    const cache = facts();
    assert.deepEqual(cache.description(running('A', { RUNNING: 2 }))?.ksqlHostQueryStatus, { 'h1:1': 'RUNNING', 'h2:1': 'RUNNING' });
    assert.deepEqual(cache.description(running('A', { PAUSED: 2 }))?.ksqlHostQueryStatus, {}, 'paused since: counted, not named wrongly');
    assert.equal(cache.description(running('A', { PAUSED: 2 }))?.consumerGroupId, 'group_A');
    assert.equal(cache.description(running('A', { RUNNING: 2 }, 'CREATE OR REPLACE STREAM A AS SELECT ID FROM SRC EMIT CHANGES;')), null);
    assert.equal(cache.description(running('Z', { RUNNING: 1 })), null);
  });
});
