import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { READY_PREFIX, readyKey, shardOf } from '../../buquet/layout';
import { countKeys } from '../../buquet/objects';
import type { QueueStore } from '../../buquet/client';

/**
 * Tops a bucket's `ready/` index up to `count` keys, each an empty object under buquet's layout.
 * Only the index is written (no task objects): enough for what counts the backlog, and fast.
 */
export async function fillReadyIndex(store: QueueStore, bucket: string, count: number, concurrency = 32): Promise<number> {
  const { count: present } = await countKeys(store, bucket, READY_PREFIX);
  const limit = pLimit(concurrency);
  const s3: S3Client = store.s3;
  const now = new Date();
  await Promise.all(
    Array.from({ length: Math.max(0, count - present) }, () =>
      limit(() => {
        const id = randomUUID();
        return s3.send(new PutObjectCommand({ Bucket: bucket, Key: readyKey(shardOf(id), id, now), Body: new Uint8Array(0) }));
      }),
    ),
  );
  return Math.max(0, count - present);
}
