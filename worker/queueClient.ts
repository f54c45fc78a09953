import { createStore, type QueueStore, type StoreOptions } from '../buquet/client';
import type { NewTaskOptions, TaskRecord } from '../buquet/task';
import { submitTask } from '../buquet/taskStore';

/** Submits tasks the way buquet does, so buquet workers and QueueWorker both run them. */
export class QueueClient {
  private readonly store: QueueStore;

  constructor(private readonly options: StoreOptions & { bucket: string }) {
    this.store = createStore(options);
  }

  submit(taskType: string, input: unknown, options: NewTaskOptions = {}): Promise<TaskRecord> {
    return submitTask(this.store, this.options.bucket, taskType, input, options);
  }

  close(): void {
    this.store.s3.destroy();
  }
}
