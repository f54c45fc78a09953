import assert from 'node:assert/strict';
import { viewMessage } from '../../../extension/tree/viewMessage';

describe('extension/tree/viewMessage', () => {
  it('stays empty while the agent is unreachable (a message would hide the welcome content; a row says it)', () => {
    assert.equal(viewMessage({ state: 'unreachable', error: 'the agent exited (code 1)' }, null), undefined);
  });

  it('shows a connections-file problem only while connected, and nothing when all is well', () => {
    assert.match(viewMessage({ state: 'connected' }, 'not valid JSON') ?? '', /Connections file problem .*not valid JSON/);
    assert.equal(viewMessage({ state: 'connected' }, null), undefined);
    assert.equal(viewMessage({ state: 'starting' }, null), undefined);
  });
});
