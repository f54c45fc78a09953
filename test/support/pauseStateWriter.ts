import { newPauseVersion, PauseStateStore } from '../../agent/backends/querator/pauseState';

/**
 * A second process for the state-file lock test: pauses `count` queues named `<prefix>-<n>` in
 * the Querator pause state at `path`, one read-modify-write each, as fast as it can.
 */
async function main(): Promise<void> {
  const [path, prefix, count] = process.argv.slice(2);
  const store = new PauseStateStore(path, 'querator');
  for (let n = 0; n < Number(count); n++) {
    const pause = { pausedAt: new Date().toISOString(), pausedBy: prefix, reason: null, resumeAt: null, version: newPauseVersion(), mode: 'hold' as const };
    await store.update(`${prefix}-${n}`, () => ({ next: pause, result: null }));
  }
}

void main();
