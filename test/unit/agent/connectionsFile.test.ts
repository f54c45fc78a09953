import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseConnections } from '../../../agent/config/connectionsFile';
import { renderConnectionsSchema, SCHEMA_PATH } from '../../../agent/config/writeJsonSchema';

describe('connections file', () => {
  it('accepts an S3 queue connection and fills defaults', () => {
    const file = parseConnections(JSON.stringify({ connections: [{ name: 'dev', kind: 's3-queue', buckets: ['my-queue'], profile: 'dev' }] }), 'c.json');
    assert.deepEqual(file.connections[0], { name: 'dev', kind: 's3-queue', buckets: ['my-queue'], profile: 'dev', pollIntervalSeconds: 1, requestTimeoutSeconds: 10, workerStaleSeconds: 30, workerForgetSeconds: 3600 });
  });

  it('names the file and the field for every problem', () => {
    assert.throws(() => parseConnections('{', 'c.json'), /^Error: connections file c.json is not valid JSON/);
    assert.throws(() => parseConnections('{"connections":[{"name":"a","kind":"s3-queue","buckets":["UPPER"]}]}', 'c.json'), /connections\.0\.buckets\.0: an S3 bucket name is/);
    // Not a bare "Invalid URL" thrown from the credentials check that follows the URL check.
    assert.throws(() => parseConnections('{"connections":[{"name":"a","kind":"kafka-connect","url":"nope"}]}', 'c.json'), /connections file c\.json is invalid: connections\.0\.url: Invalid URL/);
    assert.throws(() => parseConnections('{"connections":[{"name":"a","kind":"s3-queue","buckets":["ok-1"],"secretAccessKey":"x"}]}', 'c.json'), /Unrecognized key: "secretAccessKey"/);
    const twice = JSON.stringify({ connections: [{ name: 'a', kind: 's3-queue', buckets: ['q-1'] }, { name: 'a', kind: 's3-queue', buckets: ['q-2'] }] });
    assert.throws(() => parseConnections(twice, 'c.json'), /duplicate connection name "a"/);
  });

  it('publishes a JSON schema that matches the code', () => {
    assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderConnectionsSchema(), 'run `npm run schema` and commit the result');
  });
});
