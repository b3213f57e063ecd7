// The variant detector reads a whole column of the batch in validation, so its statement must
// finish within DuckDB's memory budget however many distinct values the column holds. Re-casing
// a departure in letter case ('pale ale 7' in a column written 'Pale Ale') once re-assembled each
// value's words with an ordered string_agg, whose per-value state DuckDB cannot spill: two million
// such values needed far more than the budget.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows } from '../../main/store/duckdb.js';
import { RECASE_MAX_WORDS, variantsSql } from '../../main/validate/variants.js';
import { tempDir } from '../helpers/tmp.js';
import { column } from './synthHarness.js';

describe('variant detection under a memory budget', () => {
  it('re-cases two million distinct values of a mixed-case column within 150 MB', async () => {
    const dir = tempDir('variants-memory');
    const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], tempDirectory: join(dir, 'spill'), memoryLimit: '150MB', threads: 2 });
    try {
      const departures = 2_000_000;
      const usual = 18_000_000;
      // Generated, not stored: the budget is spent by the detector's statement, not the input.
      const source = `(SELECT CASE WHEN i < ${usual} THEN (['Pale Ale', 'Brown Ale', 'Red Ale'])[i % 3 + 1] ELSE 'pale ale ' || i END AS style
        FROM range(${usual + departures}) t(i))`;
      const rows = await queryRows<{ n: bigint; sample: string }>(db.conn, `SELECT count(*) AS n, min("to") FILTER (WHERE "from" = 'pale ale ${usual + 7}') AS sample
        FROM (${variantsSql(column({ name: 'style' }), source, false)}) WHERE how = 'case-departure'`);
      expect(Number(rows[0].n)).toBe(departures);
      expect(rows[0].sample).toBe(`Pale Ale ${usual + 7}`);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('re-assembles every word in order across its runs of words, and leaves a value longer than the limit alone', async () => {
    const dir = tempDir('variants-order');
    const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 1 });
    try {
      // Words the column writes in one casing, in values of 1 to 30 of them; each value also arrives
      // once in lower case with its words reversed (a spelling the column never writes, so no key
      // collision claims it): re-cased word by word.
      const words = Array.from({ length: 30 }, (_, i) => `Word${String.fromCharCode(97 + (i % 26))}${i}`);
      const values = Array.from({ length: 30 }, (_, n) => words.slice(0, n + 1));
      const rows = values.flatMap((v) => [...Array.from({ length: 40 }, () => v.join(' ')), [...v].reverse().join(' ').toLowerCase()]);
      const source = `(SELECT unnest([${rows.map((v) => `'${v}'`).join(', ')}]) AS style)`;
      const got = await queryRows<{ from: string; to: string }>(db.conn, `SELECT "from", "to" FROM (${variantsSql(column({ name: 'style' }), source, false)}) WHERE how = 'case-departure' ORDER BY length("from")`);
      // Two lettered words at least, and at most the limit: each re-cased to the column's spelling, words in order.
      const want = values.filter((v) => v.length >= 2 && v.length <= RECASE_MAX_WORDS)
        .map((v) => ({ from: [...v].reverse().join(' ').toLowerCase(), to: [...v].reverse().join(' ') }));
      expect(got).toEqual(want);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
