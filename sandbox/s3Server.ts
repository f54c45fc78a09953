import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths';
import { freePort, spawnService, waitForPort } from './process';
import type { PythonEnv } from './python';
import type { S3Service } from './services';

export const SANDBOX_PROFILE = 'pipeline-pause-sandbox';
const REGION = 'us-east-1';

/**
 * moto's standalone server on a free loopback port, with credential checks switched on after
 * the bootstrap calls, so wrong credentials are refused as AWS would refuse them.
 */
export async function startS3Server(python: PythonEnv, dir: string): Promise<S3Service> {
  const port = await freePort();
  const logFile = join(dir, 'logs', 's3.log');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const pid = spawnService(join(python.bin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    logFile,
    env: { INITIAL_NO_AUTH_ACTION_COUNT: '3' },
  });
  await waitForPort(port, 30_000, 'the S3 server (moto)', logFile);
  const endpoint = `http://127.0.0.1:${port}`;
  const keys = JSON.parse(execFileSync(python.python, [join(PROJECT_ROOT, 'sandbox', 's3_bootstrap.py'), endpoint], { encoding: 'utf8' })) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  const awsDir = join(dir, 'aws');
  mkdirSync(awsDir, { recursive: true, mode: 0o700 });
  const awsConfigFile = join(awsDir, 'config');
  const awsCredentialsFile = join(awsDir, 'credentials');
  writeFileSync(awsConfigFile, `[profile ${SANDBOX_PROFILE}]\nregion = ${REGION}\n`, { mode: 0o600 });
  writeFileSync(
    awsCredentialsFile,
    `[${SANDBOX_PROFILE}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  return { endpoint, region: REGION, profile: SANDBOX_PROFILE, ...keys, awsConfigFile, awsCredentialsFile, pid, logFile };
}

export function sandboxS3Client(s3: S3Service): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** A versioned bucket, as buquet requires; creating one that exists is fine. */
export async function createQueueBucket(s3: S3Service, bucket: string): Promise<void> {
  const client = sandboxS3Client(s3);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  } finally {
    client.destroy();
  }
}
