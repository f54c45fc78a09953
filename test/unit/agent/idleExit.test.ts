import assert from 'node:assert/strict';
import { mock } from 'node:test';
import pino from 'pino';
import { IdleExit } from '../../../agent/core/idleExit';

const GRACE_MS = 10_000;

describe('agent/core/idleExit: when an agent nobody needs leaves', () => {
  let exits: string[];
  let keepAlive: string | null;
  let idle: IdleExit;

  beforeEach(() => {
    exits = [];
    keepAlive = null;
    mock.timers.enable({ apis: ['setTimeout'] });
    idle = new IdleExit({ graceMs: GRACE_MS, keepAliveReason: () => keepAlive, onIdle: (why) => exits.push(why), log: pino({ level: 'silent' }) });
    idle.start();
  });

  afterEach(() => {
    idle.stop();
    mock.timers.reset();
  });

  it('exits once the grace period passes with no client, no request and nothing scheduled, and says why', () => {
    mock.timers.tick(GRACE_MS - 1);
    assert.deepEqual(exits, []);
    mock.timers.tick(1);
    assert.equal(exits.length, 1);
    assert.match(exits[0], /no client, no request and nothing scheduled/);
  });

  it('does not exit while a client is connected, and counts the grace from when the last one left', () => {
    idle.setClients(1);
    mock.timers.tick(GRACE_MS * 5);
    assert.deepEqual(exits, []);
    idle.setClients(0);
    mock.timers.tick(GRACE_MS - 1);
    assert.deepEqual(exits, []);
    mock.timers.tick(1);
    assert.equal(exits.length, 1);
  });

  it('starts the grace over after each HTTP request, and waits for one still running', () => {
    mock.timers.tick(GRACE_MS - 1);
    idle.requestStarted();
    mock.timers.tick(GRACE_MS * 3);
    assert.deepEqual(exits, [], 'a long request (a pause-all, say) keeps it');
    idle.requestEnded();
    mock.timers.tick(GRACE_MS - 1);
    assert.deepEqual(exits, []);
    mock.timers.tick(1);
    assert.equal(exits.length, 1);
  });

  it('stays while something only the agent can do is pending, and leaves after it is done', () => {
    keepAlive = '1 auto-resume(s) pending';
    mock.timers.tick(GRACE_MS * 4);
    assert.deepEqual(exits, []);
    keepAlive = null;
    mock.timers.tick(GRACE_MS);
    assert.equal(exits.length, 1);
  });

  it('exits only once', () => {
    mock.timers.tick(GRACE_MS);
    idle.setClients(0);
    mock.timers.tick(GRACE_MS * 2);
    assert.equal(exits.length, 1);
  });
});
