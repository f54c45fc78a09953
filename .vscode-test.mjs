// Desktop VS Code suite (@vscode/test-cli) for machines that can download VS Code, or that
// have one installed: set VSCODE_EXECUTABLE to use it. Run with `npm run test:vscode-desktop`.
// The suite that proves the product offline runs in code-server (test/e2e).
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const executable = process.env.VSCODE_EXECUTABLE;

export default defineConfig({
  label: 'desktop',
  files: 'test/unit/extension/desktop/**/*.desktop.ts',
  version: '1.90.0',
  ...(executable ? { useInstallation: { fromPath: executable } } : {}),
  // A private agent home: the suite starts its own agent and never touches ~/.pipeline-pause.
  env: { PIPELINE_PAUSE_HOME: mkdtempSync(join(tmpdir(), 'pipeline-pause-desktop-')) },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { require: ['tsx/cjs'], timeout: 60_000 },
});
