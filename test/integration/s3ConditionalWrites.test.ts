import { strict as assert } from 'node:assert';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { services } from '../support/sandboxFixture';
import { uniqueBucket } from '../support/testEnv';

/** The suite relies on these; a server without them must never let it pass by accident. */
describe('sandbox S3 server: conditional writes', () => {
  it('refuses a second If-None-Match: * PUT and a stale If-Match PUT with 412', async () => {
    const client = sandboxS3Client(services().s3);
    const bucket = uniqueBucket('cond');
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'one', IfNoneMatch: '*' }));
      assert.ok(first.ETag);
      await assert.rejects(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'two', IfNoneMatch: '*' })), (error: { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.$metadata?.httpStatusCode, 412);
        return true;
      });
      await assert.rejects(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'three', IfMatch: '"0123456789abcdef0123456789abcdef"' })), (error: { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.$metadata?.httpStatusCode, 412);
        return true;
      });
      const matching = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'four', IfMatch: first.ETag }));
      assert.notEqual(matching.ETag, first.ETag);
    } finally {
      client.destroy();
    }
  });
});
