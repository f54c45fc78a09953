import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { services } from './sandboxFixture';

/** Reads the bucket directly (not through the product), to check what the product wrote. */
export async function readKey(bucket: string, key: string): Promise<string | null> {
  const client = sandboxS3Client(services().s3);
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await result.Body?.transformToString()) ?? '';
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null;
    throw error;
  } finally {
    client.destroy();
  }
}

export async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const client = sandboxS3Client(services().s3);
  try {
    const result = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (result.Contents ?? []).map((o) => o.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

