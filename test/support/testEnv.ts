import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from '../../cli/main';
import { agentPaths, type AgentPaths } from '../../protocol/paths';
import { createQueueBucket } from '../../sandbox/s3Server';
import { services } from './sandboxFixture';

export const WRONG_PROFILE = 'pipeline-pause-wrong-keys';

/**
 * AWS shared config for the test process: the sandbox's real profile plus one with keys the
 * server does not know. Credentials reach the SDK only through its default chain.
 */
export function useAwsProfiles(): void {
  const s3 = services().s3;
  const dir = mkdtempSync(join(tmpdir(), 'pp-aws-'));
  writeFileSync(join(dir, 'config'), `[profile ${s3.profile}]\nregion = us-east-1\n[profile ${WRONG_PROFILE}]\nregion = us-east-1\n`);
  writeFileSync(
    join(dir, 'credentials'),
    `[${s3.profile}]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n` +
      `[${WRONG_PROFILE}]\naws_access_key_id = AKIAWRONGWRONGWRONG1\naws_secret_access_key = wrong-secret\n`,
  );
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
}

export function uniqueBucket(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface TestHome {
  paths: AgentPaths;
  writeConnections(connections: object[]): void;
}

/** A fresh agent home with a connections file naming the given sandbox buckets. */
export async function testHome(buckets: string[], extra: object[] = []): Promise<TestHome> {
  const s3 = services().s3;
  for (const bucket of buckets) await createQueueBucket(s3, bucket);
  const paths = agentPaths({ home: mkdtempSync(join(tmpdir(), 'pp-home-')) });
  const writeConnections = (connections: object[]) => writeFileSync(paths.connections, JSON.stringify({ connections }, null, 2));
  writeConnections([
    { name: 'local', kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets, pollIntervalSeconds: 0.2 },
    ...extra,
  ]);
  return { paths, writeConnections };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in this process against a home; `--no-agent` unless an agent is wanted. */
export async function cli(home: TestHome, args: string[], options: { useAgent?: boolean } = {}): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const argv = ['--home', home.paths.home, ...(options.useAgent ? [] : ['--no-agent']), ...args];
  const code = await run(argv, { out: (t) => stdout.push(t), err: (t) => stderr.push(t) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
