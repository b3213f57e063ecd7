// The profiler's counterexamples (the most frequent values breaking an inferred rule) are read
// from the whole table's value counts. Collected as list(v ORDER BY c DESC, v)[1:5], every
// failing distinct value was held in memory first: four million failing ids ran out of a 100 MB
// budget. Now a top-5 state: the same five values, in the same order.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { tallies } from '../../main/contract/profileEvidence.js';
import { openLockedDuckDB } from '../../main/store/duckdb.js';
import { tempDir } from '../helpers/tmp.js';

const draft = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: ids
name: ids
version: 1.0.0
schema:
  - name: ids
    properties:
      - {name: id, logicalType: string, unique: true, logicalTypeOptions: {pattern: '[0-9]+'}}
`);

describe('profile counterexamples under a memory budget', () => {
  it('picks the five most frequent failing values of four million within 100 MB', async () => {
    const dir = tempDir('profile-examples');
    const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], tempDirectory: join(dir, 'spill'), memoryLimit: '100MB', threads: 2 });
    try {
      // Generated value counts (col, v, c): 'X<i>' fails the pattern; counts 1 to 3, ties by value.
      const vc = `(SELECT 'id' AS col, 'X' || i AS v, 1 + i % 3 AS c FROM range(4000000) t(i))`;
      const t = await tallies(db.conn, vc, draft);
      const pattern = t.get('id\u0000PATTERN_MISMATCH');
      expect(pattern?.bad).toBe(2 * 4_000_000 - 1);
      expect(pattern?.examples).toEqual(['X1000001', 'X1000004', 'X1000007', 'X100001', 'X1000010']);
      // Duplicates: values counted more than once, most frequent first.
      expect(t.get('id\u0000DUPLICATE')?.examples).toEqual(['X1000001', 'X1000004', 'X1000007', 'X100001', 'X1000010']);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
