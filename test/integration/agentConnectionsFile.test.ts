import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AgentClient } from '../../client/agentClient';
import { GLOBAL_PAUSE_KEY } from '../../buquet/layout';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { eventually } from '../support/waitFor';
import { readKey } from '../support/bucket';
import { freePort } from '../../sandbox/process';
import { services } from '../support/sandboxFixture';
import { testHome, uniqueBucket, useAwsProfiles, WRONG_PROFILE, type TestHome } from '../support/testEnv';

/** What the agent does with its connections while the connections file changes under it (real S3 server). */
describe('agent: the connections file changing while it runs', function () {
  this.timeout(60_000);
  let bucket: string;
  let home: TestHome;
  let agent: TestAgent;
  let client: AgentClient;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('conns');
    home = await testHome([bucket]);
    agent = await startTestAgent(home.paths);
    client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    await eventually(async () => (await client.snapshot()).resources.length, (n) => n === 1, 10_000, 'first listing');
  });
  afterEach(() => agent.close());

  const connectionNames = async () => (await client.snapshot()).connections.map((c) => c.name);

  it('keeps the last good connections when the file goes missing, and says so', async () => {
    rmSync(home.paths.connections);
    const error = await eventually(async () => (await client.snapshot()).configError, (e) => e !== null, 10_000, 'the config error');
    assert.match(error ?? '', /connections file .* is missing; keeping the 1 connection\(s\) it last listed/);
    assert.deepEqual(await connectionNames(), ['local']);
    await client.pause(`local/${bucket}`, { reason: 'still works' });
    assert.equal(JSON.parse((await readKey(bucket, GLOBAL_PAUSE_KEY)) ?? '{}').reason, 'still works');
  });

  it('an auto-resume due while its connection was out of the file runs once the connection is back', async () => {
    const original = readFileSync(home.paths.connections, 'utf8');
    await client.pause(`local/${bucket}`, { resumeAfter: '2s' });
    writeFileSync(home.paths.connections, JSON.stringify({ connections: [] }));
    await eventually(connectionNames, (names) => names.length === 0, 10_000, 'the connection removed');
    // Past its resume time while the connection is gone: nothing can resume it now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.notEqual(await readKey(bucket, GLOBAL_PAUSE_KEY), null, 'still paused: no connection to resume it through');
    writeFileSync(home.paths.connections, original);
    await eventually(() => readKey(bucket, GLOBAL_PAUSE_KEY), (body) => body === null, 15_000, 'the overdue auto-resume');
    // The object goes first; the agent journals and logs it just after.
    await eventually(async () => agent.logs.some((l) => l.msg === 'auto-resumed'), (logged) => logged, 5000, 'the auto-resume logged');
  });
});

describe('agent: a connection in trouble says which trouble (real S3 server)', function () {
  this.timeout(60_000);
  let agent: TestAgent;

  before(() => useAwsProfiles());
  afterEach(() => agent.close());

  it('a server that answers with an error is failing, not unreachable; one that is down is unreachable', async () => {
    const bucket = uniqueBucket('trouble');
    const home = await testHome([bucket]);
    const downPort = await freePort();
    home.writeConnections([
      { name: 'wrong-keys', kind: 's3-queue', endpoint: services().s3.endpoint, profile: WRONG_PROFILE, buckets: [bucket], pollIntervalSeconds: 0.2 },
      { name: 'down', kind: 's3-queue', endpoint: `http://127.0.0.1:${downPort}`, profile: services().s3.profile, buckets: [bucket], pollIntervalSeconds: 0.2 },
    ]);
    agent = await startTestAgent(home.paths);
    const client = new AgentClient(`http://127.0.0.1:${agent.port}`, agent.token);
    const connections = await eventually(
      async () => (await client.snapshot()).connections,
      (list) => list.length === 2 && list.every((c) => c.status !== 'connecting'),
      10_000,
      'both connections checked',
    );
    const byName = Object.fromEntries(connections.map((c) => [c.name, c]));
    assert.equal(byName['wrong-keys'].status, 'failing');
    assert.match(byName['wrong-keys'].error ?? '', /refused the credentials \(InvalidAccessKeyId/);
    assert.equal(byName.down.status, 'unreachable');
    assert.match(byName.down.error ?? '', /cannot reach S3/);
  });
});
