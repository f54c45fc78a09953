import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { AgentClient } from '../../client/agentClient';
import { API_PREFIX } from '../../protocol/messages';
import { ApiErrorBody, PauseError } from '../../protocol/errors';
import { freePort } from '../../sandbox/process';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { services } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';
import { createQueueBucket } from '../../sandbox/s3Server';

/**
 * The agent's connection test (POST /connections/test), as the editor's Add Connection uses it,
 * against the sandbox's real S3 server: a candidate is listed once by its own adapter and never
 * touches the connections file or the connections the agent runs.
 */
describe('agent: testing a connection before it is added (real S3 server)', function () {
  this.timeout(60_000);
  let home: TestHome;
  let agent: TestAgent;
  let client: AgentClient;
  let fileBefore: string;

  const queue = (overrides: object = {}) => ({ name: 'candidate', kind: 's3-queue', endpoint: services().s3.endpoint, profile: services().s3.profile, ...overrides });

  before(async () => {
    useAwsProfiles();
    home = await testHome([uniqueBucket('conntest-local')]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(async () => (await client.snapshot()).resources.length, (n) => n === 1, 10_000, 'first listing');
    fileBefore = readFileSync(home.paths.connections, 'utf8');
  });
  after(() => agent?.close());

  afterEach(async () => {
    assert.equal(readFileSync(home.paths.connections, 'utf8'), fileBefore, 'a test never writes the connections file');
    assert.deepEqual((await client.snapshot()).connections.map((c) => c.name), ['local'], 'nor changes the connections the agent runs');
  });

  it('lists the kinds it can add, each with its questions', async () => {
    const kinds = await client.connectionKinds();
    const s3 = kinds.find((k) => k.kind === 's3-queue');
    assert.deepEqual(s3?.fields.map((f) => f.path.join('.')), ['buckets', 'endpoint', 'region', 'profile']);
    assert.ok(kinds.some((k) => k.kind === 'kafka-connect'));
  });

  it('a bucket that exists: ok, with the number of queues it listed', async () => {
    const bucket = uniqueBucket('conntest');
    await createQueueBucket(services().s3, bucket);
    assert.deepEqual(await client.testConnection({ connection: queue({ buckets: [bucket] }) }), { ok: true, resources: 1, problems: [] });
  });

  it('a bucket that does not exist beside one that does: ok, and the missing one is named', async () => {
    const bucket = uniqueBucket('conntest');
    await createQueueBucket(services().s3, bucket);
    const missing = uniqueBucket('conntest-missing');
    const answer = await client.testConnection({ connection: queue({ buckets: [bucket, missing] }) });
    assert.equal(answer.resources, 2);
    assert.equal(answer.problems.length, 1);
    assert.match(answer.problems[0], new RegExp(`^${missing}: `));
  });

  it('an endpoint where nothing listens: refused as BackendUnavailable, in the API\'s error body, saying where it looked', async () => {
    const port = await freePort();
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${agent.port}${API_PREFIX}/connections/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection: queue({ buckets: ['some-bucket'], endpoint: `http://127.0.0.1:${port}` }) }),
    });
    assert.equal(response.status, 503);
    const body = ApiErrorBody.parse(await response.json());
    assert.equal(body.error.code, 'BackendUnavailable');
    assert.match(body.error.message, new RegExp(`cannot reach S3 at http://127\\.0\\.0\\.1:${port}`));
    assert.ok(Date.now() - started < 25_000, 'within the bound of a test');
  });

  it('a candidate the connections file would refuse: BadRequest naming the field, and nothing is listed', async () => {
    await assert.rejects(
      client.testConnection({ connection: queue({ buckets: ['Not_A_Bucket'] }) }),
      (error: PauseError) => error.code === 'BadRequest' && /connection\.buckets\.0: an S3 bucket name is/.test(error.message),
    );
    await assert.rejects(client.testConnection({ connection: { name: 'x', kind: 'no-such-kind' } }), (error: PauseError) => error.code === 'BadRequest');
  });
});
