import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { agentPaths } from '../../protocol/paths';
import { cli, type TestHome } from '../support/testEnv';

/**
 * The pause against a real S3 (AWS or any S3-compatible server), run only when
 * PIPELINE_PAUSE_LIVE_S3_BUCKET names a scratch bucket: it writes and deletes control objects.
 * Credentials come from the default AWS chain; PIPELINE_PAUSE_LIVE_S3_ENDPOINT and
 * PIPELINE_PAUSE_LIVE_S3_REGION are optional.
 */
const bucket = process.env.PIPELINE_PAUSE_LIVE_S3_BUCKET ?? '';
const endpoint = process.env.PIPELINE_PAUSE_LIVE_S3_ENDPOINT;
const region = process.env.PIPELINE_PAUSE_LIVE_S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1';

describe(`live S3 queue pause (${bucket || 'PIPELINE_PAUSE_LIVE_S3_BUCKET not set'})`, function () {
  this.timeout(60_000);
  const s3 = new S3Client({ region, endpoint, forcePathStyle: endpoint !== undefined });
  const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-live-')) });
  const home: TestHome = { paths, writeConnections: () => undefined };
  const read = async (key: string) =>
    s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      .then((r) => r.Body?.transformToString() ?? '')
      .catch((error: { name?: string }) => (error.name === 'NoSuchKey' ? null : Promise.reject(error)));

  before(async function () {
    if (!bucket) throw new Error('set PIPELINE_PAUSE_LIVE_S3_BUCKET to a scratch bucket to run the live suite');
    writeFileSync(paths.connections, JSON.stringify({ connections: [{ name: 'live', kind: 's3-queue', buckets: [bucket], region, ...(endpoint ? { endpoint } : {}) }] }));
    assert.equal(await read('control/paused.json'), null, 'the live bucket must not be paused before the suite runs');
  });
  after(async () => {
    for (const key of ['control/paused.json', 'control/paused/live_test_type']) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    s3.destroy();
  });

  it('pauses with the seed JSON, refuses a second pause, overwrites with --force, resumes', async () => {
    assert.equal((await cli(home, ['pause', `live/${bucket}`, '--reason', 'live suite', '--paused-by', 'ci'])).code, 0);
    const json = JSON.parse((await read('control/paused.json')) ?? '{}');
    assert.deepEqual(Object.keys(json), ['paused_at', 'paused_by', 'reason', 'resume_at']);
    assert.equal(json.paused_by, 'ci');
    const second = await cli(home, ['pause', `live/${bucket}`]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already paused by ci/);
    assert.equal((await cli(home, ['pause', `live/${bucket}`, '--reason', 'forced', '--force'])).code, 0);
    assert.equal(JSON.parse((await read('control/paused.json')) ?? '{}').reason, 'forced');
    assert.equal((await cli(home, ['resume', `live/${bucket}`])).code, 0);
    assert.equal(await read('control/paused.json'), null);
  });

  it('pauses and resumes one task type', async () => {
    assert.equal((await cli(home, ['pause', `live/${bucket}`, '--type', 'live_test_type'])).code, 0);
    assert.notEqual(await read('control/paused/live_test_type'), null);
    assert.equal((await cli(home, ['resume', `live/${bucket}`, '--type', 'live_test_type'])).code, 0);
    assert.equal(await read('control/paused/live_test_type'), null);
  });
});
