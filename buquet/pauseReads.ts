import type { PauseDetails, Scope } from '../protocol/resource';
import type { QueueStore } from './client';
import { decodePauseState } from './controlObject';
import { GLOBAL_PAUSE_KEY, SCOPED_PAUSE_PREFIX, scopeFromKey } from './layout';
import { listObjects, ObjectCache, readObjectIfChanged, type FetchedObject } from './objects';

/**
 * What one control object says. Its existence alone pauses: a body that cannot be read still
 * pauses (with `error` saying why), so a hand-edited object never silently lets work through.
 */
export interface PauseReading {
  pause: PauseDetails | null;
  error: string | null;
}

export interface ScopedPauseReading extends PauseReading {
  scope: Scope;
}

export function readControlObject(key: string, object: FetchedObject): PauseReading {
  try {
    return { pause: decodePauseState(object.body, object.etag), error: null };
  } catch (error) {
    return { pause: null, error: `${key}: ${(error as Error).message}` };
  }
}

/**
 * `control/paused.json` of one bucket (null when the queue is not paused as a whole), read with
 * If-None-Match of the ETag last seen: while the pause is unchanged S3 answers 304 with no body
 * and the reading decoded before is kept.
 */
export class GlobalPauseReader {
  private last: { etag: string | null; reading: PauseReading } | null = null;

  constructor(
    private readonly store: QueueStore,
    private readonly bucket: string,
  ) {}

  async read(): Promise<PauseReading | null> {
    const object = await readObjectIfChanged(this.store, this.bucket, GLOBAL_PAUSE_KEY, this.last?.etag ?? null);
    if (object === 'unchanged' && this.last) return this.last.reading;
    this.last = object && object !== 'unchanged' ? { etag: object.etag, reading: readControlObject(GLOBAL_PAUSE_KEY, object) } : null;
    return this.last?.reading ?? null;
  }
}

/** Every scoped pause (`control/paused/<type>`, `control/paused/shard/<n>`): one LIST, and a GET only for changed objects. */
export class ScopedPauseReader {
  private readonly cache = new ObjectCache<PauseReading>((object, key) => readControlObject(key, object));

  async read(store: QueueStore, bucket: string): Promise<ScopedPauseReading[]> {
    const listed = await listObjects(store, bucket, SCOPED_PAUSE_PREFIX);
    const readings: ScopedPauseReading[] = [];
    for (const [key, reading] of await this.cache.readAll(store, bucket, listed)) {
      const scope = scopeFromKey(key);
      if (scope) readings.push({ scope, ...reading });
    }
    return readings;
  }
}
