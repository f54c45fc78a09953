import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnections } from '../../../agent/config/connectionsFile';
import { connectionNamesIn, withConnection } from '../../../extension/config/connectionsEdit';
import { appendConnection, connectionsTemplate, emptyConnectionsFile, SCHEMA_COPY_NAME } from '../../../extension/config/connectionsFile';

const FILES = { empty: emptyConnectionsFile(), example: connectionsTemplate() };
const queue = { name: 'orders', kind: 's3-queue', buckets: ['orders-queue'], endpoint: 'http://127.0.0.1:9000' };

describe('extension/config/connectionsEdit: appending a connection keeps the rest of the file', () => {
  it('appends after the existing connections and leaves them, their order and their text as they were', () => {
    const text = '{\n    "$schema": "./connections.schema.json",\n    "connections": [\n        { "name": "a", "kind": "s3-queue", "buckets": ["aaa"] },\n        {"name":"b","kind":"ksqldb","servers":["http://127.0.0.1:8088"]}\n    ]\n}\n';
    const edited = withConnection(text, queue, FILES);
    assert.ok(edited.startsWith('{\n    "$schema": "./connections.schema.json",\n    "connections": [\n        { "name": "a", "kind": "s3-queue", "buckets": ["aaa"] },\n        {"name":"b","kind":"ksqldb","servers":["http://127.0.0.1:8088"]},'), edited);
    assert.ok(edited.endsWith('\n    ]\n}\n'), 'the end of the file, its final newline too');
    assert.match(edited, /^ {12}"name": "orders",$/m, 'the new entry indented as the file is (4 spaces)');
    assert.deepEqual(parseConnections(edited, 'edited').connections.map((c) => c.name), ['a', 'b', 'orders']);
    assert.deepEqual(JSON.parse(edited).connections[2], queue);
  });

  it('keeps tabs and CRLF line ends', () => {
    const text = '{\r\n\t"connections": [\r\n\t\t{"name": "a", "kind": "s3-queue", "buckets": ["aaa"]}\r\n\t]\r\n}\r\n';
    const edited = withConnection(text, queue, FILES);
    assert.ok(!/[^\r]\n/.test(edited), 'no bare \\n');
    assert.match(edited, /^\t\t\t"name": "orders",\r$/m);
    assert.deepEqual(connectionNamesIn(edited), ['a', 'orders']);
  });

  it('adds the list to a file that has none, and fills an empty one', () => {
    assert.deepEqual(JSON.parse(withConnection('{ "$schema": "./connections.schema.json" }', queue, FILES)), { $schema: './connections.schema.json', connections: [queue] });
    assert.deepEqual(JSON.parse(withConnection('{"connections": []}', queue, FILES)).connections, [queue]);
  });

  it('starts a new file when there is none, and replaces the untouched example (it points nowhere real)', () => {
    for (const text of [null, connectionsTemplate()]) {
      const edited = withConnection(text, queue, FILES);
      assert.deepEqual(JSON.parse(edited), { $schema: `./${SCHEMA_COPY_NAME}`, connections: [queue] });
      parseConnections(edited, 'new');
    }
    const edited = withConnection(connectionsTemplate().replace('my-queue-bucket', 'real-bucket'), queue, FILES);
    assert.deepEqual(connectionNamesIn(edited), ['example-queue', 'orders'], 'an edited example is the user\'s');
  });

  it('refuses a file it cannot edit safely, and a name the file already has, saying what to do', () => {
    assert.throws(() => withConnection('{"connections": [', queue, FILES), /not a JSON object; open it \(Open Connections File\), fix it/);
    assert.throws(() => withConnection('[]', queue, FILES), /not a JSON object/);
    assert.throws(() => withConnection('{"connections": {}}', queue, FILES), /"connections" in the connections file is not a list/);
    assert.throws(() => withConnection('{"connections": [{"name": "orders"}]}', queue, FILES), /already has a connection named "orders"; choose another name/);
  });

  it('reads the names of the connections, as far as the file parses', () => {
    assert.deepEqual(connectionNamesIn('{"connections": [{"name": "a"}, {"kind": "x"}, {"name": "b"}]}'), ['a', 'b']);
    assert.deepEqual(connectionNamesIn('{"connections": [{"name": "a"}, {"na'), ['a'], 'a half-written file still names what it can');
    assert.deepEqual(connectionNamesIn(null), []);
  });
});

describe('extension/config/connectionsFile: appendConnection', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-pause-append-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the file (0600) with the schema copy beside it, and appends to it the next time', async () => {
    const file = join(dir, 'home', 'connections.json');
    const schema = join(dir, 'shipped.schema.json');
    await writeFile(schema, '{"title":"shipped"}');
    await appendConnection(file, schema, queue);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await readFile(join(dir, 'home', SCHEMA_COPY_NAME), 'utf8'), '{"title":"shipped"}');
    await appendConnection(file, schema, { ...queue, name: 'billing' });
    assert.deepEqual(connectionNamesIn(await readFile(file, 'utf8')), ['orders', 'billing']);
    await assert.rejects(appendConnection(file, schema, queue), /already has a connection named "orders"/);
    assert.deepEqual(connectionNamesIn(await readFile(file, 'utf8')), ['orders', 'billing'], 'a refused append leaves the file');
  });
});
