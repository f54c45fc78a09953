import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, lastLines } from './jvm';
import { cacheDir } from './paths';

export const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

/** A set of jars for a sandbox JVM, named by what it is and pinned by the POM that resolves it. */
export interface JarSet {
  /** For messages: "Apache Kafka 4.3.1 (broker, Connect, file connectors)". */
  title: string;
  /** Directory name prefix under the cache, e.g. `kafka-4.3.1`. */
  name: string;
  /** A POM whose build copies the jars into `libs/` (and anything else) under its basedir. */
  pom: string;
  /** The dependency plugin's executions to run, e.g. `dependency:copy-dependencies@libs`. */
  goals: string[];
}

/** `<dependency>` of a POM. */
export function pomDependency(groupId: string, artifactId: string, version: string): string {
  return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
}

/** Where a jar set lives: the digest of its POM is part of the name, so a changed pin downloads again. */
export function jarSetDir(set: JarSet): string {
  const digest = createHash('sha256').update(set.pom).digest('hex').slice(0, 10);
  return join(cacheDir(), `${set.name}-${digest}`);
}

/** The cached jar set's directory, resolving it with Maven (whose ~/.m2 is the download cache) on first use. */
export async function ensureJarSet(set: JarSet, log: (line: string) => void): Promise<string> {
  const dir = jarSetDir(set);
  if (!existsSync(join(dir, '.installed'))) await install(set, dir, log);
  return dir;
}

/** Every jar of a folder, sorted, so the classpath (and the CDS archives keyed by it) is stable. */
export function jarsIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.jar'))
    .sort()
    .map((name) => join(folder, name));
}

async function install(set: JarSet, dir: string, log: (line: string) => void): Promise<void> {
  const mvn = process.env.MVN ?? findOnPath('mvn');
  if (!mvn) throw new Error(`Maven (mvn) is needed to fetch ${set.title} from Maven Central for the sandbox; install it (Debian: apt-get install maven)`);
  const started = Date.now();
  log(`sandbox: downloading ${set.title} from Maven Central into ${dir}`);
  mkdirSync(cacheDir(), { recursive: true });
  // Installed beside the final place and renamed into it, so concurrent first runs never see half a tree.
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    writeFileSync(join(staging, 'pom.xml'), set.pom);
    try {
      await promisify(execFile)(mvn, ['-B', '-q', '--no-transfer-progress', '-f', join(staging, 'pom.xml'), ...set.goals], { maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`Maven could not fetch ${set.title}: ${message}\n${lastLines(`${stdout ?? ''}${stderr ?? ''}`, 30)}`);
    }
    writeFileSync(join(staging, '.installed'), `${new Date().toISOString()}\n`);
    // A tree without its marker is a broken earlier install: replace it.
    if (existsSync(dir) && !existsSync(join(dir, '.installed'))) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(join(dir, '.installed'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`sandbox: ${set.title} jars ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
