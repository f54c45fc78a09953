import * as fs from 'fs';
import * as path from 'path';

export { editorPaths, type EditorPaths } from '../../../sandbox/editorPaths';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function repoRoot(): string {
  return REPO_ROOT;
}

/** Where screenshots and logs go; ignored by git (test-artifacts/). */
export function artifactsDir(): string {
  const dir = process.env.PP_E2E_ARTIFACTS || path.join(REPO_ROOT, 'test-artifacts', 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
