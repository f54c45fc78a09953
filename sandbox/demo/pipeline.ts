import { join } from 'node:path';
import { FILE_SINK, FILE_SOURCE } from '../connect';
import { DEMO_BUCKET, SANDBOX_CONNECTION } from '../sandbox';
import type { Services } from '../services';

/**
 * The demo pipeline ./scripts/start runs on the sandbox's real services, as one connections file:
 *   Flink job demo_orders (datagen, two orders a second) -> topic demo.orders -> Connect sink -> a file;
 *   a Connect source tailing a clicks file -> topic demo.clicks;
 *   the buquet queue demo-queue with two Node workers and a steady submitter;
 *   the Querator queue demo-jobs with a producer and a consumer calling the agent's gateway.
 */
export const DEMO = {
  flinkJob: 'demo_orders',
  ordersTopic: 'demo.orders',
  clicksTopic: 'demo.clicks',
  sink: 'demo-orders-sink',
  source: 'demo-clicks-source',
  queratorQueue: 'demo-jobs',
  bucket: DEMO_BUCKET,
  flinkScript: 'demo_orders.sql',
} as const;

/** The demo's files: what the Connect file connectors read and write, beside the sandbox's own. */
export function demoFiles(sandbox: string): { dir: string; clicks: string; ordersOut: string; workspace: string } {
  const dir = join(sandbox, 'demo');
  return { dir, clicks: join(dir, 'clicks.txt'), ordersOut: join(dir, 'orders.out'), workspace: join(dir, 'workspace') };
}

export type DemoServices = Required<Pick<Services, 's3' | 'kafka' | 'connect' | 'flink' | 'querator'>> & Services;

export function requireDemoServices(services: Services): DemoServices {
  const missing = (['kafka', 'connect', 'flink', 'querator'] as const).filter((name) => !services[name]);
  if (missing.length) throw new Error(`the demo needs the sandbox's ${missing.join(', ')}; start it with \`npx tsx sandbox/cli.ts up --with kafka,connect,flink,querator\``);
  return services as DemoServices;
}

/** The connections file of the demo: every backend the sandbox runs, nothing hand-written. */
export function demoConnections(services: DemoServices, queratorGatewayPort: number): object {
  const kafka = { brokers: [services.kafka.bootstrap] };
  return {
    $schema: '../schemas/connections.schema.json',
    connections: [
      {
        name: SANDBOX_CONNECTION,
        kind: 's3-queue',
        description: 'The sandbox S3 server (moto): buquet queue demo-queue, two Node workers',
        endpoint: services.s3.endpoint,
        region: services.s3.region,
        profile: services.s3.profile,
        buckets: [DEMO.bucket],
        pollIntervalSeconds: 1,
      },
      { name: 'connect', kind: 'kafka-connect', description: 'The sandbox Kafka Connect worker', url: services.connect.url, kafka, pollIntervalSeconds: 1 },
      { name: 'flink', kind: 'flink', description: 'The sandbox Flink session cluster', url: services.flink.restUrl, gatewayUrl: services.flink.gatewayUrl, kafka, pollIntervalSeconds: 1 },
      { name: 'querator', kind: 'querator', description: 'The sandbox Querator server, behind the agent gateway', endpoint: services.querator.endpoint, gatewayPort: queratorGatewayPort, pollIntervalSeconds: 1 },
    ],
  };
}

/** The two file connectors, as PUT /connectors/<name>/config takes them. */
export function demoConnectors(sandbox: string): Record<string, Record<string, string>> {
  const files = demoFiles(sandbox);
  return {
    [DEMO.source]: { 'connector.class': FILE_SOURCE, file: files.clicks, topic: DEMO.clicksTopic, 'tasks.max': '1' },
    [DEMO.sink]: { 'connector.class': FILE_SINK, file: files.ordersOut, topics: DEMO.ordersTopic, 'tasks.max': '1' },
  };
}

/** The Flink job's script, opened in the editor's workspace: edit it and deploy it with the lens. */
export function demoFlinkScript(bootstrap: string): string {
  return [
    '-- The demo pipeline: Flink makes two orders a second into demo.orders; the Kafka Connect sink',
    '-- demo-orders-sink writes them to a file. Pause it upstream, edit the SELECT, deploy, resume.',
    'CREATE TABLE generated_orders (id BIGINT, amount INT) WITH (',
    "  'connector' = 'datagen', 'rows-per-second' = '2',",
    // Random ids: a sequence generator holds its whole range in memory from the start.
    "  'fields.id.min' = '1', 'fields.id.max' = '999999',",
    "  'fields.amount.min' = '1', 'fields.amount.max' = '500');",
    `CREATE TABLE ${DEMO.flinkJob} (id BIGINT, amount INT) WITH (`,
    `  'connector' = 'kafka', 'topic' = '${DEMO.ordersTopic}', 'properties.bootstrap.servers' = '${bootstrap}', 'format' = 'json');`,
    `INSERT INTO ${DEMO.flinkJob}`,
    'SELECT id, amount FROM generated_orders;',
    '',
  ].join('\n');
}
