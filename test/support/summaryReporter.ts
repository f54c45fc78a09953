import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * The spec reporter, plus a counts file per suite so scripts/test can print one closing line
 * for the whole run. Pending (skipped) tests are counted apart, never as passed.
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const suite = process.env.PIPELINE_PAUSE_SUITE ?? 'tests';
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const dir = join(process.cwd(), 'test-artifacts', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${suite}.json`), JSON.stringify({ suite, passed: stats.passes, failed: stats.failures, skipped: stats.pending }));
    });
  }
}

export = SummaryReporter;
