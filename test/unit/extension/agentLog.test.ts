import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogTail, parseLogLine, type LogEntry } from '../../../extension/agent/agentLog';

describe('extension/agent/agentLog', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipeline-pause-log-'));
    file = join(dir, 'agent.log');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('maps pino levels and keeps the extra fields', () => {
    const line = JSON.stringify({ level: 40, time: '2026-01-29T12:00:00.000Z', pid: 7, msg: 'poll failed', connection: 'orders' });
    assert.deepEqual(parseLogLine(line), { level: 'warn', time: '2026-01-29T12:00:00.000Z', message: 'poll failed {"connection":"orders"}' });
    assert.equal(parseLogLine(JSON.stringify({ level: 60, msg: 'x' })).level, 'error');
    assert.equal(parseLogLine(JSON.stringify({ level: 20, msg: 'x' })).level, 'debug');
    assert.equal(parseLogLine(JSON.stringify({ level: 10, msg: 'x' })).level, 'trace');
  });

  it('takes plain stderr lines as they are, "error: ..." as errors', () => {
    assert.deepEqual(parseLogLine('error: port in use'), { level: 'error', time: null, message: 'error: port in use' });
    assert.equal(parseLogLine('Debugger attached.').level, 'info');
  });

  it('follows the file: the tail first, then each new whole line, and starts over when it is replaced', async () => {
    await writeFile(file, `${'x'.repeat(50)}\n${JSON.stringify({ level: 30, msg: 'old' })}\n`);
    const seen: LogEntry[] = [];
    const tail = new LogTail(file, (entries) => seen.push(...entries), { initialBytes: 40 });
    await tail.poll();
    assert.deepEqual(seen.map((e) => e.message), ['old'], 'the partial first line of the tail is skipped');

    await appendFile(file, `${JSON.stringify({ level: 50, msg: 'boom' })}\n{"level":30,"msg":"half`);
    await tail.poll();
    assert.deepEqual(seen.map((e) => e.message), ['old', 'boom'], 'a line without its newline waits');
    await appendFile(file, ' done"}\n');
    await tail.poll();
    assert.deepEqual(seen.map((e) => e.message), ['old', 'boom', 'half done']);

    await writeFile(file, 'error: new agent failed\n');
    await tail.poll();
    assert.equal(seen.at(-1)?.message, 'error: new agent failed');
  });

  it('waits quietly for a log that does not exist yet', async () => {
    const seen: LogEntry[] = [];
    const tail = new LogTail(file, (entries) => seen.push(...entries));
    await tail.poll();
    await writeFile(file, 'first\n');
    await tail.poll();
    assert.deepEqual(seen.map((e) => e.message), ['first']);
  });
});
