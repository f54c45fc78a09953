// Bundles the CLI/agent and the extension from the same sources.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Both bundles ship in the .vsix; keepNames keeps error and class names readable in logs.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  define: { __PIPELINE_PAUSE_VERSION__: JSON.stringify(version) },
};

await build({ ...common, entryPoints: ['cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
// The worker library (package export "./worker"): its npm dependencies stay external, as a library's do.
await build({ ...common, entryPoints: ['worker/index.ts'], outfile: 'dist/worker.js', packages: 'external' });
if (process.argv.includes('--extension')) {
  // jsonc-parser's "main" is a UMD wrapper whose require() calls esbuild cannot follow; its ES build bundles.
  await build({ ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } });
}
