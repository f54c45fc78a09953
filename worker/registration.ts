import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { fetchServerTime, type QueueStore } from '../buquet/client';
import { encodeHeartbeat, type WorkerStatus } from '../buquet/heartbeat';
import { workerKey } from '../buquet/layout';

export interface WorkerActivity {
  status: WorkerStatus;
  currentTask: string | null;
  tasksCompleted: number;
  tasksFailed: number;
}

/** The worker's `workers/<id>.json`, in buquet's format plus `status`: written at start, on each heartbeat, deleted on a clean exit. */
export class Registration {
  private startedAt: Date | null = null;

  constructor(
    private readonly store: QueueStore,
    private readonly bucket: string,
    private readonly workerId: string,
    private readonly shards: string[],
  ) {}

  async beat(activity: WorkerActivity): Promise<void> {
    const now = this.store.serverNow() ?? (await fetchServerTime(this.store, this.bucket));
    this.startedAt ??= now;
    const body = encodeHeartbeat({ workerId: this.workerId, startedAt: this.startedAt, lastHeartbeat: now, shards: this.shards, ...activity });
    await this.store.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: workerKey(this.workerId), Body: body, ContentType: 'application/json' }));
  }

  async remove(): Promise<void> {
    await this.store.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: workerKey(this.workerId) }));
  }
}
