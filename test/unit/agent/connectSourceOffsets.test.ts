import assert from 'node:assert/strict';
import { SourceOffsetsWatch, type SourceOffset } from '../../../agent/backends/connect/sourceOffsets';

/** Offsets as FileStreamSource reports them on GET /connectors/{name}/offsets. */
const file = (filename: string, position: number): SourceOffset => ({ partition: { filename }, offset: { position } });
const t0 = Date.parse('2026-01-29T12:00:00.000Z');

describe('agent/backends/connect: proof of pause for a source connector (its source offsets)', () => {
  it('says unchanged since the pause was first seen while the offsets stand still, never confirmed', () => {
    const watch = new SourceOffsetsWatch();
    const unchanged = { status: 'unproven', since: '2026-01-29T12:00:00.000Z', detail: 'source offsets unchanged since 2026-01-29T12:00:00Z; a source shows no pending work to prove it with' };
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 120)], t0), unchanged);
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 120)], t0 + 5000), unchanged, 'the watch keeps the first sighting as its start');
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 120)], t0 + 60_000), unchanged);
  });

  it('reports offsets that moved while held, then watches again from there', () => {
    const watch = new SourceOffsetsWatch();
    watch.observe('c/src', true, [file('/in.txt', 120)], t0);
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 180)], t0 + 2000), {
      status: 'progressing',
      since: '2026-01-29T12:00:02.000Z',
      detail: 'source offsets moved after the pause was seen',
    });
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 180)], t0 + 4000), {
      status: 'unproven',
      since: '2026-01-29T12:00:02.000Z',
      detail: 'source offsets unchanged since 2026-01-29T12:00:02Z; a source shows no pending work to prove it with',
    });
    // A partition seen for the first time is progress too.
    assert.equal(watch.observe('c/src', true, [file('/in.txt', 180), file('/other.txt', 0)], t0 + 6000)?.status, 'progressing');
  });

  it('does not take a different listing order of the same offsets for progress', () => {
    const watch = new SourceOffsetsWatch();
    watch.observe('c/src', true, [file('/a.txt', 1), file('/b.txt', 2), { partition: { db: 'x', table: 't' }, offset: { lsn: 7, txId: 3 } }], t0);
    const reordered = watch.observe('c/src', true, [{ partition: { table: 't', db: 'x' }, offset: { txId: 3, lsn: 7 } }, file('/b.txt', 2), file('/a.txt', 1)], t0 + 1000);
    assert.equal(reordered?.status, 'unproven', reordered?.detail);
    assert.equal(reordered?.since, '2026-01-29T12:00:00.000Z');
    assert.equal(watch.observe('c/src', true, [file('/a.txt', 1), file('/b.txt', 3), { partition: { db: 'x', table: 't' }, offset: { lsn: 7, txId: 3 } }], t0 + 2000)?.status, 'progressing');
  });

  it('claims nothing when not held or when the offsets cannot be read, and starts afresh after a resume', () => {
    const watch = new SourceOffsetsWatch();
    assert.equal(watch.observe('c/src', false, [file('/in.txt', 120)], t0), null);
    assert.equal(watch.observe('c/src', true, null, t0), null, 'older Connect or a rebalance: no offsets, no claim');
    watch.observe('c/src', true, [file('/in.txt', 120)], t0 + 1000);
    assert.equal(watch.observe('c/src', false, [file('/in.txt', 500)], t0 + 2000), null, 'resumed');
    assert.deepEqual(watch.observe('c/src', true, [file('/in.txt', 500)], t0 + 3000)?.status, 'unproven', 'a new pause is watched from its own start, not compared with the old one');
    assert.equal(watch.observe('c/src', true, [file('/in.txt', 500)], t0 + 4000)?.since, '2026-01-29T12:00:03.000Z');
  });

  it('forgets connectors no longer listed', () => {
    const watch = new SourceOffsetsWatch();
    watch.observe('c/a', true, [file('/a.txt', 1)], t0);
    watch.observe('c/b', true, [file('/b.txt', 1)], t0);
    watch.retain(['c/b']);
    assert.equal(watch.observe('c/a', true, [file('/a.txt', 9)], t0 + 1000)?.status, 'unproven', 'a dropped watch starts again instead of comparing with stale offsets');
    assert.equal(watch.observe('c/b', true, [file('/b.txt', 9)], t0 + 1000)?.status, 'progressing');
  });
});
