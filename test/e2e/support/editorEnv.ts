import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../../sandbox/process';
import { awsEnvironment } from '../../../sandbox/services';
import { openEditor, repoRoot, startCodeServer, type CodeServer, type Editor, type TreeView, type Workbench } from '../harness';
import { openPipelinesView } from './pipelinePauseUi';
import { kafkaService, services } from '../../support/sandboxFixture';
import { testHome, uniqueBucket, type TestHome } from '../../support/testEnv';
import { waitFor } from '../../support/waitFor';

/** What `npm run package` builds; scripts/test builds it before the e2e suite. */
export const VSIX = join(repoRoot(), 'dist', 'pipeline-pause.vsix');
/** The view container (activity bar) and its one view, as titled in package.json. */
export const CONTAINER = 'Pipeline Pause';
export const VIEW = 'Pipelines';
/** The connection name testHome() writes. */
export const CONNECTION = 'local';

export interface EditorEnv {
  home: TestHome;
  bucket: string;
  /** `<connection>/<bucket>`, the address the CLI and the palette use. */
  id: string;
  codeServer: CodeServer;
  editor: Editor;
  /** Every agent pid seen in agent.json, so teardown can end the ones the extension started. */
  agentPids: Set<number>;
  /** Stops the editor, code-server and every agent it started (they are detached). Idempotent. */
  close(): Promise<void>;
}

/**
 * One queue bucket on the sandbox's S3 server, an agent home naming it, and code-server with the
 * packaged extension installed, opened in Chromium. The extension starts the agent itself
 * (dist/cli.js inside the installed extension), with PIPELINE_PAUSE_HOME and the sandbox's AWS
 * profile from code-server's environment: credentials reach it only through the default chain.
 */
export async function startEditorEnv(options: {
  name: string;
  bucketPrefix?: string;
  pollIntervalSeconds?: number;
  files?: Record<string, string>;
  /** Connections listed after the S3 queue one (a ksqlDB stand-in, the sandbox's Flink, ...). */
  alongside?: object[];
}): Promise<EditorEnv> {
  const s3 = services().s3;
  const bucket = uniqueBucket(options.bucketPrefix ?? 'e2e');
  const home = await testHome([bucket]);
  home.writeConnections([
    { name: CONNECTION, kind: 's3-queue', endpoint: s3.endpoint, profile: s3.profile, buckets: [bucket], pollIntervalSeconds: options.pollIntervalSeconds ?? 0.5 },
    ...(options.alongside ?? []),
  ]);
  // The in-process CLI of the tests uses the same default chain.
  Object.assign(process.env, awsEnvironment(s3));
  const workspace = mkdtempSync(join(tmpdir(), 'pp-e2e-ws-'));
  // Files the test opens in the editor (a .sql file to deploy, say).
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), content);
  const agentPids = new Set<number>();
  let codeServer: CodeServer | undefined;
  let editor: Editor | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const pid = agentInfo(home)?.pid;
    if (pid) agentPids.add(pid);
    await editor?.close();
    await codeServer?.stop();
    for (const p of agentPids) await stopProcess(p);
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    codeServer = await startCodeServer({
      vsixPath: VSIX,
      workspaceDir: workspace,
      name: options.name,
      env: { PIPELINE_PAUSE_HOME: home.paths.home, ...awsEnvironment(s3), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    editor = await openEditor(codeServer.url);
    return { home, bucket, id: `${CONNECTION}/${bucket}`, codeServer, editor, agentPids, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface AgentInfo {
  pid: number;
  port: number;
  version: string;
}

/** agent.json of a home, or null while no agent has recorded itself. */
export function agentInfo(home: TestHome): AgentInfo | null {
  if (!existsSync(home.paths.agentInfo)) return null;
  try {
    return JSON.parse(readFileSync(home.paths.agentInfo, 'utf8')) as AgentInfo;
  } catch {
    return null; // being written
  }
}


/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopProcess(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(pid, 5000)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitGone(pid, 5000);
}

export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  return waitFor(`pid ${pid} to exit`, async () => !isAlive(pid), timeoutMs, 50).catch(() => false);
}

/**
 * The editor with the S3 queue and a ksqlDB connection named `ksql` on a stand-in (real Kafka),
 * its Pipelines view open: where the ksqlDB editor tests start.
 */
export async function startKsqlEditor(options: { name: string; ksqlUrl: string; ksqlPollSeconds?: number; files?: Record<string, string> }): Promise<{ env: EditorEnv; workbench: Workbench; view: TreeView }> {
  const env = await startEditorEnv({
    name: options.name,
    files: options.files,
    pollIntervalSeconds: 2,
    alongside: [{ name: 'ksql', kind: 'ksqldb', servers: [options.ksqlUrl], kafka: { brokers: [kafkaService().bootstrap] }, pollIntervalSeconds: options.ksqlPollSeconds ?? 0.5 }],
  });
  const workbench = env.editor.workbench;
  return { env, workbench, view: await openPipelinesView(workbench) };
}
