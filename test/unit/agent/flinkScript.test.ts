import { strict as assert } from 'node:assert';
import { PauseError } from '../../../protocol/errors';
import { faultPosition, flinkErrorMessage } from '../../../agent/backends/flink/flinkErrors';
import { jobView, latestByName } from '../../../agent/backends/flink/jobView';
import type { JobRecord } from '../../../agent/backends/flink/jobStore';
import { parseScript } from '../../../agent/backends/flink/script';

const SCRIPT = `-- orders, upper-cased
CREATE TABLE orders (v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'orders;orders-eu',
  'properties.group.id' = 'upper-orders', 'format' = 'raw');
CREATE TEMPORARY TABLE IF NOT EXISTS \`cat\`.\`db\`.\`Upper\` (v STRING) WITH ('connector' = 'upsert-kafka', 'topic' = 'upper', 'format' = 'raw');
CREATE TABLE prices (v STRING) WITH ('connector' = 'filesystem', 'path' = '/tmp/x');
SET 'table.exec.source.idle-timeout' = '1s';
INSERT INTO \`cat\`.\`db\`.\`Upper\`
SELECT UPPER(v) FROM orders JOIN prices ON orders.v = prices.v WHERE v <> 'not_a_table';`;

describe('Flink SQL scripts', () => {
  it('reads the INSERT target, the Kafka topics it reads and writes and its consumer group; statements keep their place', () => {
    const script = parseScript(SCRIPT);
    assert.equal(script.target, 'Upper');
    assert.deepEqual(script.inputs, ['orders', 'orders-eu']);
    assert.deepEqual(script.outputs, ['upper']);
    assert.deepEqual(script.groupIds, ['upper-orders']);
    assert.deepEqual(script.statements.map((s) => [s.line, s.column]), [[2, 1], [5, 1], [6, 1], [7, 1], [8, 1]]);
    assert.ok(script.statements.every((s) => !s.text.endsWith(';')), 'the gateway takes statements without their semicolon');
  });

  it('refuses a script with no INSERT, two, one that is not last, or a statement set, naming where', () => {
    const refused = (text: string, pattern: RegExp) =>
      assert.throws(() => parseScript(text), (error: PauseError) => error.code === 'BadRequest' && pattern.test(error.message));
    refused('', /empty/);
    refused("CREATE TABLE t (v STRING) WITH ('connector' = 'kafka');", /exactly one INSERT INTO as its last statement \(this text has 0\)/);
    refused('INSERT INTO a SELECT 1;\nINSERT INTO b SELECT 1;', /this text has 2/);
    refused("INSERT INTO a SELECT 1;\nCREATE TABLE t (v STRING) WITH ('connector' = 'kafka');", /this text has 1/);
    refused('EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END;', /statement sets/);
  });

  it("takes the cause a user can act on out of Flink's error body, and its line and column", () => {
    const body = {
      errors: [
        'Internal server error.',
        '<Exception on server side:\norg.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\tat x\nCaused by: org.apache.flink.table.gateway.service.utils.SqlExecutionException: Failed to execute the operation 1.\nCaused by: org.apache.flink.table.api.ValidationException: SQL validation failed. From line 2, column 6 to line 2, column 8: Object \'t1x\' not found\nCaused by: org.apache.calcite.runtime.CalciteContextException: From line 2, column 6',
      ],
    };
    const message = flinkErrorMessage(body);
    assert.equal(message, "SQL validation failed. From line 2, column 6 to line 2, column 8: Object 't1x' not found");
    assert.deepEqual(faultPosition(message!), { line: 2, column: 6 });
    assert.equal(flinkErrorMessage({ errors: ['org.apache.flink.runtime.rest.NotFoundException: Job 00 not found\n\tat y'] }), 'Job 00 not found');
    const repeated = { errors: ["org.apache.flink.table.api.ValidationException: SQL validation failed. SQL validation failed. From line 2, column 60 to line 2, column 69: Object 'x' not found"] };
    assert.equal(flinkErrorMessage(repeated), "SQL validation failed. From line 2, column 60 to line 2, column 69: Object 'x' not found", 'a repeated first sentence once');
    assert.equal(flinkErrorMessage('not a body'), null);
  });

  it('shows a job as paused only while it holds our savepoint; a job of the same name started since runs', () => {
    const record: JobRecord = { format: 1, job: 'upper', script: '', jobId: 'a', stopping: null, savepoint: 'file:/sp/1', updatedAt: new Date().toISOString() };
    const job = (jid: string, state: string, start: number) => ({ jid, name: 'upper', state, 'start-time': start, 'end-time': -1 });
    assert.equal(jobView(job('a', 'FINISHED', 1), record).state, 'paused');
    assert.equal(jobView(undefined, record).state, 'paused', 'a job gone from the history is still paused');
    assert.equal(jobView(job('b', 'RUNNING', 2), record).state, 'running');
    assert.equal(jobView(job('a', 'FINISHED', 1), undefined).state, 'stopped');
    assert.equal(jobView(job('a', 'RUNNING', 1), { ...record, savepoint: null, stopping: { jobId: 'a', trigger: 't' } }).state, 'pausing');
    assert.equal(latestByName([job('a', 'FINISHED', 1), job('b', 'RUNNING', 2)]).get('upper')?.jid, 'b');
  });
});
