import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../cli/main';
import { ApiErrorBody } from '../../../protocol/errors';

/** What the CLI prints for a failure, exactly: these lines are what scripts and users read. */
describe('CLI errors: their words and their --json shape', () => {
  let home: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['--home', home, '--no-agent', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'pp-cli-errors-'));
    writeFileSync(join(home, 'connections.json'), JSON.stringify({ connections: [] }));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('names the flag the user typed, not the request field behind it', async () => {
    assert.deepEqual(await cli('pause', 'local/q', '--resume-after', '3x'), {
      code: 2,
      stdout: '',
      stderr: 'error: --resume-after: cannot read duration "3x": use a number with a unit, e.g. 30m, 2h, 1h30m, 90s or 1d',
    });
    assert.deepEqual(await cli('pause', 'local/q', '--reason', 'two\nlines'), {
      code: 2,
      stdout: '',
      stderr: 'error: --reason: one line of text, without control or bidirectional-override characters',
    });
  });

  it('with --json, prints the failure as the API error body: a stable code and the message', async () => {
    const refused = await cli('pause', 'local/q', '--resume-after', '3x', '--json');
    assert.equal(refused.code, 2);
    assert.deepEqual(ApiErrorBody.parse(JSON.parse(refused.stderr)), { error: { code: 'BadRequest', message: '--resume-after: cannot read duration "3x": use a number with a unit, e.g. 30m, 2h, 1h30m, 90s or 1d' } });
    const unknown = await cli('status', 'local/q', '--json');
    assert.deepEqual([unknown.code, JSON.parse(unknown.stderr)], [2, { error: { code: 'NotFound', message: 'no connection "local" (the connections file lists none)' } }]);
  });

  it('takes a Go-style duration: 1h30m is read, and the refusal is about the resource, not the duration', async () => {
    const result = await cli('pause', 'local/q', '--resume-after', '1h30m');
    assert.deepEqual([result.code, result.stderr], [2, 'error: no connection "local" (the connections file lists none)']);
  });

  it('says there was nothing to do in plain words', async () => {
    assert.deepEqual(await cli('resume-all'), { code: 0, stdout: 'Nothing to resume.', stderr: '' });
  });

  it('shows examples in a command\'s --help', async () => {
    const help = await cli('pause', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\nExamples:\n {2}\$ pipeline-pause pause local\/orders --reason "Deploying v2" --resume-after 30m\n/);
  });
});
