import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { startTestAgent, upgradeStatus, type TestAgent } from '../support/agentHarness';
import { testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

/** Raw HTTP, so the Host header can be set freely (fetch will not). */
function get(agent: TestAgent, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent: token, origin and host checks', function () {
  this.timeout(30_000);
  let agent: TestAgent;
  let home: TestHome;

  before(async () => {
    useAwsProfiles();
    home = await testHome([uniqueBucket('sec')]);
    agent = await startTestAgent(home.paths);
  });
  after(() => agent.close());

  it('keeps its token in a file only the user can read', () => {
    assert.equal(statSync(home.paths.token).mode & 0o777, 0o600);
    assert.equal(readFileSync(home.paths.token, 'utf8').trim(), agent.token);
    assert.equal(agent.token.length, 64);
  });

  it('answers 401 to HTTP without the token or with a wrong one', async () => {
    for (const path of ['/api/v1/health', '/api/v1/snapshot', '/metrics']) {
      assert.equal((await get(agent, path, {})).status, 401, path);
      assert.equal((await get(agent, path, { authorization: 'Bearer nope' })).status, 401, path);
    }
    const ok = await get(agent, '/api/v1/health', { authorization: `Bearer ${agent.token}` });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).ok, true);
  });

  it('answers 403 to a foreign Origin or Host even with the token', async () => {
    const auth = { authorization: `Bearer ${agent.token}` };
    const origin = await get(agent, '/api/v1/snapshot', { ...auth, origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    assert.match(JSON.parse(origin.body).error.message, /cross-origin requests are refused/);
    assert.equal((await get(agent, '/api/v1/snapshot', { ...auth, host: 'evil.example' })).status, 403);
  });

  it('refuses websocket upgrades the same way', async () => {
    assert.equal(await upgradeStatus(agent, {}), 401);
    assert.equal(await upgradeStatus(agent, { authorization: 'Bearer nope' }), 401);
    assert.equal(await upgradeStatus(agent, { authorization: `Bearer ${agent.token}`, origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(agent, { authorization: `Bearer ${agent.token}` }), 101);
  });

  it('answers bad JSON and invalid requests with a 400 that says what is wrong', async () => {
    const response = await fetch(agent.url('/api/v1/resources/local/x/pause'), {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: '{nope',
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { error: { code: 'BadRequest', message: 'request body is not valid JSON' } });
    const invalid = await fetch(agent.url('/api/v1/resources/local/x/pause'), {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resumeAfter: 'later', color: 'red' }),
    });
    assert.equal(invalid.status, 400);
    assert.match(((await invalid.json()) as { error: { message: string } }).error.message, /resumeAfter: cannot read duration "later"/);
  });
});
