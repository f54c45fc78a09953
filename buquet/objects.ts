import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { QueueStore } from './client';
import { isNotFound } from './client';

export interface ListedObject {
  key: string;
  etag: string | null;
  lastModified: Date | null;
}

export async function listObjects(store: QueueStore, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const page of paginateListObjectsV2({ client: store.s3, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    for (const item of page.Contents ?? []) {
      if (item.Key) objects.push({ key: item.Key, etag: item.ETag ?? null, lastModified: item.LastModified ?? null });
    }
  }
  return objects;
}

export interface FetchedObject {
  body: string;
  etag: string | null;
}

/** GET that answers null for a missing key instead of throwing. */
export async function readObject(store: QueueStore, bucket: string, key: string): Promise<FetchedObject | null> {
  try {
    const result = await store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: (await result.Body?.transformToString('utf8')) ?? '', etag: result.ETag ?? null };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Re-reads an object only when its listed ETag changed, so steady polling of
 * heartbeats and scoped pauses costs one LIST, not one GET per object.
 */
export class ObjectCache<T> {
  private readonly entries = new Map<string, { etag: string | null; value: T }>();

  constructor(private readonly decode: (object: FetchedObject, key: string) => T) {}

  async readAll(store: QueueStore, bucket: string, listed: ListedObject[]): Promise<Map<string, T>> {
    const result = new Map<string, T>();
    const seen = new Set<string>();
    for (const object of listed) {
      seen.add(object.key);
      const cached = this.entries.get(object.key);
      if (cached && object.etag !== null && cached.etag === object.etag) {
        result.set(object.key, cached.value);
        continue;
      }
      const fetched = await readObject(store, bucket, object.key);
      if (!fetched) continue; // deleted between LIST and GET
      const value = this.decode(fetched, object.key);
      this.entries.set(object.key, { etag: fetched.etag, value });
      result.set(object.key, value);
    }
    for (const key of this.entries.keys()) if (!seen.has(key)) this.entries.delete(key);
    return result;
  }
}
