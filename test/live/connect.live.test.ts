import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPaths } from '../../protocol/paths';
import { cli, type TestHome } from '../support/testEnv';

/**
 * The Kafka Connect adapter against a Connect cluster of your own, run only when CONNECT_URL names
 * one (a worker's REST URL). Read-only unless CONNECT_LIVE_CONNECTOR names a scratch connector
 * that is RUNNING: then it is paused, resumed, stopped and resumed again (it must be safe to hold
 * for a few seconds). CONNECT_LIVE_KAFKA (host:port,...) adds the sink lag / proof of pause.
 *   CONNECT_URL=http://127.0.0.1:8083 npx mocha --timeout 60000 test/live/connect.live.test.ts
 */
const url = process.env.CONNECT_URL ?? '';
const connector = process.env.CONNECT_LIVE_CONNECTOR ?? '';
const brokers = (process.env.CONNECT_LIVE_KAFKA ?? '').split(',').filter(Boolean);

describe(`live Kafka Connect (${url || 'CONNECT_URL not set'})`, function () {
  this.timeout(60_000);
  const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-live-connect-')) });
  const home: TestHome = { paths, writeConnections: () => undefined };
  const run = (...args: string[]) => cli(home, args);

  before(function () {
    if (!url) throw new Error('set CONNECT_URL to a Kafka Connect REST URL to run the live suite');
    const connection = { name: 'live', kind: 'kafka-connect', url, settleSeconds: 20, ...(brokers.length ? { kafka: { brokers } } : {}) };
    writeFileSync(paths.connections, JSON.stringify({ connections: [connection] }));
  });

  it('lists every connector with its state', async () => {
    const listed = await run('list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const snapshot = JSON.parse(listed.stdout) as { connections: Array<{ status: string; error: string | null }>; resources: Array<{ kind: string; state: string }> };
    assert.equal(snapshot.connections[0].status, 'ok', snapshot.connections[0].error ?? '');
    for (const resource of snapshot.resources) assert.equal(resource.kind, 'kafka-connect');
  });

  it("answers an unknown connector with the worker's own 404 message", async () => {
    const name = `pipeline-pause-live-nope-${Date.now()}`;
    const paused = await run('pause', `live/${name}`);
    assert.deepEqual([paused.code, paused.stderr], [2, `error: Kafka Connect at ${url.replace(/\/+$/, '')} answered 404: Unknown connector ${name}`]);
  });

  it('pauses, resumes, stops and resumes CONNECT_LIVE_CONNECTOR', async function () {
    if (!connector) this.skip();
    const status = async () => JSON.parse((await run('status', `live/${connector}`, '--json')).stdout) as { state: string; stateDetail: string | null };
    assert.equal((await status()).state, 'running', 'the live connector must be RUNNING before the suite');
    try {
      assert.equal((await run('pause', `live/${connector}`, '--reason', 'pipeline-pause live suite')).code, 0);
      assert.ok(['paused', 'pausing'].includes((await status()).state));
      assert.equal((await run('resume', `live/${connector}`)).code, 0);
      assert.equal((await run('stop', `live/${connector}`, '--reason', 'pipeline-pause live suite')).code, 0);
      assert.ok(['stopped', 'pausing'].includes((await status()).state));
      assert.equal((await run('resume', `live/${connector}`)).code, 0);
      assert.ok(['running', 'resuming'].includes((await status()).state));
    } finally {
      await run('resume', `live/${connector}`, '--force');
    }
  });
});
