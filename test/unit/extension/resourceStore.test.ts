import assert from 'node:assert/strict';
import { ResourceStore, type StoreChange } from '../../../extension/state/resourceStore';
import { KINDS, makeConnection, makeResource, pausedResource, NOW } from './fixtures';

function storeWithSnapshot(): { store: ResourceStore; changes: StoreChange[] } {
  const store = new ResourceStore();
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  store.apply({
    type: 'snapshot',
    snapshot: {
      agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS,
      connections: [makeConnection('orders'), makeConnection('billing')],
      resources: [makeResource('orders/emails'), makeResource('orders/audit'), makeResource('billing/invoices')],
      configError: null,
    },
  });
  return { store, changes };
}

describe('extension/state/resourceStore', () => {
  it('a snapshot replaces everything and refreshes the whole tree', () => {
    const { store, changes } = storeWithSnapshot();
    assert.deepEqual(changes, [{ type: 'all' }]);
    assert.deepEqual(store.connections().map((c) => c.name), ['orders', 'billing']);
    assert.deepEqual(store.resourcesOf('orders').map((r) => r.name), ['audit', 'emails'], 'sorted by name');
  });

  it('a change to a known resource refreshes only that row', () => {
    const { store, changes } = storeWithSnapshot();
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/emails') });
    assert.deepEqual(changes.at(-1), { type: 'resource', id: 'orders/emails' });
    assert.equal(store.resource('orders/emails')?.state, 'paused');
  });

  it('a new or removed resource refreshes its connection (the children changed)', () => {
    const { store, changes } = storeWithSnapshot();
    store.apply({ type: 'resource-changed', resource: makeResource('orders/refunds') });
    assert.deepEqual(changes.at(-1), { type: 'connection', name: 'orders' });
    store.apply({ type: 'resource-removed', id: 'orders/audit' });
    assert.deepEqual(changes.at(-1), { type: 'connection', name: 'orders' });
    assert.deepEqual(store.resourcesOf('orders').map((r) => r.name), ['emails', 'refunds']);
  });

  it('a connection status change refreshes that connection; a new or removed one refreshes all', () => {
    const { store, changes } = storeWithSnapshot();
    store.apply({ type: 'connection-changed', connection: makeConnection('orders', { status: 'unreachable', error: 'timeout' }) });
    assert.deepEqual(changes.at(-1), { type: 'connection', name: 'orders' });
    store.apply({ type: 'connection-changed', connection: makeConnection('search') });
    assert.deepEqual(changes.at(-1), { type: 'all' });
    store.apply({ type: 'connection-removed', name: 'billing' });
    assert.deepEqual(changes.at(-1), { type: 'all' });
    assert.equal(store.resource('billing/invoices'), undefined, 'its resources go with it');
  });

  it('remembers a connections-file problem until it is cleared', () => {
    const { store } = storeWithSnapshot();
    store.apply({ type: 'config-error', message: 'connections file is not valid JSON' });
    assert.equal(store.configError, 'connections file is not valid JSON');
    store.apply({ type: 'config-error', message: null });
    assert.equal(store.configError, null);
  });

  it('clear() forgets everything, so nothing stale is shown while the agent is away', () => {
    const { store, changes } = storeWithSnapshot();
    store.clear();
    assert.deepEqual(store.resources(), []);
    assert.deepEqual(store.connections(), []);
    assert.deepEqual(changes.at(-1), { type: 'all' });
    const count = changes.length;
    store.clear();
    assert.equal(changes.length, count, 'clearing an empty store is not a change');
  });
});
