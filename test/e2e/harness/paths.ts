import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Absolute paths written by test/e2e/setup/install-editor.sh. */
export interface EditorPaths {
  /** Node 24 binary; code-server 4.139 refuses older Node. */
  node: string;
  /** code-server's entry script (out/node/entry.js), run as `node <codeServer>`. */
  codeServer: string;
  chromium: string;
  codeServerVersion?: string;
  nodeVersion?: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const INSTALL_SCRIPT = path.join('test', 'e2e', 'setup', 'install-editor.sh');

export function repoRoot(): string {
  return REPO_ROOT;
}

/** Mirrors the cache location logic of install-editor.sh. */
export function editorCacheDir(): string {
  const root =
    process.env.PIPELINE_PAUSE_CACHE ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'pipeline-pause');
  return path.join(root, 'editor');
}

export function pathsJsonPath(): string {
  return path.join(editorCacheDir(), 'paths.json');
}

let cached: EditorPaths | undefined;

export function editorPaths(): EditorPaths {
  if (cached) return cached;
  const file = pathsJsonPath();
  if (!fs.existsSync(file)) {
    throw new Error(
      `E2E editor is not installed: ${file} is missing. Run \`bash ${INSTALL_SCRIPT}\` ` +
        `from the repo root first (installs chromium, Node 24 and code-server; ~4 min the first time).`,
    );
  }
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EditorPaths>;
  for (const key of ['node', 'codeServer', 'chromium'] as const) {
    const p = data[key];
    if (typeof p !== 'string' || !fs.existsSync(p)) {
      throw new Error(
        `${file}: "${key}" is ${p === undefined ? 'missing' : `${JSON.stringify(p)}, which does not exist`}. ` +
          `Re-run \`bash ${INSTALL_SCRIPT}\`.`,
      );
    }
  }
  cached = data as EditorPaths;
  return cached;
}

/** Where screenshots and logs go; ignored by git (test-artifacts/). */
export function artifactsDir(): string {
  const dir = process.env.PP_E2E_ARTIFACTS || path.join(REPO_ROOT, 'test-artifacts', 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
