import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths';
import { freePort, isAlive, spawnService, stopProcessGroup } from './process';
import type { QueratorService } from './services';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real Querator server (kapetan-io/querator) for the Querator gateway's tests: built once with
 * `go install` into the cache and started with a YAML config on a free loopback port. The config
 * file is the only way to choose the address: v0.0.11 parses `--address` (and QUERATOR_ADDRESS)
 * but never applies it, and always listens on localhost:2319 without a config file. Storage is in
 * memory (Querator's default when the config names no storage), so every start is empty.
 */
export const QUERATOR_MODULE = 'github.com/kapetan-io/querator';
export const QUERATOR_VERSION = 'v0.0.11';
/** The go directive of Querator's go.mod at that version. */
const MIN_GO = [1, 24, 4];
// Generous: on a loaded machine (a venv install and three JVMs starting beside it) it once took
// over 30 s to answer; a process that exits is still reported at once.
const READY_TIMEOUT_MS = 90_000;

const run = promisify(execFile);

export interface QueratorBinary {
  version: string;
  path: string;
}

/**
 * cacheDir()/querator-<version>/bin/querator, built by `go install <module>/cmd/querator@<version>`
 * with GOBIN pointing there; Go's own module and build caches (GOMODCACHE, GOCACHE) stay where
 * the machine keeps them, so a rebuild after a cache wipe of ours is a quick link step.
 */
export async function ensureQueratorBinary(log: (line: string) => void = console.error, version = QUERATOR_VERSION): Promise<QueratorBinary> {
  const dir = join(cacheDir(), `querator-${version}`);
  const bin = join(dir, 'bin');
  const path = join(bin, 'querator');
  const marker = join(dir, '.installed');
  if (existsSync(marker) && existsSync(path)) return { version, path };
  const go = await goVersion();
  mkdirSync(bin, { recursive: true });
  const pkg = `${QUERATOR_MODULE}/cmd/querator`;
  const env = { ...process.env, GOBIN: bin, GOFLAGS: '' };
  log(`sandbox: building Querator ${version} with ${go} (go install ${pkg}@${version}; the first build takes a few minutes)`);
  const started = Date.now();
  try {
    await run('go', ['install', `${pkg}@${version}`], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    // `go install pkg@version` first asks the proxy for the module's version list (to look for a
    // deprecation notice); a proxy or mirror that serves versions but not lists fails that step.
    // Building the same version from a module that requires it needs no list.
    if (!/loading deprecation|@v\/list/.test(stderr)) throw new Error(`go install ${pkg}@${version} failed:\n${stderr.trim()}`);
    log('sandbox: the Go proxy does not serve version lists; installing the same version from a module that requires it');
    const wrapper = join(dir, 'build');
    mkdirSync(wrapper, { recursive: true });
    writeFileSync(join(wrapper, 'go.mod'), `module pipeline-pause.local/querator-build\n\ngo ${MIN_GO.join('.')}\n\nrequire ${QUERATOR_MODULE} ${version}\n`);
    try {
      await run('go', ['install', pkg], { env: { ...env, GOFLAGS: '-mod=mod' }, cwd: wrapper, maxBuffer: 16 * 1024 * 1024 });
    } catch (second) {
      throw new Error(`go install ${pkg} (${version}) failed:\n${String((second as { stderr?: unknown }).stderr ?? (second as Error).message).trim()}`);
    }
  }
  if (!existsSync(path)) throw new Error(`go install reported success but ${path} is missing`);
  writeFileSync(marker, `${JSON.stringify({ version, go, builtAt: new Date().toISOString() })}\n`);
  log(`sandbox: Querator ${version} built in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  return { version, path };
}

async function goVersion(): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['version']));
  } catch {
    throw new Error(`the Querator sandbox needs Go >= ${MIN_GO.join('.')} on PATH (https://go.dev/dl/) to build ${QUERATOR_MODULE}@${QUERATOR_VERSION}`);
  }
  const match = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout);
  const found = match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : null;
  const older = found && (found[0] - MIN_GO[0] || found[1] - MIN_GO[1] || found[2] - MIN_GO[2]) < 0;
  if (!found || older) throw new Error(`Querator ${QUERATOR_VERSION} needs Go >= ${MIN_GO.join('.')}; found: ${stdout.trim()}`);
  return `go${found.join('.')}`;
}

/** The YAML a sandbox server runs with: its address, and JSON logs; no storage section means memory. */
export function queratorConfigYaml(port: number): string {
  return [
    '# Written by the Pipeline Pause sandbox. No storage section: queues and partitions live in memory.',
    `address: 127.0.0.1:${port}`,
    'logging:',
    '  handler: json',
    '  level: info',
    '',
  ].join('\n');
}

export async function startQuerator(binary: QueratorBinary, sandbox: string): Promise<QueratorService> {
  const dir = join(sandbox, 'querator');
  const logsDir = join(sandbox, 'logs');
  mkdirSync(dir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const port = await freePort();
  const configFile = join(dir, 'querator.yaml');
  writeFileSync(configFile, queratorConfigYaml(port));
  const logFile = join(logsDir, 'querator.log');
  const pid = spawnService(binary.path, ['server', '--config', configFile], { logFile, cwd: dir });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await healthy(endpoint)) break;
    if (!isAlive(pid)) throw new Error(`Querator exited during start; see ${logFile}:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      await stopProcessGroup(pid);
      throw new Error(`Querator did not answer ${endpoint}/health within ${READY_TIMEOUT_MS / 1000}s; see ${logFile}`);
    }
    await sleep(100);
  }
  return { version: binary.version, endpoint, port, pid, logFile, configFile, binary: binary.path };
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(3000) });
    return response.ok && ((await response.json()) as { status?: string }).status === 'pass';
  } catch {
    return false;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function stopQuerator(service: QueratorService): Promise<void> {
  await stopProcessGroup(service.pid);
}

/** Creates a queue on a sandbox server (the gateway's tests make their own). */
export async function createQueratorQueue(endpoint: string, name: string, options: { leaseTimeout?: string; expireTimeout?: string; partitions?: number } = {}): Promise<void> {
  const response = await fetch(`${endpoint}/v1/queues.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue_name: name, lease_timeout: options.leaseTimeout ?? '5m', expire_timeout: options.expireTimeout ?? '24h', requested_partitions: options.partitions ?? 1 }),
  });
  if (!response.ok) throw new Error(`could not create Querator queue ${name}: ${response.status} ${await response.text()}`);
}

/** Build (once) and start, with the sandbox's log lines. */
export async function launchQuerator(sandbox: string, log: (line: string) => void): Promise<QueratorService> {
  const binary = await ensureQueratorBinary(log);
  const started = Date.now();
  const service = await startQuerator(binary, sandbox);
  log(`sandbox: Querator ${binary.version} ready at ${service.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)}s (in-memory storage)`);
  return service;
}
