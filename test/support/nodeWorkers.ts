import { QueueClient, QueueWorker, type WorkerLogger, type WorkerOptions } from '../../worker';
import { services } from './sandboxFixture';

export interface LogLine {
  message: string;
  fields: object;
}

/** A worker logger that keeps every line, so tests can count what the worker said. */
export function memoryLog(): WorkerLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const keep = (fields: object, message: string) => void lines.push({ message, fields });
  return { lines, info: keep, warn: keep };
}

/** A Node worker against the sandbox S3, credentials through the AWS profile (see useAwsProfiles). */
export function sandboxWorker(bucket: string, options: Partial<WorkerOptions> = {}): QueueWorker {
  const s3 = services().s3;
  return new QueueWorker({ bucket, endpoint: s3.endpoint, profile: s3.profile, handleSignals: false, log: memoryLog(), ...options });
}

export function sandboxQueue(bucket: string): QueueClient {
  const s3 = services().s3;
  return new QueueClient({ bucket, endpoint: s3.endpoint, profile: s3.profile });
}
