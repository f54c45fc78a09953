import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GLOBAL_PAUSE_KEY } from '../../buquet/layout';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { listKeys } from '../support/bucket';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

/** Text that users type and backends hold is shown to everyone: it is checked on the way in and escaped on the way out. */
describe('S3 queue: untrusted text in and out (real S3 server)', function () {
  this.timeout(30_000);
  let bucket: string;
  let home: TestHome;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('text');
    home = await testHome([bucket]);
  });

  const journal = () => (existsSync(home.paths.journal) ? readFileSync(home.paths.journal, 'utf8') : '');

  const refusals: Array<[string, string[], RegExp]> = [
    ['a reason with a terminal escape', ['--reason', '\u001b[2Jcleared'], /^error: --reason: one line of text, without control or bidirectional-override characters$/],
    ['a reason of two lines', ['--reason', 'ok\nPaused by: admin'], /^error: --reason: one line of text/],
    ['a paused-by with a bidi override', ['--paused-by', 'user:\u202eecila'], /^error: --paused-by: one line of text/],
    ['a paused-by that claims to be the agent', ['--paused-by', 'agent:auto-resume'], /^error: --paused-by: names starting with "agent:" are the agent's own; say who you are, e.g. user:alice$/],
    ['task type "."', ['--type', '.'], /^error: value: a task type cannot be "\." or "\.\."$/],
    ['task type ".."', ['--type', '..'], /^error: value: a task type cannot be "\." or "\.\."$/],
    ['a shard outside the queue\'s 0-f', ['--shard', '10'], /^error: shard "10" is not a shard of queue "[^"]+": buquet's 16 shards are 0-f/],
  ];
  for (const [what, flags, message] of refusals) {
    it(`refuses ${what}, writing nothing to the bucket or the journal`, async () => {
      const journalBefore = journal();
      const result = await cli(home, ['pause', `local/${bucket}`, ...flags]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(!/[\p{Cc}\u202e]/u.test(result.stderr), 'the refusal does not echo the raw text');
      assert.deepEqual(await listKeys(bucket, 'control/'), []);
      assert.equal(journal(), journalBefore);
    });
  }

  it('refuses an endpoint URL with credentials in it, without echoing them', async () => {
    home.writeConnections([{ name: 'leaky', kind: 's3-queue', endpoint: `http://AKIAEXAMPLE:hunter2@${new URL(services().s3.endpoint).host}`, buckets: [bucket] }]);
    const result = await cli(home, ['list']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /endpoint: no user name or password in the URL: it would show in status output and logs/);
    assert.doesNotMatch(result.stdout + result.stderr, /hunter2|AKIAEXAMPLE/);
  });

  it('shows a control object written by another tool with its escapes and line breaks made visible', async () => {
    const body = JSON.stringify({ paused_at: '2026-01-01T00:00:00Z', paused_by: 'ops\u202etxt.exe', reason: '\u001b[2Jwiped\nPaused by: admin', resume_at: null });
    const client = sandboxS3Client(services().s3);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: GLOBAL_PAUSE_KEY, Body: body }));
    client.destroy();
    for (const args of [['status', `local/${bucket}`], ['list'], ['status', `local/${bucket}`, '--json']]) {
      const result = await cli(home, args);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(!/[\u202e]|[^\P{Cc}\n]/u.test(result.stdout), `${args.join(' ')} prints no raw escape or override`);
      assert.doesNotMatch(result.stdout, /^Paused by: admin/m, `${args.join(' ')} prints no forged line`);
    }
    const status = await cli(home, ['status', `local/${bucket}`]);
    assert.match(status.stdout, /^Paused by: ops\\u202etxt\.exe$/m);
    assert.match(status.stdout, /^Reason: \\u001b\[2Jwiped\\u000aPaused by: admin$/m);
    const json = JSON.parse((await cli(home, ['status', `local/${bucket}`, '--json'])).stdout);
    assert.equal(json.pause.pausedBy, 'ops\u202etxt.exe', 'JSON output keeps the value, escaped the JSON way');
  });
});
