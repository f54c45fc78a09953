// E2E harness: a real VS Code (code-server) driven by Playwright in Debian's Chromium.
// Setup once: `bash scripts/install-editor.sh`. Then, in a test:
//   const cs = await startCodeServer({ vsixPath, workspaceDir, env });
//   const ed = await openEditor(cs.url);
//   await ed.workbench.activityBar.openViewContainer('Pipeline Pause');
//   ...
//   await ed.close(); await cs.stop();
export { startCodeServer } from './codeServer';
export type { CodeServer } from './codeServer';
export { openEditor, CHROMIUM_ARGS } from './browser';
export type { Editor, OpenEditorOptions } from './browser';
export { editorPaths, artifactsDir, repoRoot } from './paths';
export { Workbench } from './pages/workbench';
export { TreeView } from './pages/treeView';
export { ActivityBar } from './pages/activityBar';
