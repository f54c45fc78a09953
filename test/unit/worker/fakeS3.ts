import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { QueueStore } from '../../../buquet/client';

export interface LoggedRequest {
  command: 'GetObject' | 'PutObject' | 'DeleteObject' | 'ListObjectsV2' | 'HeadBucket';
  key?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
  /** The HTTP status the fake answered with. */
  status: number;
}

/** An SDK-shaped failure: the name and status the helpers in buquet/client.ts look at. */
function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/**
 * One in-memory bucket behind a real S3Client whose send() is replaced, with S3's conditional
 * semantics (If-Match, If-None-Match, 304, 412) and ETags as S3 makes them (MD5 of the body).
 * Its server clock is its own and only moves when a test says so, so it can sit minutes away
 * from this host's clock: whatever decides on "server time" must read it from here.
 */
export class FakeS3 {
  readonly objects = new Map<string, { body: string; etag: string }>();
  readonly requests: LoggedRequest[] = [];
  /** The server's clock (epoch ms). */
  serverMs: number;
  /** This host's monotonic clock (ms), for TTLs; moves with tick() only. */
  monotonicMs = 1_000_000;
  /** Runs before each request is answered: lets a test change the bucket at an exact moment. */
  beforeRequest: ((command: LoggedRequest['command'], key: string | undefined) => void) | null = null;
  readonly store: QueueStore;

  /** `skewMs` is how far the server's clock is from this host's (negative: behind); whole seconds, as S3's Date header. */
  constructor(skewMs = 0) {
    this.serverMs = Math.floor((Date.now() + skewMs) / 1000) * 1000;
    const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    // The paginator insists on a real S3Client, so keep one and answer its send() here.
    s3.send = ((command: unknown) => this.answer(command)) as S3Client['send'];
    this.store = {
      s3,
      serverNow: () => new Date(this.serverMs),
      requestCounts: () => ({}),
      describeEndpoint: () => 'fake S3',
      requestTimeoutSeconds: 10,
    };
  }

  /** Time passes, for the server and for this host alike. */
  tick(ms: number): void {
    this.serverMs += ms;
    this.monotonicMs += ms;
  }

  /** Writes an object as another client would (not logged as a request of the code under test). */
  put(key: string, body: string): string {
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    this.objects.set(key, { body, etag });
    return etag;
  }

  etag(key: string): string | undefined {
    return this.objects.get(key)?.etag;
  }

  sent(command: LoggedRequest['command']): LoggedRequest[] {
    return this.requests.filter((r) => r.command === command);
  }

  private async answer(command: unknown): Promise<unknown> {
    const input = (command as { input: { Key?: string; IfMatch?: string; IfNoneMatch?: string; Prefix?: string; Body?: unknown } }).input;
    const name = this.commandName(command);
    this.beforeRequest?.(name, input.Key);
    const log = (status: number) => this.requests.push({ command: name, key: input.Key, ifMatch: input.IfMatch, ifNoneMatch: input.IfNoneMatch, status });
    const fail = (error: string, status: number) => {
      log(status);
      throw s3Error(error, status);
    };
    const current = input.Key === undefined ? undefined : this.objects.get(input.Key);
    switch (name) {
      case 'HeadBucket':
        log(200);
        return {};
      case 'GetObject': {
        if (!current) return fail('NoSuchKey', 404);
        if (input.IfNoneMatch !== undefined && input.IfNoneMatch === current.etag) return fail('NotModified', 304);
        log(200);
        return { ETag: current.etag, Body: { transformToString: async () => current.body } };
      }
      case 'PutObject': {
        if (input.IfNoneMatch === '*' && current) return fail('PreconditionFailed', 412);
        if (input.IfMatch !== undefined && current?.etag !== input.IfMatch) return fail('PreconditionFailed', 412);
        log(200);
        return { ETag: this.put(input.Key ?? '', typeof input.Body === 'string' ? input.Body : '') };
      }
      case 'DeleteObject': {
        if (input.IfMatch !== undefined && !current) return fail('NoSuchKey', 404);
        if (input.IfMatch !== undefined && current?.etag !== input.IfMatch) return fail('PreconditionFailed', 412);
        this.objects.delete(input.Key ?? '');
        log(204);
        return {};
      }
      case 'ListObjectsV2': {
        const keys = [...this.objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
        log(200);
        return { Contents: keys.map((Key) => ({ Key, ETag: this.objects.get(Key)?.etag })), IsTruncated: false };
      }
    }
  }

  private commandName(command: unknown): LoggedRequest['command'] {
    if (command instanceof GetObjectCommand) return 'GetObject';
    if (command instanceof PutObjectCommand) return 'PutObject';
    if (command instanceof DeleteObjectCommand) return 'DeleteObject';
    if (command instanceof ListObjectsV2Command) return 'ListObjectsV2';
    if (command instanceof HeadBucketCommand) return 'HeadBucket';
    throw new Error(`the fake S3 does not answer ${(command as object).constructor.name}`);
  }
}
