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

/** A single-node KRaft broker (combined broker + controller) on loopback; started on demand. */
export const KafkaService = z.object({
  version: z.string(),
  /** `127.0.0.1:<port>`, for kafkajs `brokers: [bootstrap]` or `bootstrap.servers`. */
  bootstrap: z.string(),
  port: z.number().int(),
  controllerPort: z.number().int(),
  /** A listener for clients behind a test's fault proxy: see ProxiedListener in sandbox/kafka.ts. */
  proxied: z.object({ brokerPort: z.number().int(), advertisedPort: z.number().int() }),
  clusterId: z.string(),
  pid: z.number().int(),
  logFile: z.string(),
  dataDir: z.string(),
  configFile: z.string(),
  /** Set while the JVM will write its first class-data archive when it stops. */
  cdsDumpFile: z.string().optional(),
});
export type KafkaService = z.infer<typeof KafkaService>;

/** A Kafka Connect worker in distributed mode with the file connectors on its plugin.path. */
export const ConnectService = z.object({
  version: z.string(),
  /** `http://127.0.0.1:<port>`: the REST API. */
  url: z.string(),
  port: z.number().int(),
  groupId: z.string(),
  configTopic: z.string(),
  offsetTopic: z.string(),
  statusTopic: z.string(),
  pluginPath: z.string(),
  pid: z.number().int(),
  logFile: z.string(),
  configFile: z.string(),
  cdsDumpFile: z.string().optional(),
});
export type ConnectService = z.infer<typeof ConnectService>;

/** A real Querator server (built with `go install`), in-memory storage, on a free loopback port. */
export const QueratorService = z.object({
  version: z.string(),
  /** `http://127.0.0.1:<port>`: the DUH-RPC API. */
  endpoint: z.string(),
  port: z.number().int(),
  pid: z.number().int(),
  logFile: z.string(),
  configFile: z.string(),
  binary: z.string(),
});
export type QueratorService = z.infer<typeof QueratorService>;

/** A Flink session cluster (JobManager + TaskManager) and its SQL Gateway, from Maven Central jars. */
export const FlinkService = z.object({
  version: z.string(),
  /** `http://127.0.0.1:<port>`: the cluster's REST API (jobs, savepoints). */
  restUrl: z.string(),
  /** `http://127.0.0.1:<port>`: the SQL Gateway's REST API (sessions, statements). */
  gatewayUrl: z.string(),
  jobManagerPid: z.number().int(),
  taskManagerPid: z.number().int(),
  gatewayPid: z.number().int(),
  checkpointDir: z.string(),
  savepointDir: z.string(),
  configDir: z.string(),
  logFiles: z.object({ jobManager: z.string(), taskManager: z.string(), gateway: z.string() }),
});
export type FlinkService = z.infer<typeof FlinkService>;

/** Services beside S3 that a sandbox starts only when asked (`up --with kafka,connect`). */
export const OPTIONAL_SERVICES = ['kafka', 'connect', 'querator', 'flink'] as const;
export type OptionalService = (typeof OPTIONAL_SERVICES)[number];

export const Services = z.object({
  createdAt: z.string(),
  python: z.object({ python: z.string(), bin: z.string() }),
  s3: S3Service,
  kafka: KafkaService.optional(),
  connect: ConnectService.optional(),
  querator: QueratorService.optional(),
  flink: FlinkService.optional(),
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

/** `kafka,connect` (any separator) -> the optional services named; unknown names are an error. */
export function parseServiceList(text: string | undefined): OptionalService[] {
  const names = (text ?? '')
    .split(/[\s,]+/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name && name !== 's3');
  for (const name of names) {
    if (!(OPTIONAL_SERVICES as readonly string[]).includes(name)) {
      throw new Error(`unknown sandbox service '${name}' (known: s3, ${OPTIONAL_SERVICES.join(', ')})`);
    }
  }
  return [...new Set(names as OptionalService[])];
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
