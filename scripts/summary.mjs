// Adds up the per-suite counts into the one closing line CI reads.
import { readdirSync, readFileSync } from 'node:fs';

const dir = 'test-artifacts/results';
let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.json'));
} catch {
  // no suite reported
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const counts = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  console.log(`  ${counts.suite}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (total.passed === 0) {
  console.error('no test ran');
  process.exitCode = 1;
}
