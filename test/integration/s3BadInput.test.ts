import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../sandbox/process';
import { listKeys } from '../support/bucket';
import { startServerWithoutConditionalWrites } from '../support/ignoresConditionalWrites';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, WRONG_PROFILE, type TestHome } from '../support/testEnv';

/** Every failure is one line on stderr, a non-zero exit, and nothing written to the bucket. */
function assertRefused(result: { code: number; stderr: string; stdout: string }, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr.split('\n').length, 1, `one line: ${result.stderr}`);
  assert.match(result.stderr, pattern);
}

describe('S3 queue pause: bad input changes nothing', function () {
  this.timeout(60_000);
  let bucket: string;
  let home: TestHome;

  before(() => useAwsProfiles());
  beforeEach(async () => {
    bucket = uniqueBucket('bad');
    home = await testHome([bucket]);
  });
  afterEach(async () => assert.deepEqual(await listKeys(bucket, 'control/'), [], 'nothing was written'));

  for (const duration of ['3x', '30', '-5m', '0m', 'soon', '1h 30m']) {
    it(`refuses --resume-after ${duration}`, async () => {
      assertRefused(await cli(home, ['pause', `local/${bucket}`, '--resume-after', duration]), 2, /^error: --resume-after: (cannot read duration|duration .* must be longer than zero)/);
    });
  }

  it('refuses a --resume-at that is not an RFC 3339 time', async () => {
    assertRefused(await cli(home, ['pause', `local/${bucket}`, '--resume-at', 'tomorrow']), 2, /^error: --resume-at: resumeAt must be an RFC 3339 time/);
  });

  it('refuses a --resume-at in the past, judged by the server clock', async () => {
    assertRefused(await cli(home, ['pause', `local/${bucket}`, '--resume-at', '2020-01-01T00:00:00Z']), 2, /^error: resumeAt 2020-01-01T00:00:00Z is not in the future \(S3 server time is /);
  });

  it('refuses both --resume-after and --resume-at', async () => {
    const result = await cli(home, ['pause', `local/${bucket}`, '--resume-after', '5m', '--resume-at', '2099-01-01T00:00:00Z']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot be used with option/);
  });

  it('refuses a shard that is not hex and a task type with a slash', async () => {
    assertRefused(await cli(home, ['pause', `local/${bucket}`, '--shard', 'zz']), 2, /^error: value: a shard is 1-4 lowercase hex digits/);
    assertRefused(await cli(home, ['pause', `local/${bucket}`, '--type', 'a/b']), 2, /^error: value: a task type is/);
  });

  it('refuses an unknown connection and an unknown queue', async () => {
    assertRefused(await cli(home, ['pause', `nowhere/${bucket}`]), 2, /^error: no connection "nowhere" \(known: local\)$/);
    assertRefused(await cli(home, ['pause', 'local/not-configured']), 2, new RegExp(`^error: no queue "not-configured" in connection "local" \\(it has: ${bucket}\\)$`));
    assertRefused(await cli(home, ['pause', 'no-slash']), 2, /is not a resource address; use <connection>\/<name>/);
  });

  it('reports an unreachable endpoint', async () => {
    const port = await freePort();
    home.writeConnections([{ name: 'down', kind: 's3-queue', endpoint: `http://127.0.0.1:${port}`, profile: services().s3.profile, buckets: [bucket] }]);
    assertRefused(await cli(home, ['pause', `down/${bucket}`]), 1, new RegExp(`^error: cannot reach S3 at http://127.0.0.1:${port} \\(.*\\); is the server running\\?$`));
    const list = await cli(home, ['list']);
    assert.match(list.stdout, /^down: unreachable \(cannot reach S3/m);
  });

  it('reports credentials the server refuses', async () => {
    home.writeConnections([{ name: 'wrong', kind: 's3-queue', endpoint: services().s3.endpoint, profile: WRONG_PROFILE, buckets: [bucket] }]);
    assertRefused(await cli(home, ['pause', `wrong/${bucket}`, '--reason', 'x']), 1, /^error: S3 at .* refused the credentials \(InvalidAccessKeyId: .*\); check the AWS profile/);
  });

  it('refuses a bucket whose server ignores conditional writes, leaving it untouched', async () => {
    const server = await startServerWithoutConditionalWrites(mkdtempSync(join(tmpdir(), 'pp-nocond-')));
    const client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      home.writeConnections([{ name: 'old', kind: 's3-queue', endpoint: server.endpoint, profile: services().s3.profile, buckets: [bucket] }]);
      assertRefused(await cli(home, ['pause', `old/${bucket}`]), 1, /^error: S3 at .* ignores conditional writes \(If-Match \/ If-None-Match on PutObject\)/);
      const left = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(left.Contents ?? [], []);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
