import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The last commit before issue 12's cost work: what benchmarks compare against by default. */
export const DEFAULT_BASELINE = 'a744a58';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/**
 * A checkout of an older commit beside this one, so a benchmark measures the old behaviour and
 * the new side by side in one run. It shares this checkout's node_modules (the dependencies
 * the old code needs are a subset, or the benchmark says which are missing when it imports).
 */
export class BaselineCheckout {
  private constructor(
    readonly rev: string,
    readonly root: string,
  ) {}

  static create(rev = DEFAULT_BASELINE): BaselineCheckout {
    const root = mkdtempSync(join(tmpdir(), 'pp-baseline-'));
    execFileSync('git', ['-C', PROJECT_ROOT, 'worktree', 'add', '--detach', '--force', root, rev], { stdio: 'ignore' });
    if (!existsSync(join(root, 'node_modules'))) symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const described = execFileSync('git', ['-C', root, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim();
    return new BaselineCheckout(described, root);
  }

  /** Absolute path of a file of the old checkout, for `import()` or `spawn`. */
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  remove(): void {
    execFileSync('git', ['-C', PROJECT_ROOT, 'worktree', 'remove', '--force', this.root], { stdio: 'ignore' });
    rmSync(this.root, { recursive: true, force: true });
  }
}
