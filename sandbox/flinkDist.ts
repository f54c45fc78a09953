import { join } from 'node:path';
import { ensureJarSet, jarsIn, jarSetPom, pomDependency, type JarSet } from './mavenJars';

/**
 * Apache Flink from Maven Central (flink-dist is not published there): the runtime with its web
 * REST API, the SQL Gateway, the table planner and runtime, and the Kafka connector, on one
 * classpath for JobManager, TaskManager and gateway alike.
 */
export const FLINK_VERSION = '2.2.1';
/** The Kafka connector release built for Flink 2.2. */
const KAFKA_CONNECTOR_VERSION = '5.0.0-2.2';
/** Flink 2.2 logs through slf4j 1.7, so the slf4j 1.x binding of log4j2. */
const LOG4J_VERSION = '2.25.4';

const FLINK_GROUP = 'org.apache.flink';
const LIBS = [
  'flink-runtime', // StandaloneSessionClusterEntrypoint, TaskManagerRunner
  'flink-runtime-web', // the REST API's job submission and web handlers
  'flink-clients',
  'flink-sql-gateway', // org.apache.flink.table.gateway.SqlGateway
  'flink-table-api-java-bridge',
  'flink-table-runtime',
  'flink-table-planner-loader',
  'flink-connector-base',
  'flink-json',
];

export interface FlinkDistribution {
  version: string;
  dir: string;
  classpath: string[];
}

const GOALS = ['dependency:copy-dependencies@libs'];

function pom(): string {
  return jarSetPom({
    generator: 'sandbox/flinkDist.ts',
    goals: GOALS,
    artifactId: `flink-${FLINK_VERSION}`,
    dependencies: [
      ...LIBS.map((artifact) => pomDependency(FLINK_GROUP, artifact, FLINK_VERSION)),
      pomDependency(FLINK_GROUP, 'flink-connector-kafka', KAFKA_CONNECTOR_VERSION),
      pomDependency('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION),
      pomDependency('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION),
    ],
  });
}

const FLINK_JARS: JarSet = {
  title: `Apache Flink ${FLINK_VERSION} (session cluster, SQL Gateway, Kafka connector ${KAFKA_CONNECTOR_VERSION})`,
  name: `flink-${FLINK_VERSION}`,
  pom: pom(),
  goals: GOALS,
};

export async function ensureFlinkDistribution(log: (line: string) => void = console.error): Promise<FlinkDistribution> {
  const dir = await ensureJarSet(FLINK_JARS, log);
  return { version: FLINK_VERSION, dir, classpath: jarsIn(join(dir, 'libs')) };
}
