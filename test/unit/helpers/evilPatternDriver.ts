// Child process for safeRegex.test.ts: runs the strategies' pattern code (fullMatcher,
// acceptsValue, the pattern-typo search) over the patterns on stdin with adversarial values.
// A hang here is killed by the parent's timeout, which a hang in the test process could not be.
import { readFileSync } from 'node:fs';
import { acceptsValue, fullMatcher } from '../../../main/remediate/synth/common.js';
import { repairByPattern } from '../../../main/remediate/synth/patternTypo.js';
import type { ColumnSpec } from '../../../main/contract/types.js';

const patterns = JSON.parse(readFileSync(0, 'utf8')) as string[];
let matchers = 0;
for (const pattern of patterns) {
  const col = { name: 'c', logicalType: 'string', required: false, unique: false, primaryKey: false, missingTokens: [], quality: [], line: 1, pattern } as ColumnSpec;
  const m = fullMatcher(pattern);
  if (m) matchers++;
  for (const v of ['a'.repeat(32) + '!', 'ab'.repeat(20) + 'x', 'a'.repeat(20) + 'x' + 'a'.repeat(10)]) {
    m?.(v);
    acceptsValue(col, v);
    repairByPattern(v, pattern, ['aab', 'ab']);
  }
}
process.stdout.write(JSON.stringify({ done: patterns.length, matchers }));
