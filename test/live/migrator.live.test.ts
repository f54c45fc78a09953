import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPaths } from '../../protocol/paths';
import { cli, type TestHome } from '../support/testEnv';

/**
 * The Relational Migrator adapter against a real Relational Migrator (1.7.0+), run only when
 * MIGRATOR_URL names one (e.g. http://127.0.0.1:8278). Read-only unless MIGRATOR_LIVE_JOB names a
 * Kafka-backed continuous job in its CDC stage that may be paused for a few seconds: then it is
 * paused and resumed. MIGRATOR_LIVE_RETENTION (default 72h) is the CDC retention to assume.
 *   MIGRATOR_URL=http://127.0.0.1:8278 npx mocha --timeout 60000 test/live/migrator.live.test.ts
 */
const url = process.env.MIGRATOR_URL ?? '';
const job = process.env.MIGRATOR_LIVE_JOB ?? '';
const retention = process.env.MIGRATOR_LIVE_RETENTION ?? '72h';

describe(`live Relational Migrator (${url || 'MIGRATOR_URL not set'})`, function () {
  this.timeout(60_000);
  const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-live-migrator-')) });
  const home: TestHome = { paths, writeConnections: () => undefined };
  const run = (...args: string[]) => cli(home, args);

  before(function () {
    if (!url) throw new Error('set MIGRATOR_URL to a Relational Migrator to run the live suite');
    writeFileSync(paths.connections, JSON.stringify({ connections: [{ name: 'live', kind: 'relational-migrator', url, cdcRetention: retention, settleSeconds: 20, includeFinished: true }] }));
  });

  it('lists jobs (GET /api/v1/jobs) with their stage, and why pause is not offered where it is not', async () => {
    const listed = await run('list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const snapshot = JSON.parse(listed.stdout) as { connections: Array<{ status: string; error: string | null }>; resources: Array<{ state: string; capabilities: { pause: boolean; pauseUnavailable?: string | null } }> };
    assert.equal(snapshot.connections[0].status, 'ok', snapshot.connections[0].error ?? '');
    for (const resource of snapshot.resources) {
      if (resource.state === 'running' && !resource.capabilities.pause) assert.ok(resource.capabilities.pauseUnavailable, 'a running job that cannot pause says why');
    }
  });

  it("shows the Migrator's error body for an unknown job", async () => {
    const status = await run('status', 'live/00000000-0000-0000-0000-000000000000');
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /^error: Relational Migrator at \S+ answered \d{3}: /);
  });

  it('pauses and resumes MIGRATOR_LIVE_JOB, with the retention deadline', async function () {
    if (!job) this.skip();
    try {
      const paused = await run('pause', `live/${job}`, '--reason', 'pipeline-pause live suite');
      assert.equal(paused.code, 0, paused.stderr);
      assert.match(paused.stdout, /\nResume before: .*; paused data may be lost after that/);
      assert.equal((await run('resume', `live/${job}`)).code, 0);
    } finally {
      await run('resume', `live/${job}`, '--force');
    }
  });
});
