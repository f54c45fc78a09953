/** The Node worker runtime for buquet queues, with the pause of seed 003 (package export `./worker`). */
export { QueueWorker, type TaskHandler, type TaskOutcome, type WorkerEvents } from './worker';
export { QueueClient } from './queueClient';
export { PermanentError, RetryableError } from './errors';
export type { WorkerLogger, WorkerOptions } from './options';
export type { NewTaskOptions, RetryPolicy, TaskRecord } from '../buquet/task';
