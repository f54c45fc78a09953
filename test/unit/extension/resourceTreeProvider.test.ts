import assert from 'node:assert/strict';
import { ResourceStore } from '../../../extension/state/resourceStore';
import type { TreeNode } from '../../../extension/tree/treeNodes';
import { directFeeders } from '../../../protocol/lineage';
import type { Resource } from '../../../protocol/resource';
import { KINDS, makeConnection, makePause, makeResource, minutesFromNow, NOW, pausedResource, rowOf } from './fixtures';
import { TreeRendering } from './treeRendering';
import { useVscodeStub, type ThemeIcon } from './vscodeStub';

useVscodeStub();
// Loaded after the stub so its `import * as vscode` gets the stub.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ResourceTreeProvider } = require('../../../extension/tree/resourceTreeProvider') as typeof import('../../../extension/tree/resourceTreeProvider');

describe('extension/tree/resourceTreeProvider (with a stub vscode module)', () => {
  function setup() {
    const store = new ResourceStore();
    let problem: string | null = null;
    const provider = new ResourceTreeProvider(store, () => problem);
    const fired: Array<TreeNode | TreeNode[] | undefined> = [];
    provider.onDidChangeTreeData((node) => fired.push(node));
    store.apply({
      type: 'snapshot',
      snapshot: {
        agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS,
        connections: [makeConnection('orders')],
        resources: [makeResource('orders/emails'), makeResource('orders/audit')],
        configError: null,
      },
    });
    return { store, provider, fired, setProblem: (text: string | null) => (problem = text) };
  }

  it('lists connections, then their resources, as tree items built from the model', () => {
    const { provider } = setup();
    const [orders] = provider.getChildren();
    assert.deepEqual(orders, { kind: 'connection', name: 'orders' });
    const children = provider.getChildren(orders);
    assert.deepEqual(children.map((n) => (n as { id: string }).id), ['orders/audit', 'orders/emails']);
    const item = provider.getTreeItem(children[1]);
    assert.equal(item.id, 'resource:orders/emails');
    assert.equal(item.description, 'running');
    assert.equal((item.iconPath as unknown as ThemeIcon).id, 'debug-start');
    assert.match(item.contextValue ?? '', /\bpipelinePause\.resource\.pausable\b/);
  });

  it('refreshes only the changed row and its connection row, with the very nodes it handed out, when the connection row changes too', () => {
    const { store, provider, fired } = setup();
    const rendering = new TreeRendering(provider);
    provider.refreshAll();
    rendering.flush();
    const [orders] = provider.getChildren();
    const emails = provider.getChildren(orders).find((n) => n.kind === 'resource' && n.id === 'orders/emails');
    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/emails') });
    assert.equal(fired.length, 1);
    assert.ok(Array.isArray(fired[0]));
    const [row, connectionRow] = fired[0] as unknown[];
    assert.strictEqual(row, emails, 'same object: VS Code refreshes exactly that row');
    assert.strictEqual(connectionRow, orders, 'and its connection, whose count of paused and Pause All / Resume All follow its resources');
    assert.equal(provider.getTreeItem(emails!).description, 'paused');
    assert.equal(provider.getTreeItem(orders).description, 'ok · 1 of 2 paused');
    assert.match(provider.getTreeItem(orders).contextValue ?? '', /\bresumableAll\b/);
  });

  describe('at scale: one connection with many resources', () => {
    const SIBLINGS = 30;
    /** Resources whose lineage reads are counted, to see how often the tree walks it. */
    function countedStore() {
      const reads = new Map<string, number>();
      const counted = (resource: Resource): Resource => {
        const { lineage, ...rest } = resource;
        return Object.defineProperty({ ...rest }, 'lineage', {
          enumerable: true,
          get: () => {
            reads.set(resource.id, (reads.get(resource.id) ?? 0) + 1);
            return lineage;
          },
        }) as Resource;
      };
      const query = (n: number, overrides: Partial<Resource> = {}) =>
        counted(makeResource(`ksql/q${String(n).padStart(2, '0')}`, { kind: 'ksqldb-query', lineage: { upstream: [], downstream: [], inputs: [`kafka-topic:t${n}`], outputs: [`kafka-topic:t${n + 1}`] }, ...overrides }));
      const store = new ResourceStore();
      const provider = new ResourceTreeProvider(store, () => null);
      const rendering = new TreeRendering(provider);
      store.apply({
        type: 'snapshot',
        snapshot: { agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS, connections: [makeConnection('ksql', { kind: 'ksqldb' })], resources: Array.from({ length: SIBLINGS }, (_, n) => query(n)), configError: null },
      });
      rendering.flush();
      const [connection] = provider.getChildren();
      const rows = provider.getChildren(connection);
      return { store, provider, rendering, reads, query, connection, rows };
    }

    it('a change that leaves the connection row as it is fires only its own row: no sibling is rebuilt', () => {
      const { store, rendering, query, rows } = countedStore();
      store.apply({ type: 'resource-changed', resource: query(7, { backlog: { pending: 40_000, inFlight: 2, oldestPendingAt: null, dataLossAt: null } }) });
      const rebuilt = rendering.flush();
      assert.equal(rebuilt.length, 1, 'one row asked for, not its connection and its siblings');
      assert.strictEqual(rebuilt[0], rows[7]);
    });

    it('walks the lineage once per change, shared by every row VS Code asks for again, even when the whole connection is rebuilt', () => {
      const { store, rendering, reads, query, connection, rows } = countedStore();
      // How often one walk of the lineage reads a resource's lineage, and how often drawing its row does.
      const probe = countedStore();
      const [sample] = probe.store.resources();
      probe.reads.clear();
      directFeeders(probe.store.resources());
      const walk = probe.reads.get(sample.id) ?? 0;
      probe.reads.clear();
      rowOf(sample, NOW);
      const draw = probe.reads.get(sample.id) ?? 0;

      reads.clear();
      store.apply({ type: 'resource-changed', resource: query(7, { state: 'paused', pause: makePause() }) });
      const rebuilt = rendering.flush();
      assert.ok(rebuilt.includes(connection) && rows.every((row) => rebuilt.includes(row)), 'the paused count on the connection row changed: VS Code asks for it and all its rows again');
      const drawn = (id: string) => rebuilt.filter((node) => node.kind === 'resource' && node.id === id).length;
      const expected = new Map(store.resources().map((r) => [r.id, walk + draw * drawn(r.id)]));
      assert.deepEqual(reads, expected, 'one walk per change, whatever the number of rows drawn, not one walk per row');
    });

    it('fires the rows with a countdown in one event on each clock tick, and asks for nothing else', () => {
      const { store, provider, rendering, reads, query, rows } = countedStore();
      for (const n of [3, 11]) store.apply({ type: 'resource-changed', resource: query(n, { state: 'paused', pause: makePause({ resumeAt: minutesFromNow(25, new Date()) }) }) });
      rendering.flush();
      reads.clear();
      provider.refreshCountdowns();
      assert.deepEqual(rendering.flush(), [rows[3], rows[11]]);
      assert.deepEqual([...reads.keys()], ['ksql/q03', 'ksql/q11'], 'nothing changed in the store: no walk of the lineage, only the two rows drawn');
    });
  });

  it('refreshes the connection when its children change, and everything on a snapshot', () => {
    const { store, provider, fired } = setup();
    const [orders] = provider.getChildren();
    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: makeResource('orders/refunds') });
    assert.strictEqual(fired[0], orders);
    store.apply({ type: 'snapshot', snapshot: { agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS, connections: [], resources: [], configError: null } });
    assert.equal(fired[1], undefined);
    assert.equal(fired.length, 2);
  });

  it('re-renders only rows with a countdown when the clock ticks', () => {
    const { store, provider, fired } = setup();
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/audit', { resumeAt: minutesFromNow(25, new Date()) }) });
    fired.length = 0;
    provider.refreshCountdowns();
    assert.deepEqual(fired, [[{ kind: 'resource', id: 'orders/audit' }]]);
    store.apply({ type: 'resource-changed', resource: makeResource('orders/audit') });
    fired.length = 0;
    provider.refreshCountdowns();
    assert.deepEqual(fired, [], 'no countdown left: nothing to re-render');
  });

  it('re-renders a pause group\'s row and its counting-down members on the clock tick too', () => {
    const { store, provider, fired } = setup();
    const group = { id: 'g-1', name: 'upstream of emails', target: 'orders/emails' };
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/audit', { resumeAt: minutesFromNow(30, new Date()) }, { pauseGroup: group }) });
    fired.length = 0;
    provider.refreshCountdowns();
    assert.deepEqual(fired, [
      [
        { kind: 'resource', id: 'orders/audit' },
        { kind: 'pause-group', group: 'g-1' },
        { kind: 'group-member', group: 'g-1', id: 'orders/audit' },
      ],
    ]);
  });

  it('shows one "Agent not running" row that starts the agent when clicked, instead of stale rows', () => {
    const { provider, setProblem } = setup();
    setProblem('the agent exited (code 1)');
    provider.refreshAll();
    const children = provider.getChildren();
    assert.deepEqual(children, [{ kind: 'agent-down' }]);
    const item = provider.getTreeItem(children[0]);
    assert.equal(item.label, 'Agent not running');
    assert.equal(item.description, 'the agent exited (code 1)');
    assert.equal(item.command?.command, 'pipelinePause.startAgent');
  });
  it('shows a group paused upstream as one row above the connections, with its members, and offers Resume Upstream on the target', () => {
    const { store, provider, fired } = setup();
    const group = { id: 'g-1', name: 'upstream of emails', target: 'orders/emails' };
    const lineage = (inputs: string[], outputs: string[]) => ({ upstream: [], downstream: [], inputs, outputs });
    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/audit', { reason: 'rework emails', resumeAt: minutesFromNow(30, new Date()) }, { pauseGroup: group, lineage: lineage([], ['kafka-topic:t']) }) });
    store.apply({ type: 'resource-changed', resource: makeResource('orders/emails', { lineage: lineage(['kafka-topic:t'], []) }) });
    assert.equal(fired[0], undefined, 'a new group changes the tree\'s shape: everything refreshes');

    const [groupRow, orders] = provider.getChildren();
    assert.deepEqual(groupRow, { kind: 'pause-group', group: 'g-1' });
    assert.deepEqual(orders, { kind: 'connection', name: 'orders' });
    const groupItem = provider.getTreeItem(groupRow);
    assert.equal(groupItem.label, 'upstream of emails');
    assert.match(String(groupItem.description), /^1 paused · auto-resume in (29|30)m · rework emails$/);
    assert.equal(groupItem.contextValue, 'pipelinePause.pauseGroup');
    const members = provider.getChildren(groupRow);
    assert.deepEqual(members, [{ kind: 'group-member', group: 'g-1', id: 'orders/audit' }]);
    assert.equal(provider.getTreeItem(members[0]).id, 'pause-group:g-1/resource:orders/audit', 'unique beside the same resource under its connection');
    assert.deepEqual(provider.getParent(members[0]), groupRow);

    const target = provider.getChildren(orders).find((n) => n.kind === 'resource' && n.id === 'orders/emails')!;
    assert.deepEqual(provider.getParent(target), orders);
    const targetTokens = provider.getTreeItem(target).contextValue ?? '';
    assert.match(targetTokens, /\bpipelinePause\.resource\.hasUpstream\b/);
    assert.match(targetTokens, /\bpipelinePause\.resource\.upstreamPaused\b/);

    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: makeResource('orders/audit', { lineage: lineage([], ['kafka-topic:t']) }) });
    assert.equal(fired[0], undefined, 'the group dissolved');
    assert.deepEqual(provider.getChildren(), [orders]);
    assert.doesNotMatch(provider.getTreeItem(target).contextValue ?? '', /upstreamPaused/);
  });
});
