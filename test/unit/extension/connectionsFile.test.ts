import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnections } from '../../../agent/config/connectionsFile';
import { connectionsTemplate, prepareConnectionsFile, SCHEMA_COPY_NAME } from '../../../extension/config/connectionsFile';

describe('extension/config/connectionsFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-pause-conn-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the template is a connections file the agent accepts, with a $schema that resolves beside it', () => {
    const text = connectionsTemplate();
    const parsed = parseConnections(text, 'template');
    assert.equal(parsed.connections.length, 1);
    assert.equal(JSON.parse(text).$schema, `./${SCHEMA_COPY_NAME}`);
  });

  it('creates the file once, never overwrites it, and refreshes the schema copy', async () => {
    const file = join(dir, 'home', 'connections.json');
    const schema = join(dir, 'shipped.schema.json');
    await writeFile(schema, '{"title":"v1"}');
    await prepareConnectionsFile(file, schema);
    assert.equal(await readFile(file, 'utf8'), connectionsTemplate());
    assert.equal(await readFile(join(dir, 'home', SCHEMA_COPY_NAME), 'utf8'), '{"title":"v1"}');

    await writeFile(file, '{"connections":[]}');
    await writeFile(schema, '{"title":"v2"}');
    await prepareConnectionsFile(file, schema);
    assert.equal(await readFile(file, 'utf8'), '{"connections":[]}', 'the user\'s file is kept');
    assert.equal(await readFile(join(dir, 'home', SCHEMA_COPY_NAME), 'utf8'), '{"title":"v2"}', 'the schema follows the extension');
  });

  it('the template uses only fields the shipped schema describes, and all it requires', async () => {
    const schema = JSON.parse(await readFile(join(__dirname, '..', '..', '..', 'schemas', 'connections.schema.json'), 'utf8'));
    const example = JSON.parse(connectionsTemplate()).connections[0];
    const variants: Array<{ properties: Record<string, { const?: string }>; required?: string[] }> = schema.properties.connections.items.oneOf ?? schema.properties.connections.items.anyOf;
    const s3 = variants.find((v) => v.properties.kind?.const === 's3-queue');
    assert.ok(s3, 'the schema has an s3-queue connection');
    for (const key of Object.keys(example)) assert.ok(key in s3.properties, `the schema describes "${key}"`);
    for (const key of s3.required ?? []) assert.ok(key in example, `the template has required "${key}"`);
  });
});
