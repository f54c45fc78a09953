import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { QueueStore } from './client';
import { isNotFound, isNotModified } from './client';

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

/** How many keys a prefix holds; `lowerBound` when only the first `pages` LIST pages were read and more exist. */
export interface KeyCount {
  count: number;
  lowerBound: boolean;
}

/**
 * Counts keys page by page (1000 a page). With `maxPages` it stops there, so a poll of a long
 * index costs a fixed number of requests; without it the count is exact, at one LIST per 1000 keys.
 */
export async function countKeys(store: QueueStore, bucket: string, prefix: string, maxPages = Number.POSITIVE_INFINITY): Promise<KeyCount> {
  let count = 0;
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client: store.s3, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    count += page.KeyCount ?? page.Contents?.length ?? 0;
    pages += 1;
    if (pages >= maxPages) return { count, lowerBound: page.IsTruncated === true };
  }
  return { count, lowerBound: false };
}

/** One LIST page of keys (at most 1000): for indexes that may be long, where reading every page each poll would cost too much. */
export async function listKeyPage(store: QueueStore, bucket: string, prefix: string, startAfter?: string): Promise<{ keys: string[]; truncated: boolean }> {
  const page = await store.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter, MaxKeys: 1000 }));
  return { keys: (page.Contents ?? []).flatMap((item) => (item.Key ? [item.Key] : [])), truncated: page.IsTruncated === true };
}

export interface FetchedObject {
  body: string;
  etag: string | null;
}

/** GET that answers null for a missing key instead of throwing. */
export async function readObject(store: QueueStore, bucket: string, key: string): Promise<FetchedObject | null> {
  const result = await readObjectIfChanged(store, bucket, key, null);
  return result === 'unchanged' ? null : result;
}

/**
 * Conditional GET (If-None-Match): 'unchanged' when the object still has `etag`. The server then
 * answers 304 with no body, the cheapest way to keep watching an object that rarely changes.
 */
export async function readObjectIfChanged(store: QueueStore, bucket: string, key: string, etag: string | null): Promise<FetchedObject | null | 'unchanged'> {
  try {
    const result = await store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: etag ?? undefined }));
    return { body: (await result.Body?.transformToString('utf8')) ?? '', etag: result.ETag ?? null };
  } catch (error) {
    if (isNotFound(error)) return null;
    if (etag !== null && isNotModified(error)) return 'unchanged';
    throw error;
  }
}

/**
 * Re-reads an object only when its listed ETag changed, so steady polling of
 * heartbeats and scoped pauses costs one LIST, not one GET per object. The re-read is
 * conditional on the ETag last read: a server whose LIST spells ETags unlike its GET still
 * answers 304 without a body.
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
      const fetched = await readObjectIfChanged(store, bucket, object.key, cached?.etag ?? null);
      if (fetched === 'unchanged') {
        result.set(object.key, cached!.value);
        continue;
      }
      if (!fetched) continue; // deleted between LIST and GET
      const value = this.decode(fetched, object.key);
      this.entries.set(object.key, { etag: fetched.etag, value });
      result.set(object.key, value);
    }
    for (const key of this.entries.keys()) if (!seen.has(key)) this.entries.delete(key);
    return result;
  }
}
