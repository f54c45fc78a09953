import { join } from 'node:path';
import { ensureJarSet, jarsIn, jarSetDir, jarSetPom, pomDependency, type JarSet } from './mavenJars';

/**
 * Apache Kafka from Maven Central: the broker (KRaft), Connect's distributed runtime and the file
 * connectors, as plain jars resolved by Maven (whose ~/.m2 is the download cache) and kept under
 * cacheDir()/kafka-<version>-<digest of the artifact list>, so a changed pin downloads again.
 */
export const KAFKA_VERSION = '4.3.1';
/** The log4j2 release Kafka 4.3.1 itself depends on; its slf4j 1.x binding is not a Kafka dependency. */
const LOG4J_VERSION = '2.25.4';

const KAFKA_GROUP = 'org.apache.kafka';
/** On the one classpath of broker, storage tool and Connect worker (as in Kafka's own libs/). */
const LIBS = [
  'kafka_2.13', // the broker: kafka.Kafka, kafka.tools.StorageTool
  'kafka-server',
  'kafka-metadata',
  'kafka-raft',
  'kafka-storage',
  'connect-runtime', // org.apache.kafka.connect.cli.ConnectDistributed
  'connect-api',
  'connect-json',
  'connect-transforms',
];
/** Loaded from Connect's plugin.path in its own class loader, as a real deployment does. */
const PLUGINS = ['connect-file'];

export interface KafkaDistribution {
  version: string;
  dir: string;
  /** Every jar of libs/, sorted, so the classpath (and the CDS archives keyed by it) is stable. */
  classpath: string[];
  pluginPath: string;
}

const GOALS = ['dependency:copy-dependencies@libs', 'dependency:copy@plugins'];

function pom(): string {
  const plugins = PLUGINS.map((artifact) => `                <artifactItem><groupId>${KAFKA_GROUP}</groupId><artifactId>${artifact}</artifactId><version>${KAFKA_VERSION}</version></artifactItem>`);
  return jarSetPom({
    generator: 'sandbox/kafkaDist.ts',
    goals: GOALS,
    artifactId: `kafka-${KAFKA_VERSION}`,
    dependencies: [...LIBS.map((artifact) => pomDependency(KAFKA_GROUP, artifact, KAFKA_VERSION)), pomDependency('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION)],
    moreExecutions: `          <execution>
            <id>plugins</id>
            <configuration>
              <outputDirectory>\${project.basedir}/plugins/connect-file</outputDirectory>
              <artifactItems>
${plugins.join('\n')}
              </artifactItems>
            </configuration>
          </execution>
`,
  });
}

const KAFKA_JARS: JarSet = {
  title: `Apache Kafka ${KAFKA_VERSION} (broker, Connect, file connectors)`,
  name: `kafka-${KAFKA_VERSION}`,
  pom: pom(),
  goals: GOALS,
};

export function kafkaDistributionDir(): string {
  return jarSetDir(KAFKA_JARS);
}

/** The cached jars, downloading them with Maven on first use. */
export async function ensureKafkaDistribution(log: (line: string) => void = console.error): Promise<KafkaDistribution> {
  const dir = await ensureJarSet(KAFKA_JARS, log);
  return { version: KAFKA_VERSION, dir, classpath: jarsIn(join(dir, 'libs')), pluginPath: join(dir, 'plugins') };
}
