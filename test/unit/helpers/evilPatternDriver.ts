// Child process for safeRegex.test.ts: runs the strategies' pattern code (the linear-time
// matcher a strategy may use to read a pattern, and the pattern-typo search, which tests its
// completions in DuckDB) over the patterns on stdin with adversarial values. A hang here is
// killed by the parent's timeout, which a hang in the test process could not be.
import { readFileSync } from 'node:fs';
import { fullMatcher } from '../../../main/remediate/synth/safeRegex.js';
import { repairByPattern } from '../../../main/remediate/synth/patternTypo.js';
import { openLockedDuckDB } from '../../../main/store/duckdb.js';

const patterns = JSON.parse(readFileSync(0, 'utf8')) as string[];
const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [], threads: 1 });
let matchers = 0;
const values = ['a'.repeat(32) + '!', 'ab'.repeat(20) + 'x', 'a'.repeat(20) + 'x' + 'a'.repeat(10)];
for (const pattern of patterns) {
  const m = fullMatcher(pattern);
  if (m) matchers++;
  for (const v of values) m?.(v);
  await repairByPattern(db.conn, values, pattern, ['aab', 'ab']);
}
db.close();
process.stdout.write(JSON.stringify({ done: patterns.length, matchers }));
