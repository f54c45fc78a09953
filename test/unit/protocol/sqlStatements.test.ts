import assert from 'node:assert/strict';
import { asCreateOrReplace, deployTarget, insertTarget, splitSqlStatements } from '../../../protocol/sqlStatements';

describe('ksqlDB statement text', () => {
  it('splits on semicolons outside strings, identifiers and comments, with each statement\'s offsets', () => {
    const text = [
      '-- totals; by region',
      "CREATE STREAM A AS SELECT * FROM B WHERE NOTE = 'it''s; here';",
      '/* one; */ CREATE TABLE `T;x` AS SELECT R, COUNT(*) FROM A GROUP BY R; -- trailing; note',
      'SHOW QUERIES',
    ].join('\n');
    const statements = splitSqlStatements(text);
    assert.deepEqual(
      statements.map((s) => s.text),
      ["CREATE STREAM A AS SELECT * FROM B WHERE NOTE = 'it''s; here';", 'CREATE TABLE `T;x` AS SELECT R, COUNT(*) FROM A GROUP BY R;', 'SHOW QUERIES'],
    );
    for (const s of statements) assert.equal(text.slice(s.start, s.end), s.text);
  });

  it('gives nothing for text that is only comments and blanks, and ends an unterminated comment at the end', () => {
    assert.deepEqual(splitSqlStatements('  -- nothing; here\n/* nor; here */ \n'), []);
    assert.deepEqual(
      splitSqlStatements('SELECT 1; /* open').map((s) => s.text),
      ['SELECT 1;'],
    );
  });

  it('names the target of CREATE [OR REPLACE] STREAM|TABLE ... AS SELECT as ksqlDB does, and nothing else', () => {
    assert.deepEqual(deployTarget('create stream big_orders with (kafka_topic=\'x\') as\n  select * from orders;'), { what: 'STREAM', name: 'BIG_ORDERS', orReplace: false, afterCreate: 6 });
    assert.deepEqual(deployTarget('CREATE OR REPLACE TABLE `Totals` AS SELECT R, COUNT(*) FROM A GROUP BY R;'), { what: 'TABLE', name: 'Totals', orReplace: true, afterCreate: 6 });
    assert.equal(deployTarget("CREATE STREAM S (ID INT) WITH (KAFKA_TOPIC='as select');"), null, 'AS SELECT inside a string does not count');
    assert.equal(deployTarget('CREATE STREAM S (ID INT) -- as select\n WITH (KAFKA_TOPIC=\'t\');'), null, 'nor inside a comment');
    assert.equal(deployTarget('DROP STREAM S;'), null);
    assert.equal(deployTarget('INSERT INTO S SELECT * FROM T;'), null);
  });

  it('turns a CREATE into CREATE OR REPLACE, once', () => {
    assert.equal(asCreateOrReplace('CREATE STREAM A AS SELECT * FROM B;'), 'CREATE OR REPLACE STREAM A AS SELECT * FROM B;');
    assert.equal(asCreateOrReplace('create or replace stream A as select * from B;'), 'create or replace stream A as select * from B;');
  });

  it('names the table an INSERT writes and where its query starts, outside comments and strings', () => {
    const statement = "  INSERT INTO `cat`.db.totals /* into x */ SELECT 'INSERT INTO y' FROM orders";
    const target = insertTarget(statement);
    assert.equal(target?.table, '`cat`.db.totals');
    assert.equal(statement.slice(target!.queryAt).trimStart().slice(0, 6), '/* int');
    assert.equal(insertTarget('insert overwrite t select 1')?.table, 't');
    assert.equal(insertTarget("CREATE TABLE t (x INT) WITH ('connector' = 'kafka')"), null);
    assert.equal(insertTarget('-- INSERT INTO t\nSELECT 1'), null, 'not inside a comment');
  });
});
