import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Absolute paths written by scripts/install-editor.sh. */
export interface EditorPaths {
  /** Node 24 binary; code-server 4.139 refuses older Node. */
  node: string;
  /** code-server's entry script (out/node/entry.js), run as `node <codeServer>`. */
  codeServer: string;
  chromium: string;
  codeServerVersion?: string;
  nodeVersion?: string;
}

const INSTALL_SCRIPT = join('scripts', 'install-editor.sh');

/** Mirrors the cache location logic of install-editor.sh. */
function editorCacheDir(): string {
  const root = process.env.PIPELINE_PAUSE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pipeline-pause');
  return join(root, 'editor');
}

function pathsJsonPath(): string {
  return join(editorCacheDir(), 'paths.json');
}

let cached: EditorPaths | undefined;

export function editorPaths(): EditorPaths {
  if (cached) return cached;
  const file = pathsJsonPath();
  if (!existsSync(file)) {
    throw new Error(
      `the editor is not installed: ${file} is missing. Run \`bash ${INSTALL_SCRIPT}\` ` +
        `from the repo root first (installs chromium, Node 24 and code-server; ~4 min the first time).`,
    );
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<EditorPaths>;
  for (const key of ['node', 'codeServer', 'chromium'] as const) {
    const p = data[key];
    if (typeof p !== 'string' || !existsSync(p)) {
      throw new Error(`${file}: "${key}" is ${p === undefined ? 'missing' : `${JSON.stringify(p)}, which does not exist`}. Re-run \`bash ${INSTALL_SCRIPT}\`.`);
    }
  }
  cached = data as EditorPaths;
  return cached;
}
