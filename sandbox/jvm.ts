import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { isAlive, spawnService } from './process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Running Java services for the sandbox: finding a JDK >= 17, starting `java -cp <jars> <main>`
 * in its own process group, waiting for readiness while watching the process, stopping it, and
 * an AppCDS archive per service that halves the JVMs' start-up CPU from the second start on.
 */

export interface Jdk {
  java: string;
  home: string;
  version: string;
  /** Changes whenever the JDK is replaced: part of every CDS archive's name. */
  key: string;
}

const MIN_JAVA = 17;

export function findOnPath(command: string): string | null {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, command);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

let cachedJdk: Jdk | null = null;

/** `$JAVA_HOME/bin/java`, else `java` on PATH; refuses anything older than Java 17 (Kafka 4 needs it). */
export function findJdk(): Jdk {
  if (cachedJdk) return cachedJdk;
  const fromHome = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : null;
  const java = fromHome && existsSync(fromHome) ? fromHome : findOnPath('java');
  if (!java) throw new Error(`Java ${MIN_JAVA}+ is needed for the Kafka sandbox and none was found (set JAVA_HOME or put java on PATH)`);
  const home = dirname(dirname(realpathSync(java)));
  const version = javaVersion(home, java);
  const major = Number(version.startsWith('1.') ? version.split('.')[1] : version.split(/[.+-]/)[0]);
  if (!(major >= MIN_JAVA)) throw new Error(`Java ${MIN_JAVA}+ is needed for the Kafka sandbox; ${java} is Java ${version}`);
  const modules = join(home, 'lib', 'modules');
  const stamp = existsSync(modules) ? `${statSync(modules).size}:${statSync(modules).mtimeMs}` : version;
  const key = createHash('sha256').update(`${home}\n${version}\n${stamp}`).digest('hex').slice(0, 10);
  cachedJdk = { java, home, version, key };
  return cachedJdk;
}

function javaVersion(home: string, java: string): string {
  try {
    const release = readFileSync(join(home, 'release'), 'utf8');
    const match = /^JAVA_VERSION="([^"]+)"/m.exec(release);
    if (match) return match[1];
  } catch {
    // no release file: ask the binary
  }
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "([^"]+)"/.exec(result.stderr ?? '');
  if (!match) throw new Error(`could not tell the version of ${java}: ${result.stderr}`);
  return match[1];
}

export interface CdsPlan {
  /** JVM flags: use the archive, or dump one at exit. */
  flags: string[];
  /** Where this JVM dumps its archive at a clean exit; finishCds moves it into place. */
  dumpFile?: string;
}

/**
 * Dynamic AppCDS (JDK 13+): the first run of a service dumps the classes it loaded when it exits
 * cleanly; later runs map them in. The archive is only valid for the same JDK and classpath, so its
 * name carries the JDK key and it lives in the jar cache. PIPELINE_PAUSE_JVM_CDS=0 switches it off.
 */
export function planCds(cacheDir: string, name: string, jdk: Jdk, options: { dump: boolean }): CdsPlan {
  if (process.env.PIPELINE_PAUSE_JVM_CDS === '0') return { flags: [] };
  const directory = join(cacheDir, 'cds');
  const archive = join(directory, `${name}-${jdk.key}.jsa`);
  if (existsSync(archive)) return { flags: [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto'] };
  if (!options.dump) return { flags: [] };
  mkdirSync(directory, { recursive: true });
  removeStaleDumps(directory);
  const dumpFile = `${archive}.tmp-${process.pid}-${Date.now()}`;
  return { flags: [`-XX:ArchiveClassesAtExit=${dumpFile}`], dumpFile };
}

/** After a clean exit, the dumped archive becomes the service's archive (first one wins). */
export function finishCds(dumpFile: string | undefined, cleanExit: boolean): void {
  if (!dumpFile || !existsSync(dumpFile)) return;
  const archive = dumpFile.replace(/\.tmp-[0-9]+-[0-9]+$/, '');
  if (cleanExit && statSync(dumpFile).size > 0 && !existsSync(archive)) {
    renameSync(dumpFile, archive);
  } else {
    rmSync(dumpFile, { force: true });
  }
}

function removeStaleDumps(directory: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync(directory)) {
    if (!entry.includes('.jsa.tmp-')) continue;
    const file = join(directory, entry);
    try {
      if (statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
    } catch {
      // raced with another sandbox
    }
  }
}

export interface JvmLaunch {
  jdk: Jdk;
  classpath: string[];
  mainClass: string;
  args: string[];
  jvmFlags: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function javaArgs(launch: Omit<JvmLaunch, 'logFile' | 'jdk'>): string[] {
  return [...launch.jvmFlags, '-cp', launch.classpath.join(delimiter), launch.mainClass, ...launch.args];
}

/** A long-lived JVM in its own process group, output appended to its log file. */
export function spawnJvm(launch: JvmLaunch): number {
  return spawnService(launch.jdk.java, javaArgs(launch), { logFile: launch.logFile, cwd: launch.cwd, env: launch.env });
}

/** A short JVM run (a tool); rejects with its output when it exits non-zero. */
export function runJvm(launch: Omit<JvmLaunch, 'logFile' | 'env'>, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.jdk.java, javaArgs(launch), { cwd: launch.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${launch.mainClass} ${launch.args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${lastLines(output, 20)}`));
    });
  });
}

/**
 * Polls `check` until it returns true; fails at once when the process dies (with the end of its
 * log), or after timeoutMs.
 */
export async function waitUntilReady(
  check: () => Promise<boolean>,
  options: { pid: number; timeoutMs: number; what: string; logFile: string; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new Error(`${options.what}: start abandoned (${String(options.signal.reason)})`);
    if (!isAlive(options.pid)) {
      throw new Error(`${options.what} exited while starting; see ${options.logFile}:\n${lastLines(readLog(options.logFile), 15)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${options.what} was not ready within ${options.timeoutMs / 1000}s; see ${options.logFile}:\n${lastLines(readLog(options.logFile), 15)}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** SIGTERM to the process group, SIGKILL after timeoutMs; true when it exited on its own. */
export async function stopJvm(pid: number, timeoutMs: number): Promise<boolean> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  if (!isAlive(pid)) return true;
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(pid)) return true;
  signal('SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
  return false;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Resident set size of a process in MiB (Linux), for the measurements in the logs. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}
