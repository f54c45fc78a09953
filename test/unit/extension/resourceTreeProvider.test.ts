import assert from 'node:assert/strict';
import { ResourceStore } from '../../../extension/state/resourceStore';
import type { TreeNode } from '../../../extension/tree/treeNodes';
import { makeConnection, makeResource, minutesFromNow, NOW, pausedResource } from './fixtures';
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
        agent: { version: '1', pid: 1, startedAt: NOW.toISOString() },
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

  it('refreshes only the changed row and its connection row, with the very nodes it handed out', () => {
    const { store, provider, fired } = setup();
    const [orders] = provider.getChildren();
    const emails = provider.getChildren(orders).find((n) => n.kind === 'resource' && n.id === 'orders/emails');
    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/emails') });
    assert.equal(fired.length, 1);
    assert.ok(Array.isArray(fired[0]));
    const [row, connectionRow] = fired[0] as unknown[];
    assert.strictEqual(row, emails, 'same object: VS Code refreshes exactly that row');
    assert.strictEqual(connectionRow, orders, 'and its connection, whose Pause All / Resume All follow its resources');
    assert.equal(provider.getTreeItem(emails!).description, 'paused');
    assert.match(provider.getTreeItem(orders).contextValue ?? '', /\bresumableAll\b/);
  });

  it('refreshes the connection when its children change, and everything on a snapshot', () => {
    const { store, provider, fired } = setup();
    const [orders] = provider.getChildren();
    fired.length = 0;
    store.apply({ type: 'resource-changed', resource: makeResource('orders/refunds') });
    assert.strictEqual(fired[0], orders);
    store.apply({ type: 'snapshot', snapshot: { agent: { version: '1', pid: 1, startedAt: NOW.toISOString() }, connections: [], resources: [], configError: null } });
    assert.equal(fired[1], undefined);
    assert.equal(fired.length, 2);
  });

  it('re-renders only rows with a countdown when the clock ticks', () => {
    const { store, provider, fired } = setup();
    store.apply({ type: 'resource-changed', resource: pausedResource('orders/audit', { resumeAt: minutesFromNow(25, new Date()) }) });
    fired.length = 0;
    provider.refreshCountdowns();
    assert.deepEqual(fired, [{ kind: 'resource', id: 'orders/audit' }]);
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
