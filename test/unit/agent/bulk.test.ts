import assert from 'node:assert/strict';
import { BULK_CONCURRENCY, runBulk, type BulkItem } from '../../../agent/core/bulk';

/** An item that finishes only when the test says so, recording how many ran at once per connection. */
function gatedItems(connections: string[], perConnection: number) {
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const gates: Array<() => void> = [];
  const items: BulkItem[] = connections.flatMap((connection) =>
    Array.from({ length: perConnection }, (_, i) => ({
      id: `${connection}/q${i}`,
      connection,
      run: async () => {
        running.set(connection, (running.get(connection) ?? 0) + 1);
        peak.set(connection, Math.max(peak.get(connection) ?? 0, running.get(connection)!));
        await new Promise<void>((resolve) => gates.push(resolve));
        running.set(connection, running.get(connection)! - 1);
        if (i % 5 === 0) throw new Error(`q${i} refused`);
      },
    })),
  );
  return { items, peak, gates };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('agent/core/bulk: per-item operations of pause-all and groups', () => {
  it('runs at most BULK_CONCURRENCY items per connection at once, connections side by side', async () => {
    const { items, peak, gates } = gatedItems(['a', 'b'], 30);
    const results = runBulk(items);
    await settle();
    assert.equal(gates.length, 2 * BULK_CONCURRENCY, 'each connection has its own bound');
    while (gates.length) {
      gates.shift()!();
      await settle();
    }
    assert.equal((await results).length, 60);
    assert.deepEqual([peak.get('a'), peak.get('b')], [BULK_CONCURRENCY, BULK_CONCURRENCY]);
  });

  it('makes one failure one failed result, carries on with the rest, keeps item order, and reports each item done', async () => {
    const { items, gates } = gatedItems(['a'], 12);
    const progress: Array<{ done: number; total: number; failed: number }> = [];
    const pending = runBulk(items, (counts) => progress.push(counts));
    for (;;) {
      await settle();
      if (!gates.length) break;
      gates.pop()!(); // out of order on purpose
    }
    const results = await pending;
    assert.deepEqual(results.map((r) => r.id), items.map((i) => i.id));
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => [r.id, r.error]), [['a/q0', 'q0 refused'], ['a/q5', 'q5 refused'], ['a/q10', 'q10 refused']]);
    assert.deepEqual(progress.map((p) => p.done), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.deepEqual(progress.at(-1), { done: 12, total: 12, failed: 3 });
  });
});
