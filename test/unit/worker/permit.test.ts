import { strict as assert } from 'node:assert';
import type { Scope } from '../../../protocol/resource';
import { permitFor, type PauseView } from '../../../worker/pauseGate';

const pause = { pausedAt: '2026-11-23T12:00:00.000Z', pausedBy: 'alice', reason: null, resumeAt: null, version: '"e"' };
const scoped = (...scopes: Scope[]): PauseView => ({ global: null, scoped: scopes.map((scope) => ({ scope, pause, error: null })) });
const SHARDS = ['0', '1', '2'];
const TYPES = ['send_email', 'resize'];

describe('what a worker may claim under the current pauses', () => {
  it('everything it serves when nothing is paused; nothing under a global pause, even an unreadable one', () => {
    assert.deepEqual(permitFor(scoped(), SHARDS, TYPES), { shards: new Set(SHARDS), taskTypes: new Set(TYPES) });
    assert.equal(permitFor({ global: { pause, error: null }, scoped: [] }, SHARDS, TYPES), null);
    assert.equal(permitFor({ global: { pause: null, error: 'control/paused.json: control object is not JSON' }, scoped: [] }, SHARDS, TYPES), null);
  });

  it('leaves out paused task types and shards, and ignores scopes it does not serve', () => {
    const permit = permitFor(scoped({ type: 'task-type', value: 'send_email' }, { type: 'shard', value: '1' }, { type: 'shard', value: 'f' }, { type: 'task-type', value: 'other' }), SHARDS, TYPES);
    assert.deepEqual(permit, { shards: new Set(['0', '2']), taskTypes: new Set(['resize']) });
  });

  it('nothing once every type or every shard it serves is paused', () => {
    assert.equal(permitFor(scoped({ type: 'task-type', value: 'send_email' }, { type: 'task-type', value: 'resize' }), SHARDS, TYPES), null);
    assert.equal(permitFor(scoped({ type: 'shard', value: '0' }, { type: 'shard', value: '1' }, { type: 'shard', value: '2' }), SHARDS, TYPES), null);
  });
});
