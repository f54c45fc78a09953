import type { BackendDefinition } from '../types';
import { S3QueueAdapter } from './adapter';
import { S3QueueConfig } from './config';

export const s3QueueBackend: BackendDefinition<S3QueueConfig> = {
  kind: 's3-queue',
  configSchema: S3QueueConfig,
  // Each bucket is its own queue, listed with calls of its own.
  refreshesAfterAction: 'resource',
  presents: { 's3-queue': { title: 'S3 task queue', heading: 'Queue', pending: 'Pending tasks', inFlight: 'Running tasks', oldest: 'Oldest pending', backlogInDescription: null, listedOnly: null, confirmPause: null, stopEffect: null } },
  connects: {
    title: 'S3 task queue (buquet)',
    detail: 'One or more buckets, each holding one buquet queue, on AWS or an S3-compatible server.',
    fields: [
      { path: ['buckets'], input: 'list', label: 'Queue buckets', prompt: 'The S3 buckets, comma-separated: each holds one buquet queue.', placeholder: 'my-queue-bucket', optional: false },
      { path: ['endpoint'], input: 'url', label: 'S3 endpoint', prompt: 'Optional: an S3-compatible endpoint, e.g. http://127.0.0.1:9000. Leave empty for AWS.', placeholder: 'http://127.0.0.1:9000', optional: true },
      { path: ['region'], input: 'text', label: 'AWS region', prompt: "Optional: e.g. eu-west-1. Leave empty for the AWS SDK's (AWS_REGION, the profile's), else us-east-1.", placeholder: 'us-east-1', optional: true },
      { path: ['profile'], input: 'text', label: 'AWS profile', prompt: 'Optional: a named profile of ~/.aws/config; credentials never go in the connections file. Leave empty for the default chain.', placeholder: 'default', optional: true },
    ],
  },
  create: (config, context) => new S3QueueAdapter(config, context),
};
