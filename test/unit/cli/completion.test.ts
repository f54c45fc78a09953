import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionWords } from '../../../cli/completion';
import { run } from '../../../cli/main';
import type { Snapshot } from '../../../protocol/messages';
import { makeConnection, makeResource, NOW } from '../extension/fixtures';
import { bashCompletionProgram } from '../../support/bashCompletion';

async function script(shell: string): Promise<string> {
  const out: string[] = [];
  assert.equal(await run(['completion', shell], { out: (t) => out.push(t), err: (t) => assert.fail(t) }), 0);
  return `${out.join('\n')}\n`;
}

/** Has the shell installed here (bash always is; zsh and fish may not be). */
const hasShell = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe('cli/completion: scripts generated from the command definitions', () => {
  let dir: string;
  let bashScript: string;
  /** A stand-in for the CLI that answers `__complete`, and records the flags it was given. */
  let fakeCli: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-completion-'));
    bashScript = join(dir, 'pipeline-pause.bash');
    writeFileSync(bashScript, await script('bash'));
    fakeCli = join(dir, 'pipeline-pause');
    writeFileSync(
      fakeCli,
      `#!/bin/sh\necho "$*" >> "${join(dir, 'asked')}"\ncase "$*" in\n  *"__complete resources") printf 'local/orders\\nlocal/emails\\nksql/CTAS_TOTALS_7\\n' ;;\n  *"__complete connections") printf 'ksql\\nlocal\\n' ;;\nesac\n`,
    );
    chmodSync(fakeCli, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** What bash offers for `line` (the cursor at its end), as the completion function fills COMPREPLY. */
  function complete(line: string): string[] {
    const [, ...words] = line.split(' ');
    const result = spawnSync('bash', ['-c', bashCompletionProgram(bashScript, [fakeCli, ...words])], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('bash completes commands, each command\'s flags, and the global flags', () => {
    assert.deepEqual(complete('pipeline-pause pa'), ['pause', 'pause-all', 'pause-upstream']);
    assert.deepEqual(complete('pipeline-pause co'), ['completion']);
    assert.deepEqual(complete('pipeline-pause pause --re'), ['--reason', '--resume-after', '--resume-at']);
    assert.deepEqual(complete('pipeline-pause status --'), ['--exact', '--json', '--help']);
    assert.deepEqual(complete('pipeline-pause --no'), ['--no-agent']);
    assert.deepEqual(complete('pipeline-pause completion '), ['bash', 'zsh', 'fish']);
    assert.deepEqual(complete('pipeline-pause pause --reason '), [], 'a free-text value gets no suggestion');
  });

  it('bash completes addresses and connections by asking the CLI, passing on --home and --connections', () => {
    assert.deepEqual(complete('pipeline-pause pause local/'), ['local/orders', 'local/emails']);
    assert.deepEqual(complete('pipeline-pause --home /tmp/h status --json k'), ['ksql/CTAS_TOTALS_7']);
    assert.deepEqual(complete('pipeline-pause pause --reason because local/e'), ['local/emails'], 'a flag\'s value is not an argument');
    assert.deepEqual(complete('pipeline-pause pause-all '), ['ksql', 'local']);
    assert.deepEqual(complete('pipeline-pause pause local/orders '), [], 'pause takes one address');
    const asked = spawnSync('cat', [join(dir, 'asked')], { encoding: 'utf8' }).stdout;
    assert.match(asked, /^--home \/tmp\/h __complete resources$/m);
  });

  it('zsh and fish scripts name every command and load without errors where the shell is installed', async () => {
    for (const shell of ['zsh', 'fish']) {
      const text = await script(shell);
      for (const command of ['list', 'pause-upstream', 'completion']) assert.ok(text.includes(command), `${shell} completes ${command}`);
      assert.ok(!text.includes('__complete\n'), 'the hidden command is not offered');
      if (!hasShell(shell)) continue;
      const file = join(dir, `pipeline-pause.${shell}`);
      writeFileSync(file, text);
      const check = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${shell} -n: ${check.stderr}`);
    }
  });

  it('__complete answers with sorted addresses or connections, and with nothing when the agent is slow or failing', async () => {
    const snapshot: Snapshot = { agent: { version: '0', pid: 1, startedAt: NOW.toISOString() }, kinds: {}, connections: [makeConnection('local'), makeConnection('ksql')], resources: [makeResource('local/b'), makeResource('local/a')], configError: null };
    assert.deepEqual(await completionWords('resources', async () => snapshot), ['local/a', 'local/b']);
    assert.deepEqual(await completionWords('connections', async () => snapshot), ['ksql', 'local']);
    assert.deepEqual(await completionWords('resources', () => Promise.reject(new Error('agent down'))), []);
    const started = Date.now();
    assert.deepEqual(await completionWords('resources', () => new Promise(() => undefined), 50), []);
    assert.ok(Date.now() - started < 500);
    assert.deepEqual(await completionWords('nonsense', async () => snapshot), []);
  });
});
