import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const WRITER = join(__dirname, '..', '..', 'support', 'pauseStateWriter.ts');

describe('the Querator pause state across processes', function () {
  this.timeout(60_000);

  it('loses no pause when two processes change the file at once (each change holds its lock)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-state-lock-'));
    const path = join(dir, 'querator.json');
    try {
      const writers = ['agent', 'cli'].map((prefix) => run(process.execPath, ['--require', 'tsx/cjs', WRITER, path, prefix, '100']));
      await Promise.all(writers);
      const queues = Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { queues: Record<string, unknown> }).queues);
      assert.equal(queues.length, 200, `kept ${queues.length} of 200 pauses`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
