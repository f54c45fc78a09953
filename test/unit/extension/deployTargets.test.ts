import assert from 'node:assert/strict';
import { deployableAt, deployables, deployConnections } from '../../../extension/deploy/deployTargets';
import { ResourceStore } from '../../../extension/state/resourceStore';
import { KINDS, makeConnection, NOW } from './fixtures';

const FILE = [
  '-- the job: orders in, totals out',
  "CREATE TABLE orders (id INT) WITH ('connector' = 'kafka', 'topic' = 'orders');",
  "CREATE TABLE totals (n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'totals');",
  'INSERT INTO totals SELECT COUNT(*) FROM orders;',
  '',
  'CREATE STREAM BIG AS SELECT * FROM ORDERS WHERE AMOUNT > 10;',
].join('\n');

describe('what a .sql file offers each deploying connection', () => {
  it('a statement connection gets each CREATE ... AS SELECT on its own, at its own offsets', () => {
    const found = deployables(FILE, 'statement');
    assert.deepEqual(
      found.map((d) => [d.writes, d.text]),
      [['STREAM BIG', 'CREATE STREAM BIG AS SELECT * FROM ORDERS WHERE AMOUNT > 10;']],
    );
    assert.equal(FILE.slice(found[0].start, found[0].end), found[0].text);
    assert.deepEqual(found[0].anchor, { start: found[0].start, end: found[0].end });
  });

  it('a script connection gets the whole file, anchored at its INSERT INTO, so problems count from the first line', () => {
    const [script, ...more] = deployables(FILE, 'script');
    assert.equal(more.length, 0);
    assert.deepEqual([script.text, script.start, script.end, script.writes], [FILE, 0, FILE.length, 'INSERT INTO totals']);
    assert.equal(FILE.slice(script.anchor.start, script.anchor.end), 'INSERT INTO totals SELECT COUNT(*) FROM orders;');
  });

  it('the cursor picks the statement it is in; a script is the file wherever the cursor is', () => {
    const inCreate = FILE.indexOf('AMOUNT');
    const inComment = 5;
    assert.equal(deployableAt(FILE, inCreate, 'statement')?.writes, 'STREAM BIG');
    assert.equal(deployableAt(FILE, inComment, 'statement'), undefined);
    assert.equal(deployableAt(FILE, inComment, 'script')?.text, FILE);
    assert.equal(deployableAt('SELECT 1;', 0, 'script'), undefined, 'no INSERT, nothing to run as a job');
  });

  it('only connections whose status says they deploy are offered, with what they take', () => {
    const store = new ResourceStore();
    store.apply({
      type: 'snapshot',
      snapshot: {
        agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS,
        connections: [makeConnection('queue'), makeConnection('ksql', { kind: 'ksqldb', deploys: 'statement' }), makeConnection('flink', { kind: 'flink', deploys: 'script' })],
        resources: [],
        configError: null,
      },
    });
    assert.deepEqual(deployConnections(store), [
      { name: 'ksql', unit: 'statement' },
      { name: 'flink', unit: 'script' },
    ]);
  });
});
