import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../../protocol/messages';
import { PROJECT_ROOT } from '../../sandbox/paths';
import { freePort } from '../../sandbox/process';
import { readKey } from '../support/bucket';
import { queratorService, services, useSandboxServices } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';
import { waitFor } from '../support/waitFor';

/**
 * The real agent process, as the CLI and the extension start it, on the sandbox S3: how often it
 * lists for watching and non-watching clients (counted in its own metrics), and when an agent
 * started with --exit-when-idle leaves.
 */
useSandboxServices('querator');

describe('agent process: interest-driven polling and the idle exit (real S3 server)', function () {
  this.timeout(90_000);
  let home: TestHome;
  let bucket: string;
  let child: ChildProcess | null = null;
  let exited: Promise<number | null>;
  const sockets: WebSocket[] = [];

  before(() => useAwsProfiles());

  beforeEach(async () => {
    bucket = uniqueBucket('interest');
    home = await testHome([bucket]);
    // The default pollIntervalSeconds (1 s), as a user's connections file has it.
    home.writeConnections([{ name: 'local', kind: 's3-queue', endpoint: services().s3.endpoint, profile: services().s3.profile, buckets: [bucket] }]);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    child = null;
  });

  function startAgent(...flags: string[]): void {
    child = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'cli', 'bin.ts'), '--home', home.paths.home, 'agent', '--log-file', home.paths.log, ...flags], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    });
    const started = child;
    exited = new Promise((resolve) => started.once('exit', (code) => resolve(code)));
  }

  async function agentInfo(): Promise<{ port: number; token: string }> {
    return waitFor('agent.json', async () => {
      if (!existsSync(home.paths.agentInfo)) return undefined;
      const { port } = JSON.parse(readFileSync(home.paths.agentInfo, 'utf8')) as { port: number };
      return { port, token: readFileSync(home.paths.token, 'utf8').trim() };
    });
  }

  async function connect(watching: boolean | null): Promise<WebSocket> {
    const { port, token } = await agentInfo();
    const socket = new WebSocket(`ws://127.0.0.1:${port}${WEBSOCKET_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (watching !== null) socket.send(JSON.stringify({ type: 'interest', watching }));
    return socket;
  }

  /** Regular (poll) listings so far, by the interest they were made for, from the agent's /metrics. */
  async function pollListings(): Promise<Record<string, number>> {
    const { port, token } = await agentInfo();
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const counts: Record<string, number> = { watched: 0, background: 0, idle: 0 };
    for (const match of text.matchAll(/^pipeline_pause_agent_listings_total\{connection="local",reason="poll",interest="(\w+)"\} (\d+)$/gm)) counts[match[1]] = Number(match[2]);
    return counts;
  }

  const logLines = () => (existsSync(home.paths.log) ? readFileSync(home.paths.log, 'utf8') : '');

  it('lists fast for a watching client and slowly for one that is connected but not watching', async () => {
    startAgent();
    const socket = await connect(true);
    const before = await pollListings();
    const started = Date.now();
    await waitFor('five watched listings', async () => ((await pollListings()).watched - before.watched >= 5 ? true : undefined));
    const window = Date.now() - started;

    socket.send(JSON.stringify({ type: 'interest', watching: false }));
    await sleep(200); // the turn already armed at the watched pace may still come
    const quiet = await pollListings();
    await sleep(window); // as long as five watched listings took
    const after = await pollListings();
    const slow = after.background + after.watched - (quiet.background + quiet.watched);
    assert.ok(slow <= 2, `not watching: ${slow} listings in the time five watched ones took (${window} ms)`);
  });

  it('treats a client that never says as connected but not watching', async () => {
    startAgent();
    await connect(null);
    await waitFor('a background listing', async () => ((await pollListings()).background >= 1 ? true : undefined));
    assert.equal((await pollListings()).watched, 0);
  });

  it('answers `list` with what is true now, though with no client it lists only once a minute', async () => {
    startAgent();
    await agentInfo();
    await waitFor('the first listing', async () => ((await pollListings()).idle >= 1 ? true : undefined));
    const listed = async () => (await cli(home, ['list'], { useAgent: true })).stdout;
    assert.match(await listed(), new RegExp(`^local/${bucket}\\s+s3-queue\\s+RUNNING`, 'm'));
    // Behind the agent's back, as another teammate's CLI would do it.
    assert.equal((await cli(home, ['pause', `local/${bucket}`, '--reason', 'elsewhere'])).code, 0);
    assert.match(await listed(), new RegExp(`^local/${bucket}\\s+s3-queue\\s+PAUSED`, 'm'), 'the pause shows in the next list, not a minute later');
    // Asking is not acting: the agent keeps its idle pace rather than polling every second.
    const polls = await pollListings();
    await sleep(3000);
    assert.deepEqual(await pollListings(), polls, 'no poll in the 3 s after two lists');
    const { port, token } = await agentInfo();
    const bad = await fetch(`http://127.0.0.1:${port}/api/v1/snapshot?fresh=yes`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bad.status, 400);
  });

  it('exits with code 0 when idle, removes agent.json and says why', async () => {
    startAgent('--exit-when-idle', '2s');
    await agentInfo();
    assert.equal(await exited, 0);
    assert.ok(!existsSync(home.paths.agentInfo), 'agent.json removed');
    assert.match(logLines(), /agent exiting: no client, no request and nothing scheduled for 2 seconds/);
  });

  it('stays while a timed pause is pending, and exits once it has fired', async () => {
    assert.equal((await cli(home, ['pause', `local/${bucket}`, '--resume-after', '6s'])).code, 0);
    startAgent('--exit-when-idle', '2s');
    await agentInfo();
    await waitFor('the agent to hold the auto-resume', async () => (logLines().includes('no client, but the agent stays up') ? true : undefined));
    assert.equal(child?.exitCode, null, 'still running with the auto-resume pending');
    assert.equal(await exited, 0);
    assert.equal(await readKey(bucket, 'control/paused.json'), null, 'the auto-resume fired before the agent left');
    const log = logLines();
    assert.ok(log.indexOf('"auto-resumed"') >= 0 && log.indexOf('"auto-resumed"') < log.indexOf('agent exiting'), 'resumed, then exited');
  });

  it('does not exit while a client is connected, and exits after it leaves', async () => {
    startAgent('--exit-when-idle', '2s');
    const socket = await connect(false);
    await sleep(4000); // twice the grace period
    assert.equal(child?.exitCode, null, 'a connected client keeps the agent');
    assert.ok(existsSync(home.paths.agentInfo));
    socket.close();
    assert.equal(await exited, 0);
  });

  it('stays while it runs a Querator gateway that producers and consumers call', async () => {
    const gatewayPort = await freePort();
    home.writeConnections([{ name: 'jobs', kind: 'querator', endpoint: queratorService().endpoint, gatewayPort, stateDir: join(home.paths.home, 'querator') }]);
    startAgent('--exit-when-idle', '2s');
    await agentInfo();
    await waitFor('the agent to stay for its gateway', async () => (/"reason":"connection \\"jobs\\": its gateway on 127.0.0.1:\d+ serves producers and consumers"/.test(logLines()) ? true : undefined));
    await sleep(2500); // past another grace period
    assert.equal(child?.exitCode, null, 'still running');
  });

  it('refuses a bad --exit-when-idle before starting anything', async () => {
    startAgent('--exit-when-idle', 'soon');
    assert.equal(await exited, 2);
    assert.ok(!existsSync(home.paths.agentInfo));
  });
});
