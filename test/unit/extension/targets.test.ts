import assert from 'node:assert/strict';
import type { CommandApi, CommandContext } from '../../../extension/commands/commandUi';
import { targetResource } from '../../../extension/commands/targets';
import { ResourceStore } from '../../../extension/state/resourceStore';
import { FakeUi } from './fakeUi';
import { KINDS, makeConnection, makeResource, NOW } from './fixtures';

describe('the resource a command acts on, when no row was clicked', () => {
  let ui: FakeUi;
  const contextWith = (ids: string[]): CommandContext => {
    const store = new ResourceStore();
    store.apply({ type: 'snapshot', snapshot: { agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS, connections: [makeConnection('q')], resources: ids.map((id) => makeResource(id)), configError: null } });
    return { ui, api: () => ({}) as CommandApi, store, now: () => NOW, dataLossWarningMs: () => 0, openLog: () => undefined };
  };
  beforeEach(() => {
    ui = new FakeUi();
  });

  it('takes the sole candidate of an action that changes nothing without asking', async () => {
    const picked = await targetResource(contextWith(['q/a']), undefined, () => true, { title: 'Which?', none: 'none', takeSoleCandidate: true });
    assert.equal(picked?.id, 'q/a');
    assert.deepEqual(ui.of('pick'), [], 'no quick pick');
  });

  it('still asks for one that changes something, and whenever there are several', async () => {
    ui.pick('q/a');
    assert.equal((await targetResource(contextWith(['q/a']), undefined, () => true, { title: 'Pause which?', none: 'none' }))?.id, 'q/a');
    ui.pick('q/b');
    assert.equal((await targetResource(contextWith(['q/a', 'q/b']), undefined, () => true, { title: 'Which?', none: 'none', takeSoleCandidate: true }))?.id, 'q/b');
    assert.deepEqual(
      ui.of('pick').map((e) => e.text),
      ['Pause which?', 'Which?'],
    );
  });
});
