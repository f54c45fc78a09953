import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
const exec = promisify(execFile);

/**
 * The worker library as a user gets it: `npm pack` (which builds), `npm install` of the tarball
 * into a new project, then `import ... from 'pipeline-pause/worker'` type-checked with the
 * package's own declarations and run, from ESM and from CommonJS.
 */
describe('the pipeline-pause/worker package, packed and installed', function () {
  this.timeout(120_000);
  let dir: string;
  let project: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-pack-'));
    project = join(dir, 'consumer');
    await exec('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const [tarball] = readdirSync(dir).filter((name) => /^pipeline-pause-.*\.tgz$/.test(name));
    assert.ok(tarball, `a tarball in ${dir}`);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // The npm cache already holds every dependency (the repo's own install put them there).
    await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tarball)], { cwd: project, maxBuffer: 16 << 20 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the built CLI, the worker bundle and its declarations, and no sources or tests', async () => {
    const { stdout } = await exec('tar', ['-tzf', join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!)]);
    const files = stdout.split('\n').filter(Boolean);
    for (const expected of ['package/dist/worker.js', 'package/dist/types/worker/index.d.ts', 'package/dist/cli.js', 'package/package.json', 'package/README.md']) assert.ok(files.includes(expected), `${expected} in the tarball`);
    assert.deepEqual(files.filter((f) => /^package\/(agent|worker|test|cli|extension|protocol)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts')), []);
  });

  it('type-checks an import of it against the packaged declarations', async () => {
    writeFileSync(
      join(project, 'worker.ts'),
      [
        "import { QueueClient, QueueWorker, RetryableError, type TaskRecord, type WorkerOptions } from 'pipeline-pause/worker';",
        "const options: WorkerOptions = { bucket: 'my-queue', endpoint: 'http://127.0.0.1:9000' };",
        "const worker = new QueueWorker(options);",
        "worker.handle('send_email', async (input) => ({ to: (input as { to: string }).to }));",
        "const queue: QueueClient = new QueueClient(options);",
        "const retry: Error = new RetryableError('smtp busy');",
        "export const seen: Array<TaskRecord['status'] | unknown> = [queue, retry];",
        // A wrong use must fail, or the check proves nothing.
        '// @ts-expect-error: handle takes a task type and a handler',
        'worker.handle(42);',
        '',
      ].join('\n'),
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] }, files: ['worker.ts'] }));
    await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project]).catch((error: { stdout?: string }) => assert.fail(`tsc: ${error.stdout}`));
  });

  it('runs from ESM and from CommonJS', async () => {
    const line = "typeof QueueWorker, typeof QueueClient, new RetryableError('x') instanceof Error";
    writeFileSync(join(project, 'esm.mjs'), `import { QueueClient, QueueWorker, RetryableError } from 'pipeline-pause/worker';\nconsole.log(${line});\n`);
    writeFileSync(join(project, 'cjs.cjs'), `const { QueueClient, QueueWorker, RetryableError } = require('pipeline-pause/worker');\nconsole.log(${line});\n`);
    for (const file of ['esm.mjs', 'cjs.cjs']) assert.equal((await exec(process.execPath, [file], { cwd: project })).stdout.trim(), 'function function true', file);
  });
});
