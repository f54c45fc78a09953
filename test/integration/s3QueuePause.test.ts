import { strict as assert } from 'node:assert';
import { Journal } from '../../agent/core/journal';
import { listKeys, readKey } from '../support/bucket';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('S3 queue pause through the CLI (real S3 server)', function () {
  this.timeout(30_000);
  let bucket: string;
  let home: TestHome;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('pause');
    home = await testHome([bucket]);
  });

  it('writes the control object exactly as the seed specifies', async () => {
    const before = Date.now();
    const result = await cli(home, ['pause', `local/${bucket}`, '--reason', 'Deploying new version', '--paused-by', 'alice']);
    assert.equal(result.code, 0, result.stderr);
    const body = await readKey(bucket, 'control/paused.json');
    assert.ok(body);
    const json = JSON.parse(body);
    assert.deepEqual(Object.keys(json), ['paused_at', 'paused_by', 'reason', 'resume_at']);
    assert.match(json.paused_at, RFC3339_SECONDS);
    assert.ok(Math.abs(Date.parse(json.paused_at) - before) < 5000, 'paused_at is the server time of the pause');
    assert.equal(json.paused_by, 'alice');
    assert.equal(json.reason, 'Deploying new version');
    assert.equal(json.resume_at, null);
    assert.match(result.stdout, /Paused by: alice/);
  });

  it('defaults paused_by to the user and sets resume_at from --resume-after on the server clock', async () => {
    const result = await cli(home, ['pause', `local/${bucket}`, '--resume-after', '30m']);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse((await readKey(bucket, 'control/paused.json')) ?? '{}');
    assert.match(json.paused_by, /^user:/);
    assert.equal(json.reason, null);
    assert.equal(Date.parse(json.resume_at) - Date.parse(json.paused_at), 30 * 60_000);
  });

  it('refuses a second pause, naming who paused, when and why, and leaves the first in place', async () => {
    assert.equal((await cli(home, ['pause', `local/${bucket}`, '--reason', 'First pause', '--paused-by', 'alice'])).code, 0);
    const first = await readKey(bucket, 'control/paused.json');
    const second = await cli(home, ['pause', `local/${bucket}`, '--reason', 'Update reason']);
    assert.equal(second.code, 1);
    assert.equal(second.stderr.split('\n').length, 1);
    assert.match(second.stderr, /already paused by alice since \d{4}-\d\d-\d\dT[\d:]+Z \(reason: First pause\); use --force/);
    assert.equal(await readKey(bucket, 'control/paused.json'), first);
  });

  it('--force overwrites an existing pause', async () => {
    await cli(home, ['pause', `local/${bucket}`, '--reason', 'First pause']);
    const forced = await cli(home, ['pause', `local/${bucket}`, '--reason', 'Update reason', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse((await readKey(bucket, 'control/paused.json')) ?? '{}').reason, 'Update reason');
  });

  it('resume deletes the control object; resuming a running queue is an error that writes nothing', async () => {
    await cli(home, ['pause', `local/${bucket}`]);
    const resumed = await cli(home, ['resume', `local/${bucket}`]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(await readKey(bucket, 'control/paused.json'), null);
    const again = await cli(home, ['resume', `local/${bucket}`]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: queue "[^"]+" is not paused$/);
    assert.deepEqual(await listKeys(bucket, 'control/'), []);
  });

  it('resume of a pause with an auto-resume time needs --force, as the seed has it', async () => {
    await cli(home, ['pause', `local/${bucket}`, '--resume-after', '2h']);
    const plain = await cli(home, ['resume', `local/${bucket}`]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /set to auto-resume at .* \(in 2 hours\); use --force/);
    assert.notEqual(await readKey(bucket, 'control/paused.json'), null);
    assert.equal((await cli(home, ['resume', `local/${bucket}`, '--force'])).code, 0);
    assert.equal(await readKey(bucket, 'control/paused.json'), null);
  });

  it('scoped pauses write control/paused/<type> and control/paused/shard/<n> and resume only their scope', async () => {
    assert.equal((await cli(home, ['pause', `local/${bucket}`, '--type', 'send_email', '--reason', 'smtp down'])).code, 0);
    assert.equal((await cli(home, ['pause', `local/${bucket}`, '--shard', '3'])).code, 0);
    assert.deepEqual(await listKeys(bucket, 'control/'), ['control/paused/send_email', 'control/paused/shard/3']);
    const scoped = JSON.parse((await readKey(bucket, 'control/paused/send_email')) ?? '{}');
    assert.deepEqual(Object.keys(scoped), ['paused_at', 'paused_by', 'reason', 'resume_at']);
    assert.equal(scoped.reason, 'smtp down');

    const status = await cli(home, ['status', `local/${bucket}`, '--json']);
    const resource = JSON.parse(status.stdout);
    assert.equal(resource.state, 'partially-paused');
    assert.deepEqual(resource.scopedPauses.map((p: { scope: unknown }) => p.scope).sort((a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type)), [
      { type: 'shard', value: '3' },
      { type: 'task-type', value: 'send_email' },
    ]);

    assert.equal((await cli(home, ['resume', `local/${bucket}`, '--type', 'send_email'])).code, 0);
    assert.deepEqual(await listKeys(bucket, 'control/'), ['control/paused/shard/3']);
    const wrongScope = await cli(home, ['resume', `local/${bucket}`, '--type', 'send_email']);
    assert.equal(wrongScope.code, 1);
    assert.match(wrongScope.stderr, /task type send_email of queue .* is not paused/);
  });

  it('status reads like the seed and the journal records every pause and resume', async () => {
    await cli(home, ['pause', `local/${bucket}`, '--reason', 'Deploying new version', '--paused-by', 'alice', '--resume-after', '25m']);
    const status = await cli(home, ['status', `local/${bucket}`]);
    assert.equal(status.code, 0);
    const lines = status.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 2), [`Queue: local/${bucket}`, 'Status: PAUSED']);
    assert.ok(lines.includes('Paused by: alice'));
    assert.ok(lines.includes('Reason: Deploying new version'));
    assert.ok(lines.some((l) => /^Auto-resume: in 2[45] minutes/.test(l)), status.stdout);
    assert.ok(lines.includes('Workers: 0 connected'));
    assert.ok(lines.includes('Pending tasks: 0'));
    await cli(home, ['resume', `local/${bucket}`, '--force']);
    const entries = await new Journal(home.paths.journal).read();
    assert.deepEqual(entries.map((e) => [e.action, e.resource, e.pausedBy, e.reason, e.via]), [
      ['pause', `local/${bucket}`, 'alice', 'Deploying new version', 'cli'],
      ['resume', `local/${bucket}`, 'alice', 'Deploying new version', 'cli'],
    ]);
    assert.ok(entries[0].resumeAt);
  });

  it('list shows every resource of every connection, with --json', async () => {
    await cli(home, ['pause', `local/${bucket}`, '--reason', 'look here']);
    const text = await cli(home, ['list']);
    assert.match(text.stdout, new RegExp(`local/${bucket}\\s+s3-queue\\s+PAUSED\\s+by user:\\S+: look here`));
    const json = JSON.parse((await cli(home, ['list', '--json'])).stdout);
    assert.deepEqual(json.resources.map((r: { id: string; state: string }) => [r.id, r.state]), [[`local/${bucket}`, 'paused']]);
  });
});
