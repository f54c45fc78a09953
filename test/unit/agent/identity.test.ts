import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { detectIdentity } from '../../../agent/core/identity';

describe('the identity a pause records', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pp-identity-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** An environment whose only git configuration is the file given (or none). */
  const env = (gitConfig: string | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const file = join(dir, 'gitconfig');
    if (gitConfig !== null) writeFileSync(file, gitConfig);
    return { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: gitConfig === null ? join(dir, 'none') : file, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: dir, ...extra };
  };

  it('is the git user.email a teammate recognises', () => {
    assert.equal(detectIdentity(env('[user]\n\temail = alice@example.com\n')), 'user:alice@example.com');
  });

  it('falls back to the OS user without a git identity, or without git at all', () => {
    assert.equal(detectIdentity(env(null)), `user:${userInfo().username}`);
    assert.equal(detectIdentity({ ...env(null), PATH: dir }), `user:${userInfo().username}`);
  });

  it('is $PIPELINE_PAUSE_USER when set, over git', () => {
    assert.equal(detectIdentity(env('[user]\n\temail = alice@example.com\n', { PIPELINE_PAUSE_USER: ' bob ' })), 'user:bob');
  });
});
