import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** A whole backend, as a developer adding one would write it: its folder under agent/backends/. */
const EXAMPLE_BACKEND = `import { z } from 'zod';
import { PauseError } from '../../../protocol/errors';
import { blankResource, type PauseDetails } from '../../../protocol/resource';
import type { BackendDefinition } from '../types';

const ExampleConfig = z.object({ name: z.string(), kind: z.literal('example'), widgets: z.array(z.string()) }).strict();
type ExampleConfig = z.infer<typeof ExampleConfig>;
const CAPABILITIES = { pause: true, resume: true, pauseAll: true, scheduledResume: false, scopedPause: false, stop: false };

export const exampleBackend: BackendDefinition<ExampleConfig> = {
  kind: 'example',
  configSchema: ExampleConfig,
  presents: {
    widget: { title: 'Example widget', heading: 'Widget', pending: 'Sprockets waiting', inFlight: 'Sprockets turning', oldest: 'Oldest sprocket', backlogInDescription: 'sprockets', listedOnly: null, confirmPause: null, stopEffect: null },
  },
  connects: {
    title: 'Example shop',
    detail: 'The widgets of one shop.',
    fields: [{ path: ['widgets'], input: 'list', label: 'Widgets', prompt: 'The widget names, comma-separated.', optional: false }],
  },
  create: (config) => {
    const paused = new Map<string, PauseDetails>();
    const observe = (name: string) => ({ ...blankResource(config.name, name, 'widget', CAPABILITIES), state: paused.has(name) ? ('paused' as const) : ('running' as const), pause: paused.get(name) ?? null, backlog: { pending: 7, inFlight: 2, oldestPendingAt: null, dataLossAt: null } });
    const known = (name: string) => {
      if (!config.widgets.includes(name)) throw new PauseError('NotFound', 'no widget ' + name);
      return name;
    };
    return {
      list: async () => config.widgets.map(observe),
      get: async (name) => observe(known(name)),
      pause: async (name, command) => {
        const details = { pausedAt: new Date().toISOString(), pausedBy: command.pausedBy, reason: command.reason, resumeAt: null, version: null };
        paused.set(known(name), details);
        return details;
      },
      resume: async (name) => ({ resumed: paused.delete(known(name)), previous: null }),
      close: async () => undefined,
    };
  },
};
`;

/** What the editor draws for each resource: its tree row, from the extension's own code. */
const RENDER_ROWS = `import { kindPresentations } from './agent/backends/registry';
import { DirectApi } from './cli/directApi';
import { silentLogger } from './agent/core/logger';
import { agentPaths } from './protocol/paths';
import { presentationOf } from './protocol/presentation';
import { resourceItem } from './extension/tree/resourceItemModel';

void (async () => {
  const api = await DirectApi.open(agentPaths({ home: process.argv[2] }), silentLogger());
  const { resources } = await api.snapshot();
  for (const resource of resources) {
    const row = resourceItem(resource, presentationOf(kindPresentations(), resource.kind), new Date());
    console.log(JSON.stringify({ label: row.label, description: row.description, tooltip: row.tooltip }));
  }
  await api.close();
})();
`;

/**
 * Adding a backend is its folder and one registry line: in a copy of the product, a small example
 * backend goes in agent/backends/example/ and registry.ts gets it; nothing in extension/ or cli/
 * changes, yet the CLI and the editor's tree word its resources as the backend says.
 */
describe('a new backend is one folder and one registry line', function () {
  this.timeout(120_000);
  let copy: string;
  let home: string;

  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'pp-example-backend-'));
    const tracked = execFileSync('git', ['-C', ROOT, 'ls-files', 'agent', 'buquet', 'cli', 'client', 'extension', 'format', 'protocol', 'tsconfig.json', 'package.json'], { encoding: 'utf8' }).trim().split('\n');
    for (const file of tracked) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    mkdirSync(join(copy, 'agent', 'backends', 'example'));
    writeFileSync(join(copy, 'agent', 'backends', 'example', 'index.ts'), EXAMPLE_BACKEND);
    const registry = join(copy, 'agent', 'backends', 'registry.ts');
    const text = readFileSync(registry, 'utf8');
    const withExample = text.replace(/^(export const BACKENDS[^=]*= \[)/m, "import { exampleBackend } from './example';\n$1exampleBackend, ");
    assert.notEqual(withExample, text, 'the registry line was found');
    writeFileSync(registry, withExample);
    writeFileSync(join(copy, 'renderRows.ts'), RENDER_ROWS);
    home = mkdtempSync(join(tmpdir(), 'pp-example-home-'));
    writeFileSync(join(home, 'connections.json'), JSON.stringify({ connections: [{ name: 'shop', kind: 'example', widgets: ['w1', 'w2'] }] }));
  });

  after(() => {
    for (const dir of [copy, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => run(process.execPath, ['--require', 'tsx/cjs', join(copy, 'cli', 'bin.ts'), '--home', home, '--no-agent', ...args], { cwd: copy });

  it('type-checks with the new kind, and the connections file takes it', async () => {
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(copy, 'tsconfig.json'), '--noEmit'], { cwd: copy }).catch((error: { stdout?: string }) => {
      // The copy holds only the product: errors about the tests and benches it leaves out are expected.
      const product = (error.stdout ?? '').split('\n').filter((line) => /^(agent|buquet|cli|client|extension|format|protocol)\//.test(line));
      assert.deepEqual(product, [], 'the product compiles with the example backend');
    });
    const { stdout } = await cli('list');
    assert.match(stdout, /w1/);
  });

  it('the CLI words its resources as the backend says', async () => {
    const { stdout } = await cli('status', 'shop/w1');
    assert.match(stdout, /^Widget: shop\/w1$/m);
    assert.match(stdout, /^Sprockets waiting: 7$/m);
    assert.match(stdout, /^Sprockets turning: 2$/m);
  });

  it("the editor's tree rows do too: title, backlog in the description, labels in the tooltip", async () => {
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', join(copy, 'renderRows.ts'), home], { cwd: copy });
    const rows = stdout.trim().split('\n').map((line) => JSON.parse(line) as { label: string; description: string; tooltip: string });
    assert.deepEqual(rows.map((row) => [row.label, row.description]), [['w1', 'running · sprockets 7'], ['w2', 'running · sprockets 7']]);
    assert.match(rows[0].tooltip, /\*\*shop\/w1\*\* · Example widget/);
    assert.match(rows[0].tooltip, /Sprockets waiting: 7/);
  });
});
