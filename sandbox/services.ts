import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sandboxDir } from './paths';

/** The one file that tells tests, the CLI and the README's command where the sandbox runs. */
export const S3Service = z.object({
  endpoint: z.string(),
  region: z.string(),
  profile: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  awsConfigFile: z.string(),
  awsCredentialsFile: z.string(),
  pid: z.number().int(),
  logFile: z.string(),
});
export type S3Service = z.infer<typeof S3Service>;

export const Services = z.object({
  createdAt: z.string(),
  python: z.object({ python: z.string(), bin: z.string() }),
  s3: S3Service,
});
export type Services = z.infer<typeof Services>;

export function servicesFile(dir = sandboxDir()): string {
  return join(dir, 'services.json');
}

export function readServices(dir = sandboxDir()): Services | null {
  try {
    return Services.parse(JSON.parse(readFileSync(servicesFile(dir), 'utf8')));
  } catch {
    return null;
  }
}

export function writeServices(services: Services, dir = sandboxDir()): void {
  writeFileSync(servicesFile(dir), `${JSON.stringify(services, null, 2)}\n`, { mode: 0o600 });
}

/** Environment for anything that should use the sandbox's S3 through the default AWS chain. */
export function awsEnvironment(s3: S3Service): Record<string, string> {
  return {
    AWS_CONFIG_FILE: s3.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: s3.awsCredentialsFile,
    AWS_PROFILE: s3.profile,
  };
}

/** What buquet's Python client and CLI read (it takes keys from the environment only). */
export function buquetEnvironment(s3: S3Service, bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: bucket,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    // moto answers GetBucketVersioning with a <GetBucketVersioningResponse> root element, which
    // buquet's Rust SDK rejects; the buckets are versioned, buquet just cannot read moto's reply.
    BUQUET_ALLOW_NO_VERSIONING: '1',
  };
}
