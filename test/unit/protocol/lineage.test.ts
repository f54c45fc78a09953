import { strict as assert } from 'node:assert';
import { pipelineOf, upstreamOf } from '../../../protocol/lineage';
import { blankResource, type Resource } from '../../../protocol/resource';

const capabilities = { pause: true, resume: true, pauseAll: true, scheduledResume: true, scopedPause: false, stop: false };

function resource(id: string, lineage: Partial<Resource['lineage']>, pending: number | null = null): Resource {
  const [connection, name] = id.split('/');
  const made = blankResource(connection, name, 'ksqldb-query', capabilities);
  made.lineage = { upstream: [], downstream: [], inputs: [], outputs: [], ...lineage };
  made.backlog.pending = pending;
  return made;
}

// source connector -> orders -> Q1 -> mid -> Q2 -> totals; Q3 reads orders too; an unrelated query aside.
const pipeline = [
  resource('connect/orders-source', { outputs: ['kafka-topic:orders'] }),
  resource('ksql/Q1', { inputs: ['kafka-topic:orders'], outputs: ['kafka-topic:mid'], downstream: ['ksql/Q2'] }, 4),
  resource('ksql/Q2', { inputs: ['kafka-topic:mid'], outputs: ['kafka-topic:totals'], upstream: ['ksql/Q1'] }, 7),
  resource('ksql/Q3', { inputs: ['kafka-topic:orders'], outputs: ['kafka-topic:audit'] }),
  resource('ksql/OTHER', { inputs: ['kafka-topic:clicks'], outputs: ['kafka-topic:clicks2'] }),
];

describe('lineage across backends', () => {
  it('finds everything upstream, transitively and across connections, nearest first, and nothing beside it', () => {
    assert.deepEqual(upstreamOf(pipeline, 'ksql/Q2').map((r) => r.id), ['ksql/Q1', 'connect/orders-source']);
    assert.deepEqual(upstreamOf(pipeline, 'ksql/Q1').map((r) => r.id), ['connect/orders-source']);
    assert.deepEqual(upstreamOf(pipeline, 'connect/orders-source'), []);
  });

  it('links by id alone when no data set is named, and survives cycles', () => {
    const cyclic = [resource('k/A', { upstream: ['k/B'] }), resource('k/B', { upstream: ['k/A'] }), resource('k/C', { upstream: ['k/B'] })];
    assert.deepEqual(upstreamOf(cyclic, 'k/C').map((r) => r.id), ['k/B', 'k/A']);
  });

  it('draws the pipeline with its topics, the lag on each read, and leaves unrelated resources out', () => {
    const graph = pipelineOf(pipeline, 'ksql/Q2');
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['connect/orders-source', 'kafka-topic:audit', 'kafka-topic:mid', 'kafka-topic:orders', 'kafka-topic:totals', 'ksql/Q1', 'ksql/Q2', 'ksql/Q3']);
    assert.deepEqual(graph.edges.find((e) => e.from === 'kafka-topic:mid' && e.to === 'ksql/Q2'), { from: 'kafka-topic:mid', to: 'ksql/Q2', pending: 7 });
    assert.equal(graph.edges.filter((e) => e.from === 'ksql/Q1' && e.to === 'ksql/Q2').length, 0, 'a link through a topic is drawn once, through the topic');
    assert.deepEqual(pipelineOf(pipeline, 'nope/none'), { nodes: [], edges: [] });
  });
});
