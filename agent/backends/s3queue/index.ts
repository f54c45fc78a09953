import type { BackendDefinition } from '../types';
import { S3QueueAdapter } from './adapter';
import { S3QueueConfig } from './config';

export const s3QueueBackend: BackendDefinition<S3QueueConfig> = {
  kind: 's3-queue',
  configSchema: S3QueueConfig,
  presents: { 's3-queue': { title: 'S3 task queue', heading: 'Queue', pending: 'Pending tasks', inFlight: 'Running tasks', oldest: 'Oldest pending', backlogInDescription: null, listedOnly: null, confirmPause: null, stopEffect: null } },
  create: (config, context) => new S3QueueAdapter(config, context),
};
