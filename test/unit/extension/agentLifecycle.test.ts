import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLifecycle, type LaunchedAgent } from '../../../extension/agent/agentLifecycle';
import { launchAgent } from '../../../extension/agent/agentProcess';
import { PauseError } from '../../../protocol/errors';
import { agentPaths, type AgentPaths } from '../../../protocol/paths';
import { VERSION } from '../../../protocol/version';
import { FakeAgent } from './fakeAgent';

const repoRoot = join(__dirname, '..', '..', '..');

describe('extension/agent/agentLifecycle', () => {
  let home: string;
  let paths: AgentPaths;
  const agents: FakeAgent[] = [];

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'pipeline-pause-life-'));
    paths = agentPaths({ home, connections: join(home, 'connections.json') });
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.kill()));
    await rm(home, { recursive: true, force: true });
  });

  /** A launcher that brings up a fake agent of `version` in the home, as a spawned agent would. */
  function fakeLauncher(version = VERSION): { launch: () => LaunchedAgent; count: () => number } {
    let count = 0;
    return {
      count: () => count,
      launch: () => {
        count += 1;
        const exited = new Promise<number | null>(() => undefined); // never exits
        setTimeout(() => void FakeAgent.start({ home, version }).then((a) => agents.push(a)), 100);
        return { pid: undefined, exited };
      },
    };
  }

  it('uses a running agent of our version without starting another', async () => {
    agents.push(await FakeAgent.start({ home }));
    const launcher = fakeLauncher();
    const found = await new AgentLifecycle({ paths, version: VERSION, launch: launcher.launch }).ensure();
    assert.equal(found.info.port, agents[0].port);
    assert.equal(launcher.count(), 0);
  });

  it('starts one agent for any number of concurrent callers', async () => {
    const launcher = fakeLauncher();
    const lifecycle = new AgentLifecycle({ paths, version: VERSION, launch: launcher.launch, pollMs: 20 });
    const found = await Promise.all([lifecycle.ensure(), lifecycle.ensure(), lifecycle.ensure()]);
    assert.equal(launcher.count(), 1);
    assert.equal(new Set(found.map((f) => f.info.port)).size, 1);
  });

  it('replaces an agent of another version: asks it to shut down, then starts ours', async () => {
    const old = await FakeAgent.start({ home, version: '0.0.1-old' });
    agents.push(old);
    const launcher = fakeLauncher();
    const found = await new AgentLifecycle({ paths, version: VERSION, launch: launcher.launch, pollMs: 20 }).ensure();
    assert.equal(old.requestsTo(/POST \/shutdown/).length, 1);
    assert.equal(launcher.count(), 1);
    assert.equal(found.info.version, VERSION);
    assert.notEqual(found.info.port, old.port);
  });

  it('explains an agent that exits before it is ready with its last log line and the log path', async () => {
    await writeFile(paths.log, '{"level":30,"msg":"starting"}\nerror: an agent is already running on 127.0.0.1:4000 (pid 7); stop it first\n');
    const lifecycle = new AgentLifecycle({ paths, version: VERSION, launch: () => ({ pid: 1, exited: Promise.resolve(1) }), pollMs: 20 });
    await assert.rejects(lifecycle.ensure(), (error: PauseError) => {
      assert.equal(error.message, `the agent exited (code 1) before it was ready: an agent is already running on 127.0.0.1:4000 (pid 7); stop it first; see ${paths.log}`);
      return true;
    });
  });

  it('gives up after the start timeout, pointing at the log', async () => {
    const lifecycle = new AgentLifecycle({ paths, version: VERSION, launch: () => ({ pid: 1, exited: new Promise(() => undefined) }), startTimeoutMs: 300, pollMs: 20 });
    await assert.rejects(lifecycle.ensure(), new RegExp(`did not start within 0.3s; see ${paths.log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('starts the real agent detached with its log in the home, then stops it', async function () {
    this.timeout(30_000);
    // The CLI from source through tsx: the same entry point dist/cli.js is bundled from.
    const lifecycle = new AgentLifecycle({ paths, version: VERSION, launch: () => launchAgent({ command: process.execPath, args: ['--require', 'tsx/cjs', join(repoRoot, 'cli', 'bin.ts')], paths }) });
    const found = await lifecycle.ensure();
    try {
      const health = await found.client.health();
      assert.equal(health.version, VERSION);
      assert.notEqual(health.pid, process.pid, 'a separate process');
      assert.ok(existsSync(paths.log), 'it logs to <home>/agent.log');
    } finally {
      await lifecycle.stop(found);
    }
    assert.equal(await lifecycle.find(), null, 'stopped');
  });
});
