import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../cli/main';
import { agentPaths } from '../../protocol/paths';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { bashCompletionProgram } from '../support/bashCompletion';
import { RelationalMigratorStandIn } from '../standins/migrator/migratorStandIn';

const ROOT = resolve(__dirname, '../..');

/**
 * The bash completion script completing resource addresses for real: bash runs the generated
 * script, which runs the CLI's `__complete`, which asks a running agent (here over the
 * Relational Migrator stand-in), or with no agent the backends themselves, within its timeout.
 */
describe('shell completion of addresses, asked of the agent', function () {
  this.timeout(60_000);
  let dir: string;
  let standIn: RelationalMigratorStandIn;
  let agent: TestAgent;
  let script: string;
  /** The CLI from source, as the completion script calls it (its own argv[0]). */
  let program: string;
  const jobs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-completion-agent-'));
    standIn = await RelationalMigratorStandIn.start();
    for (let i = 0; i < 2; i++) jobs.push(`migrator/${String(standIn.submit({ projectId: 'orders' }).id)}`);
    const paths = agentPaths({ home: join(dir, 'home') });
    mkdirSync(paths.home, { recursive: true });
    writeFileSync(paths.connections, JSON.stringify({ connections: [{ name: 'migrator', kind: 'relational-migrator', url: standIn.url, pollIntervalSeconds: 0.3 }] }));
    agent = await startTestAgent(paths);
    const out: string[] = [];
    assert.equal(await run(['completion', 'bash'], { out: (t) => out.push(t), err: (t) => assert.fail(t) }), 0);
    script = join(dir, 'completion.bash');
    writeFileSync(script, `${out.join('\n')}\n`);
    program = join(dir, 'pipeline-pause');
    writeFileSync(program, `#!/bin/sh\nexec "${ROOT}/node_modules/.bin/tsx" "${ROOT}/cli/bin.ts" "$@"\n`);
    chmodSync(program, 0o755);
  });

  after(async () => {
    await agent?.close();
    await standIn?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What bash offers for the words after the program name, and how long it took. */
  async function complete(words: string[]): Promise<{ offered: string[]; ms: number }> {
    const started = Date.now();
    // Asynchronously: the agent answering the completion runs in this process.
    const { stdout } = await promisify(execFile)('bash', ['-c', bashCompletionProgram(script, [program, ...words])]);
    return { offered: stdout.split('\n').filter(Boolean), ms: Date.now() - started };
  }

  it('completes the addresses the agent lists, and connection names', async () => {
    const home = join(dir, 'home');
    assert.deepEqual((await complete(['--home', home, 'pause', 'migrator/'])).offered, [...jobs].sort());
    assert.deepEqual((await complete(['--home', home, 'status', jobs[0].slice(0, 'migrator/'.length + 4)])).offered, [jobs[0]]);
    assert.deepEqual((await complete(['--home', home, 'pause-all', 'm'])).offered, ['migrator']);
  });

  it('offers nothing, quickly and without a word on the terminal, when the backends do not answer', async () => {
    // No agent in this home, and a "Migrator" that takes connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const home = join(dir, 'silent-home');
    mkdirSync(home, { recursive: true });
    const port = (silent.address() as { port: number }).port;
    writeFileSync(join(home, 'connections.json'), JSON.stringify({ connections: [{ name: 'slow', kind: 'relational-migrator', url: `http://127.0.0.1:${port}`, requestTimeoutSeconds: 30 }] }));
    try {
      const { offered, ms } = await complete(['--home', home, 'status', '']);
      assert.deepEqual(offered, []);
      // Node with tsx starts in 1-3 s here; the answer gives up after 1 s, not the backend's 30 s.
      assert.ok(ms < 10_000, `took ${ms} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
