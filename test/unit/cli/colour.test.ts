import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colourPaint, wantsColour } from '../../../cli/colour';
import { run } from '../../../cli/main';
import { formatList } from '../../../format/resourceText';
import { RelationalMigratorStandIn } from '../../standins/migrator/migratorStandIn';
import { KINDS, makeConnection, makeResource, NOW, pausedResource } from '../extension/fixtures';

const ESC = '\u001b[';

describe('cli/colour: on a terminal only', () => {
  it('colours a terminal, never a pipe or a file; NO_COLOR wins, then FORCE_COLOR', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    assert.equal(wantsColour(tty, {}), true);
    assert.equal(wantsColour(pipe, {}), false);
    assert.equal(wantsColour({}, {}), false, 'a stream that says nothing is no terminal');
    assert.equal(wantsColour(pipe, { CI: 'true' }), false, 'CI alone colours nothing (picocolors would)');
    assert.equal(wantsColour(tty, { TERM: 'dumb' }), false);
    assert.equal(wantsColour(tty, { NO_COLOR: '1' }), false);
    assert.equal(wantsColour(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR is not set (no-color.org)');
    assert.equal(wantsColour(pipe, { FORCE_COLOR: '1' }), true);
    assert.equal(wantsColour(pipe, { FORCE_COLOR: '' }), true);
    assert.equal(wantsColour(tty, { FORCE_COLOR: '0' }), false);
    assert.equal(wantsColour(tty, { FORCE_COLOR: 'false' }), false);
    assert.equal(wantsColour(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }), false);
  });

  it('golden: list with and without colour; the columns line up the same', () => {
    const snapshot = {
      agent: { version: '0', pid: 1, startedAt: NOW.toISOString() },
      kinds: KINDS,
      connections: [makeConnection('q'), makeConnection('down', { status: 'unreachable' as const, error: 'connect ECONNREFUSED' })],
      resources: [makeResource('q/a'), pausedResource('q/b', { reason: null }), makeResource('q/c', { state: 'failed', backlog: { pending: null, inFlight: null, oldestPendingAt: null, dataLossAt: null } })],
      configError: null,
    };
    const plain = [
      'RESOURCE    KIND        STATE      DETAIL',
      'q/a         s3-queue    RUNNING    12 pending',
      'q/b         s3-queue    PAUSED     by user:alice, 12 pending',
      'q/c         s3-queue    FAILED',
      'down: unreachable (connect ECONNREFUSED)',
    ].join('\n');
    assert.equal(formatList(snapshot, NOW), plain);
    assert.equal(formatList(snapshot, NOW, colourPaint(false)), plain);
    assert.equal(
      formatList(snapshot, NOW, colourPaint(true)),
      [
        'RESOURCE    KIND        STATE      DETAIL',
        `q/a         s3-queue    ${ESC}32mRUNNING${ESC}39m    12 pending`,
        `q/b         s3-queue    ${ESC}33mPAUSED${ESC}39m     by user:alice, 12 pending`,
        `q/c         s3-queue    ${ESC}31mFAILED${ESC}39m`,
        `down: ${ESC}31munreachable${ESC}39m (connect ECONNREFUSED)`,
      ].join('\n'),
    );
  });
});

describe('cli: colour in what the commands print', () => {
  let home: string;
  let standIn: RelationalMigratorStandIn;
  const cli = async (colour: boolean, ...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['--home', home, '--no-agent', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), colour: { out: colour, err: colour } });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };

  before(async () => {
    standIn = await RelationalMigratorStandIn.start();
    standIn.submit({ projectId: 'orders' });
    home = mkdtempSync(join(tmpdir(), 'pp-cli-colour-'));
    writeFileSync(join(home, 'connections.json'), JSON.stringify({ connections: [{ name: 'migrator', kind: 'relational-migrator', url: standIn.url }] }));
  });
  after(async () => {
    await standIn.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('colours states in list and status, and the error prefix', async () => {
    const list = await cli(true, 'list');
    assert.ok(list.stdout.includes(`${ESC}32mRUNNING${ESC}39m`), list.stdout);
    const [id] = /migrator\/\S+/.exec(list.stdout)!;
    assert.ok((await cli(true, 'status', id)).stdout.includes(`\nStatus: ${ESC}32mRUNNING${ESC}39m (snapshot stage; project orders)\n`));
    const failed = await cli(true, 'status', 'migrator/nope');
    assert.equal(failed.code, 2);
    assert.ok(failed.stderr.startsWith(`${ESC}31merror:${ESC}39m `), failed.stderr);
  });

  it('never colours --json, nor anything when colour is off', async () => {
    for (const result of [await cli(true, 'list', '--json'), await cli(false, 'list'), await cli(false, 'status', 'migrator/nope'), await cli(true, 'status', 'migrator/nope', '--json')]) {
      assert.ok(!result.stdout.includes('\u001b') && !result.stderr.includes('\u001b'), `${result.stdout}\n${result.stderr}`);
    }
  });

  it('still escapes what a backend sent: only our own colour codes reach the terminal', async () => {
    const job = standIn.submit({ projectId: 'evil\u001b[2Jproject' });
    const status = await cli(true, 'status', `migrator/${String(job.id)}`);
    assert.ok(status.stdout.includes('evil\\u001b[2Jproject'), status.stdout);
    assert.ok(!status.stdout.includes('\u001b[2J'), status.stdout);
  });
});
