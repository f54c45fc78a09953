import assert from 'node:assert/strict';
import { formatPeek } from '../../../format/peekText';
import type { PeekRecord } from '../../../protocol/peek';

const record = (overrides: Partial<PeekRecord>): PeekRecord => ({
  partition: 0,
  offset: 0,
  timestamp: '2026-11-23T10:00:00.000Z',
  key: null,
  value: '{}',
  binary: false,
  truncated: false,
  headers: 0,
  ...overrides,
});

describe('formatPeek', () => {
  it('prints one line per record, newest last, with a header per topic and what was cut or encoded', () => {
    const text = formatPeek({
      id: 'ksql/Q1',
      limit: 2,
      readAt: '2026-11-23T10:00:05.000Z',
      topics: [
        {
          topic: 'big',
          partitions: [
            { partition: 0, start: 0, end: 7 },
            { partition: 1, start: 2, end: 4 },
          ],
          records: [
            record({ offset: 6, key: 'a', value: '{"n":1}\n{"n":2}', headers: 1 }),
            record({ partition: 1, offset: 3, timestamp: '2026-11-23T10:00:01.000Z', value: 'AAEC', binary: true, truncated: true }),
          ],
        },
        { topic: 'empty', partitions: [{ partition: 0, start: 0, end: 0 }], records: [] },
      ],
    });
    assert.equal(
      text,
      [
        '# ksql/Q1 · latest 2 records per output topic · read 2026-11-23T10:00:05.000Z',
        '# read without a consumer group: nothing joined, nothing committed',
        '',
        '# topic big · offsets p0 0..7, p1 2..4 · 2 shown',
        '2026-11-23T10:00:00.000Z p0@6 key=a {"n":1}\\n{"n":2}  (1 header)',
        '2026-11-23T10:00:01.000Z p1@3 key=null AAEC  (binary, base64, cut)',
        '',
        '# topic empty · offsets p0 0..0 · 0 shown',
        '(no records yet)',
        '',
      ].join('\n'),
    );
  });

  it('marks tombstones', () => {
    const text = formatPeek({ id: 'c/src', limit: 1, readAt: '2026-11-23T10:00:05.000Z', topics: [{ topic: 't', partitions: [], records: [record({ value: null })] }] });
    assert.match(text, /key=null \(tombstone\)\n$/);
  });
});
