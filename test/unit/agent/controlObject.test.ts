import { strict as assert } from 'node:assert';
import { decodePauseState, encodePauseState } from '../../../buquet/controlObject';
import { pauseKey, scopeFromKey } from '../../../buquet/layout';

describe('S3 queue control object', () => {
  it('encodes the seed example byte for byte', () => {
    const body = encodePauseState({ pausedAt: new Date('2026-01-28T12:00:00.000Z'), pausedBy: 'user:alice', reason: 'Deploying new version', resumeAt: null });
    assert.equal(body, '{"paused_at":"2026-01-28T12:00:00Z","paused_by":"user:alice","reason":"Deploying new version","resume_at":null}');
  });

  it('decodes what buquet may write, fractional seconds and offsets included', () => {
    const pause = decodePauseState('{"paused_at":"2026-01-28T12:00:00.123456+01:00","paused_by":"deploy-script","reason":null,"resume_at":"2026-01-28T13:00:00Z"}', '"etag"');
    assert.deepEqual(pause, { pausedAt: '2026-01-28T11:00:00.123Z', pausedBy: 'deploy-script', reason: null, resumeAt: '2026-01-28T13:00:00.000Z', version: '"etag"' });
  });

  it('rejects bodies that are not the pause format, saying what is wrong', () => {
    assert.throws(() => decodePauseState('nope', null), /control object is not JSON/);
    assert.throws(() => decodePauseState('{"paused_by":"x"}', null), /paused_at/);
  });

  it('maps scopes to the seed keys and back', () => {
    assert.equal(pauseKey(null), 'control/paused.json');
    assert.equal(pauseKey({ type: 'task-type', value: 'send_email' }), 'control/paused/send_email');
    assert.equal(pauseKey({ type: 'shard', value: '0' }), 'control/paused/shard/0');
    assert.deepEqual(scopeFromKey('control/paused/send_email'), { type: 'task-type', value: 'send_email' });
    assert.deepEqual(scopeFromKey('control/paused/shard/a'), { type: 'shard', value: 'a' });
    assert.equal(scopeFromKey('control/paused.json'), null);
    assert.equal(scopeFromKey('control/paused/shard/zz'), null);
  });
});
