import assert from 'node:assert/strict';
import { layeredLayout, NODE_HEIGHT, NODE_WIDTH } from '../../../extension/lineage/layout';

const placed = (layout: ReturnType<typeof layeredLayout>) => Object.fromEntries([...layout.nodes.values()].map((n) => [n.id, [n.layer, n.row]]));

describe('lineage layout', () => {
  it('puts each node one layer right of its furthest feeder, so every edge points right', () => {
    // in -> Q1 -> mid -> Q2 -> out, and a shortcut in -> Q2 that must not pull Q2 left.
    const edges = [
      { from: 'in', to: 'Q1' },
      { from: 'Q1', to: 'mid' },
      { from: 'mid', to: 'Q2' },
      { from: 'in', to: 'Q2' },
      { from: 'Q2', to: 'out' },
    ];
    const layout = layeredLayout(['Q2', 'out', 'in', 'mid', 'Q1'], edges);
    assert.deepEqual(placed(layout), { in: [0, 0], Q1: [1, 0], mid: [2, 0], Q2: [3, 0], out: [4, 0] });
    for (const { from, to } of edges) assert.ok(layout.nodes.get(from)!.x + NODE_WIDTH < layout.nodes.get(to)!.x, `${from} left of ${to}`);
    assert.equal(layout.width, layout.nodes.get('out')!.x + NODE_WIDTH + 20);
  });

  it('orders a layer by its feeders and centres short layers against the tallest', () => {
    // a feeds b, z feeds y: y must sit below b even though "b" < "y" only by accident of names.
    const layout = layeredLayout(['z', 'a', 'y', 'b', 'sink'], [
      { from: 'z', to: 'y' },
      { from: 'a', to: 'b' },
      { from: 'b', to: 'sink' },
      { from: 'y', to: 'sink' },
    ]);
    assert.deepEqual(placed(layout), { a: [0, 0], z: [0, 1], b: [1, 0], y: [1, 1], sink: [2, 0] });
    const sink = layout.nodes.get('sink')!;
    const [top, bottom] = [layout.nodes.get('b')!, layout.nodes.get('y')!];
    assert.equal(sink.y + NODE_HEIGHT / 2, (top.y + bottom.y + NODE_HEIGHT) / 2, 'the single sink is centred between its two feeders');
    assert.equal(layout.height, bottom.y + NODE_HEIGHT + 20);
  });

  it('stays bounded on a cycle and ignores edges to nodes it was not given', () => {
    const layout = layeredLayout(['A', 'B'], [
      { from: 'A', to: 'B' },
      { from: 'B', to: 'A' },
      { from: 'A', to: 'elsewhere' },
    ]);
    assert.deepEqual(new Set([...layout.nodes.values()].map((n) => n.layer)), new Set([1]), 'both capped at layer n-1');
    assert.equal(layout.nodes.size, 2);
  });

  it('lays out nothing as an empty margin', () => {
    const layout = layeredLayout([], []);
    assert.deepEqual([layout.nodes.size, layout.width, layout.height], [0, 40, 40]);
  });
});
