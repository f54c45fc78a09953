import { execFile, spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { editorPaths } from './editorPaths';

export interface StartCodeServerOptions {
  vsixPath: string;
  workspaceDir: string;
  /** Merged over the defaults below into User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server; its extension host inherits it. */
  env?: NodeJS.ProcessEnv;
  /** Where code-server's log and, once stopped, VS Code's own logs go. */
  logDir: string;
  /** Label for the log files in logDir. */
  name?: string;
  startTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  logPath: string;
  extensionsDir: string;
  userDataDir: string;
  timings: { installMs: number; startMs: number };
  /** Kills code-server's whole process group and removes its temp dirs. Idempotent. */
  stop(): Promise<void>;
}

// Keep the first run quiet: no welcome page, walkthroughs, trust prompt, chat
// panel or network-bound features that would steal focus or stall offline.
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  // The agent listens on ports; auto-forwarding would pop up notifications.
  'remote.autoForwardPorts': false,
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
};

const LISTENING = /HTTP server listening on (https?:\/\/\S+?)\/?\s*$/m;

let counter = 0;

export async function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServer> {
  const paths = editorPaths();
  if (!fs.existsSync(opts.vsixPath)) throw new Error(`vsix not found: ${opts.vsixPath}`);
  if (!fs.existsSync(opts.workspaceDir)) throw new Error(`workspace dir not found: ${opts.workspaceDir}`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pp-e2e-cs-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const configPath = path.join(root, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.userSettings }, null, 2),
  );
  // Without --config code-server writes ~/.config/code-server/config.yaml.
  fs.writeFileSync(configPath, 'auth: none\ncert: false\n');

  const name = opts.name ?? `code-server-${process.pid}-${++counter}`;
  const logDir = opts.logDir;
  fs.mkdirSync(logDir, { recursive: true });
  const logPath = path.join(logDir, `${name}.code-server.log`);

  const env = childEnv(root, opts.env);
  const common = ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  let t = Date.now();
  try {
    await installVsix(paths.node, paths.codeServer, common, opts.vsixPath, env);
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const installMs = Date.now() - t;

  t = Date.now();
  const args = [
    paths.codeServer,
    ...common,
    '--auth', 'none',
    // Port 0: the OS picks a free loopback port; we read it back from the log.
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    path.resolve(opts.workspaceDir),
  ];
  const log = fs.createWriteStream(logPath);
  log.write(`$ ${paths.node} ${args.join(' ')}\n`);
  // detached: own process group, so stop() can kill code-server and every
  // child it forked (server, extension host, their children) in one signal.
  const child = spawn(paths.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // 'close' (not 'exit') means stdout/stderr are drained, so the log can be ended.
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  log.on('error', () => undefined);
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await terminate(child, closed);
    copyVsCodeLogs(userDataDir, path.join(logDir, `${name}.vscode-logs`));
    log.end();
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const url = await waitForListening(child, log, logPath, opts.startTimeoutMs ?? 60_000);
    return { url, logPath, extensionsDir, userDataDir, timings: { installMs, startMs: Date.now() - t }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function childEnv(root: string, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A tsx/mocha loader or an outer VS Code's IPC hooks must not leak into the editor.
  for (const k of Object.keys(env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  // code-server lets $PORT override --bind-addr.
  delete env.PORT;
  // code-server writes logs under XDG_DATA_HOME and IPC sockets (vscode-ipc-*,
  // vscode-git-*) under TMPDIR, left behind when killed: keep them in `root`.
  env.XDG_DATA_HOME = path.join(root, 'xdg-data');
  env.XDG_CONFIG_HOME = path.join(root, 'xdg-config');
  env.TMPDIR = path.join(root, 'tmp');
  fs.mkdirSync(env.TMPDIR);
  return { ...env, ...extra };
}

function installVsix(node: string, entry: string, common: string[], vsix: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      node,
      [entry, ...common, '--force', '--install-extension', path.resolve(vsix)],
      { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        // code-server can exit 0 after a failed install; trust only its success line.
        if (err || !/successfully installed/i.test(out)) {
          const why = err ? ` (${err.killed ? 'timed out' : `exit code ${err.code}`})` : '';
          reject(new Error(`installing ${vsix} into code-server failed${why}:\n${out.trim()}`));
        } else {
          resolve();
        }
      },
    );
  });
}

function waitForListening(child: ChildProcess, log: fs.WriteStream, logPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let done = false;
    const tail = () => seen.split('\n').slice(-25).join('\n');
    const finish = (err?: Error, url?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(url!);
    };
    // Keeps copying output to the log after the server is up.
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (done) return;
      seen = (seen + chunk.toString()).slice(-64 * 1024);
      const m = LISTENING.exec(seen);
      if (m) finish(undefined, m[1]);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`code-server exited (code ${code}, signal ${signal}) before listening. Log ${logPath}:\n${tail()}`));
    const onError = (e: Error) => finish(new Error(`could not start code-server: ${e.message}`));
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms waiting for "HTTP server listening on" in ${logPath}. Last output:\n${tail()}`)),
      timeoutMs,
    );
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

async function terminate(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (child.pid === undefined) return;
  killGroup(child, 'SIGTERM');
  const timedOut = await Promise.race([closed.then(() => false), delay(5000).then(() => true)]);
  // SIGKILL the group even after a clean exit: forked children may outlive the parent.
  killGroup(child, 'SIGKILL');
  if (timedOut) await Promise.race([closed, delay(2000)]);
}

function copyVsCodeLogs(userDataDir: string, dest: string): void {
  const src = path.join(userDataDir, 'logs');
  if (!fs.existsSync(src)) return;
  try {
    fs.rmSync(dest, { recursive: true, force: true });
    fs.cpSync(src, dest, { recursive: true });
  } catch {
    // logs are best effort
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
