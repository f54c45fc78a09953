import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentEvents } from '../client/agentEvents';
import { sandboxDown, sandboxUp } from '../sandbox/sandbox';
import { editorPaths } from '../test/e2e/harness';
import { agentInfo, startEditorEnv, type EditorEnv } from '../test/e2e/support/editorEnv';
import { openPipelinesView, watchStatusText } from '../test/e2e/support/pipelinePauseUi';
import { cli } from '../test/support/testEnv';
import { summarize } from './stats';

/**
 * How long after a pause or resume is written to S3 by someone else (the CLI without the agent)
 * (a) a websocket client of the agent hears of it and (b) the status bar of a real editor
 * (code-server in Chromium, the packaged extension and the agent it started) shows or hides
 * "1 paused". Both are measured on the same changes in one run, so the editor's extra delay is
 * the difference per change. Needs `bash scripts/install-editor.sh` once.
 *   npx tsx bench/changeToEditor.ts [trials, default 10] [--poll seconds, default 1]
 */
const STATUS_TEXT = '1 paused';
const TIMEOUT_MS = 30_000;

type Sample = { change: 'pause' | 'resume'; websocketMs: number; editorMs: number };
type Summary = ReturnType<typeof summarize>;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const pollAt = args.indexOf('--poll');
  const poll = pollAt >= 0 ? Number(args.splice(pollAt, 2)[1]) : 1;
  const trials = Number(args[0] ?? 10);
  if (!(trials > 0) || !(poll > 0)) throw new Error('usage: npx tsx bench/changeToEditor.ts [trials] [--poll seconds]');
  editorPaths(); // fails early, with the fix, when the editor is not installed
  console.error('building dist/pipeline-pause.vsix (npm run package)');
  execFileSync('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });

  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-'));
  await sandboxUp(dir, () => undefined);
  process.env.PIPELINE_PAUSE_SANDBOX = dir;
  let env: EditorEnv | undefined;
  let events: AgentEvents | undefined;
  const samples: Sample[] = [];
  try {
    env = await startEditorEnv({ name: 'bench-changeToEditor', bucketPrefix: 'bench', pollIntervalSeconds: poll });
    const { page, workbench } = env.editor;
    const view = await openPipelinesView(workbench);
    await view.waitForDescription(env.bucket, 'running', 60_000);
    const agent = agentInfo(env.home);
    if (!agent) throw new Error('the extension did not start an agent');
    env.agentPids.add(agent.pid);
    const token = readFileSync(env.home.paths.token, 'utf8').trim();

    // (a): a websocket client of the same agent the editor follows.
    events = new AgentEvents(async () => ({ baseUrl: `http://127.0.0.1:${agent.port}`, token }));
    let waiter: { state: string; resolve: (at: number) => void } | null = null;
    const connected = new Promise<void>((resolve) => events!.on('snapshot', () => resolve()));
    events.on('resource-changed', (message) => {
      if (waiter && message.resource.id === env!.id && message.resource.state === waiter.state) waiter.resolve(Date.now());
    });
    events.setWatching(true); // a watching client: the agent lists at pollIntervalSeconds only then
    events.start();
    await connected;

    for (let trial = 0; trial < trials; trial++) {
      for (const [change, state, shown] of [['pause', 'paused', true], ['resume', 'running', false]] as const) {
        // A random phase against the poll timer, so the trials sample the whole interval.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * poll * 1000));
        const editorAt = await watchStatusText(page, STATUS_TEXT, shown, TIMEOUT_MS);
        const heard = new Promise<number>((resolve, reject) => {
          waiter = { state, resolve };
          setTimeout(() => reject(new Error(`no websocket event for ${change} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref();
        });
        const result = await cli(env.home, [change, env.id]);
        if (result.code !== 0) throw new Error(`${change} failed: ${result.stderr}`);
        const written = Date.now();
        const [wsAt, uiAt] = await Promise.all([heard, editorAt()]);
        waiter = null;
        samples.push({ change, websocketMs: wsAt - written, editorMs: uiAt - written });
        console.error(`trial ${trial + 1}/${trials} ${change}: websocket ${wsAt - written} ms, editor ${uiAt - written} ms`);
      }
    }
  } finally {
    events?.close();
    await env?.close();
    await sandboxDown(dir, () => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  const results: Record<string, { websocket: Summary; editor: Summary; editorExtra: Summary; editorRatio: Summary }> = {};
  for (const [name, picked] of [
    ['pause → shown', samples.filter((s) => s.change === 'pause')],
    ['resume → hidden', samples.filter((s) => s.change === 'resume')],
    ['all', samples],
  ] as const) {
    results[name] = {
      websocket: summarize(picked.map((s) => s.websocketMs)),
      editor: summarize(picked.map((s) => s.editorMs)),
      // Per change, so the poll phase (most of either delay) cancels out.
      editorExtra: summarize(picked.map((s) => s.editorMs - s.websocketMs)),
      editorRatio: summarize(picked.map((s) => s.editorMs / Math.max(1, s.websocketMs))),
    };
  }
  const { codeServerVersion } = editorPaths();
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'changeToEditor.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), trials, pollIntervalSeconds: poll, codeServerVersion, unit: 'ms', results, samples }, null, 2)}\n`,
  );
  const triple = (s: Summary) => `${s.median.toFixed(0)} / ${s.p90.toFixed(0)} / ${s.max.toFixed(0)}`;
  console.log(`poll interval ${poll}s, ${trials} trials; ms as median / p90 / max\n`);
  console.log('| change | n | agent websocket | editor status bar | editor − websocket (per change) | editor / websocket (per change, median) |\n|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name} | ${r.websocket.n} | ${triple(r.websocket)} | ${triple(r.editor)} | ${triple(r.editorExtra)} | ${r.editorRatio.median.toFixed(2)}× |`);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
