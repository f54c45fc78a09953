import type { BackendDefinition } from '../types';
import { S3QueueAdapter } from './adapter';
import { S3QueueConfig } from './config';

export const s3QueueBackend: BackendDefinition<S3QueueConfig> = {
  kind: 's3-queue',
  configSchema: S3QueueConfig,
  create: (config, context) => new S3QueueAdapter(config, context),
};
