// valueValidSql (what the judge of repairs asks) and compileViolations (what validation reports)
// must agree on every value: a value is valid for the judge exactly when it is present (not
// missing) and raises none of the column's own violations. Checked on a few hundred generated
// values per logical type and option, all in DuckDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnSpec, QualityCheck } from '../../main/contract/types.js';
import { valueValidSql } from '../../main/remediate/valueChecks.js';
import { compileViolations, missingSql } from '../../main/validate/compileViolations.js';
import { queryRows, sqlIdent, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { column, contractFor, openDb } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

const q = (over: Partial<QualityCheck>): QualityCheck => ({ name: 'c.invalid#0', type: 'library', metric: 'invalidValues', unit: 'rows', line: 1, ...over });

const COLUMNS: Array<{ name: string; spec: ColumnSpec }> = [
  { name: 'string + pattern', spec: column({ name: 'c', pattern: '[A-Z]{2}[0-9]*' }) },
  { name: 'string + nested-quantifier pattern', spec: column({ name: 'c', pattern: '[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+' }) },
  { name: 'string + enum + missing tokens', spec: column({ name: 'c', enum: ['yes', 'no', 'N/A'], missingTokens: ['N/A', '\t', ' ', '', '-'] }) },
  { name: 'string + lengths', spec: column({ name: 'c', minLength: 2, maxLength: 5, required: true }) },
  { name: 'string + invalidValues metric', spec: column({ name: 'c', quality: [q({ validValues: ['a', 'b', 'ab'] }), q({ name: 'c.p#1', pattern: '[a-z]+' }), q({ name: 'c.null#2', metric: 'nullValues' })] }) },
  { name: 'integer + range', spec: column({ name: 'c', logicalType: 'integer', minimum: -5, maximum: 120 }) },
  { name: 'integer + exclusive range', spec: column({ name: 'c', logicalType: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 }) },
  { name: 'number + range', spec: column({ name: 'c', logicalType: 'number', minimum: 0, maximum: 1 }) },
  { name: 'number', spec: column({ name: 'c', logicalType: 'number' }) },
  { name: 'boolean', spec: column({ name: 'c', logicalType: 'boolean' }) },
  { name: 'date', spec: column({ name: 'c', logicalType: 'date', minimum: '2000-01-01', maximum: '2030-12-31' }) },
  { name: 'date + format', spec: column({ name: 'c', logicalType: 'date', format: '%d/%m/%Y' }) },
  { name: 'timestamp', spec: column({ name: 'c', logicalType: 'timestamp' }) },
  { name: 'timestamp + format', spec: column({ name: 'c', logicalType: 'timestamp', format: '%Y-%m-%d %H:%M:%S', maximum: '2025-01-01 00:00:00' }) },
  { name: 'time', spec: column({ name: 'c', logicalType: 'time' }) },
];

const PIECES = ['0', '1', '7', '12', '99', '120', '-', '+', '.', ',', 'e', 'E5', ' ', '\t', 'a', 'b', 'ab', 'yes', 'no', 'N/A', 'X', 'CA',
  '2021-03-15', '15/03/2021', '2019-13-01', '10:20:30', ' 2024-06-01 12:00:00', '@', 'x.org', 'ann@x.org', 'n', 'true', 'F', '0.5', '1e3', 'inf', 'NaN', '1.0'];

function value(r: Rng): string | null {
  if (r.chance(0.03)) return null;
  const n = r.int(1, 3);
  let s = '';
  for (let i = 0; i < n; i++) s += r.pick(PIECES);
  return s;
}

describe('valueValidSql agrees with validation', () => {
  for (const [k, c] of COLUMNS.entries()) {
    it(c.name, async () => {
      const r = seeded(1000 + k);
      const values = [...new Set(Array.from({ length: 300 }, () => value(r)))];
      const col = sqlIdent(c.spec.name);
      const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : sqlString(v)})`).join(', ');
      await db.conn.run(`CREATE OR REPLACE TEMP TABLE agree AS SELECT * FROM (VALUES ${rows}) t(_airlock_row_id, ${col})`);
      const v = compileViolations(contractFor(c.spec), 'agree');
      const got = await queryRows<{ i: number; judge: boolean; validation: boolean }>(db.conn, `
        SELECT _airlock_row_id AS i, ${valueValidSql(c.spec, col)} AS judge,
          (NOT ${missingSql(c.spec, col)} AND _airlock_row_id NOT IN (SELECT row_id FROM (${v.sql}))) AS validation
        FROM agree ORDER BY 1`);
      expect(got.length).toBe(values.length);
      const disagree = got.filter((g) => g.judge !== g.validation).map((g) => [values[g.i], g.judge, g.validation]);
      expect(disagree).toEqual([]);
      // The generator reaches both sides for every column.
      expect(got.some((g) => g.judge)).toBe(true);
      expect(got.some((g) => !g.judge)).toBe(true);
    });
  }
});
