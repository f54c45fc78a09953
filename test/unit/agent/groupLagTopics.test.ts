import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { ConsumerGroupLag } from '../../../agent/kafka/groupLag';

/**
 * Which topics stand behind a consumer group, from the admin answers kafkajs gives (a stand-in
 * admin: these are the calls the reader makes, answered as a broker would). Every group here is
 * caught up, so no record is fetched.
 */
function readerOver(topics: string[], committed: Record<string, Array<[string, number]>>): ConsumerGroupLag {
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => topics,
    fetchOffsets: async ({ groupId }: { groupId: string }) =>
      (committed[groupId] ?? []).map(([topic, offset]) => ({ topic, partitions: [{ partition: 0, offset: String(offset), metadata: null }] })),
    fetchTopicOffsets: async () => [{ partition: 0, offset: '5', high: '5', low: '0' }],
    describeConfigs: async ({ resources }: { resources: Array<{ name: string }> }) => ({ resources: resources.map((r) => ({ resourceName: r.name, configEntries: [] })) }),
  };
  return new ConsumerGroupLag({ admin: () => admin } as unknown as Kafka, pino({ level: 'silent' }));
}

describe('agent/kafka: the topics behind a consumer group', () => {
  const topics = ['__consumer_offsets', '__transaction_state', 'orders-eu', 'orders-us', 'payments', 'retired'];

  it('a pattern subscription reads the existing topics it matches, leaving Kafka internal topics out', async () => {
    const lag = await readerOver(topics, {}).read([{ groupId: 'connect-all', topics: [], pattern: /^(?:.*)$/ }, { groupId: 'connect-orders', topics: [], pattern: /^(?:orders-.*)$/ }]);
    assert.deepEqual(lag.get('connect-all')?.topics, ['orders-eu', 'orders-us', 'payments', 'retired']);
    assert.deepEqual(lag.get('connect-orders')?.topics, ['orders-eu', 'orders-us']);
    assert.deepEqual(
      lag.get('connect-orders')?.partitions.map((p) => [p.topic, p.committed, p.lag]),
      [
        ['orders-eu', null, null],
        ['orders-us', null, null],
      ],
      'matched before anything is committed: listed, with no lag claimed',
    );
    assert.equal(lag.get('connect-orders')?.lag, null);
  });

  it('adds the topics the group has committed on to those named or matched', async () => {
    const reader = readerOver(topics, { 'connect-orders': [['orders-eu', 5], ['retired', 5]], 'connect-named': [['payments', 5]] });
    const lag = await reader.read([{ groupId: 'connect-orders', topics: [], pattern: /^(?:orders-.*)$/ }, { groupId: 'connect-named', topics: ['orders-us'] }, { groupId: 'connect-none', topics: [], pattern: null }]);
    assert.deepEqual(lag.get('connect-orders')?.topics, ['orders-eu', 'orders-us', 'retired']);
    assert.deepEqual(lag.get('connect-orders')?.positions, { 'orders-eu:0': 5, 'retired:0': 5 });
    assert.equal(lag.get('connect-orders')?.lag, 0);
    assert.deepEqual(lag.get('connect-named')?.topics, ['orders-us', 'payments'], 'no pattern: named and committed only');
    assert.deepEqual(lag.get('connect-none')?.topics, []);
  });
});
