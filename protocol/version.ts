/** Agent and extension must agree on this; the extension restarts an agent of another version. */
// Replaced by esbuild with package.json's version; tsx runs see the fallback.
declare const __PIPELINE_PAUSE_VERSION__: string | undefined;
export const VERSION: string = typeof __PIPELINE_PAUSE_VERSION__ === 'string' ? __PIPELINE_PAUSE_VERSION__ : '0.0.0-dev';
