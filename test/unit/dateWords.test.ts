// DuckDB reads words as days: TRY_CAST('epoch' AS DATE) is 1970-01-01 (and midnight as a TIME),
// and strptime with any format reads 'epoch', 'infinity' and '-infinity' (any case, ASCII blanks
// around) as 1900-01-01. A file's 'epoch' in a date column was a clean 1900-01-01 (found while
// translating date rules to Spark). Every typed check now asks for a digit: thousands of spellings of
// these words (and other words) in date, timestamp and time columns, with and without a format,
// are never typed, and digits keep reading as before. The end-to-end run checks the clean export.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { openLockedDuckDB, queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { typeOkSql } from '../../main/validate/typedValue.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { runCli, describeResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const COLUMNS = [
  "{name: d1, logicalType: date}",
  "{name: d2, logicalType: date, logicalTypeOptions: {format: '%Y-%m-%d'}}",
  "{name: d3, logicalType: date, logicalTypeOptions: {format: '%d.%m.%Y'}}",
  "{name: t1, logicalType: timestamp}",
  "{name: t2, logicalType: timestamp, logicalTypeOptions: {format: '%Y-%m-%d %H:%M:%S'}}",
  "{name: h1, logicalType: time}",
  "{name: h2, logicalType: time, logicalTypeOptions: {format: '%H:%M'}}",
];
const contract = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: date-words
name: date-words
version: 1.0.0
schema:
  - name: w
    properties:
${COLUMNS.map((c) => `      - ${c}`).join('\n')}
`);

const WORDS = ['epoch', 'infinity', '-infinity', '+infinity', 'allballs', 'now', 'today', 'tomorrow', 'yesterday', 'inf', '-inf', 'nan', 'null', 'epochs'];
const BLANKS = [' ', '\t', '\n', '\u000b', '\f', '\r', '\u00a0', ''];

/** A word in random ASCII case, wrapped in random blanks. */
function spellings(n: number): string[] {
  const rand = seededRandom(1900);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out = WORDS.flatMap((w) => [w, w.toUpperCase(), ` ${w} `]);
  while (out.length < n) {
    const w = [...pick(WORDS)].map((c) => (rand() < 0.5 ? c.toUpperCase() : c)).join('');
    out.push(pick(BLANKS) + pick(BLANKS) + w + pick(BLANKS) + pick(BLANKS));
  }
  return out;
}

let duck: LockedDuckDB;
beforeAll(async () => {
  duck = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
});
afterAll(() => duck?.close());

describe('words DuckDB reads as dates are not dates', () => {
  it('no spelling of epoch, infinity or another word is a valid date, timestamp or time, with or without a format', async () => {
    const words = spellings(3000);
    const values = words.map((w, i) => `(${i}, ${sqlString(w)})`).join(', ');
    for (const col of contract.columns) {
      const rows = await queryRows<{ v: string }>(duck.conn, `SELECT v FROM (VALUES ${values}) x(i, v) WHERE ${typeOkSql(col, 'v')}`);
      expect({ column: col.name, typed: rows.slice(0, 5).map((r) => r.v) }).toEqual({ column: col.name, typed: [] });
    }
    // DuckDB does read these words (what the check stands against)
    const read = await queryRows<{ n: bigint }>(duck.conn, `SELECT count(*) AS n FROM (VALUES ${values}) x(i, v) WHERE TRY_CAST(trim(v) AS DATE) BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' OR try_strptime(v, '%d.%m.%Y') IS NOT NULL`);
    expect(Number(read[0]!.n)).toBeGreaterThan(300);
  });

  it('values with digits read as before', async () => {
    const good: Record<string, string> = { d1: '2020-01-05', d2: ' 2020-01-05 ', d3: '5.1.2020', t1: '2020-01-05 10:00:00', t2: '2020-01-05 10:00:00', h1: '10:30', h2: '10:30' };
    for (const col of contract.columns) {
      const [r] = await queryRows<{ ok: boolean }>(duck.conn, `SELECT ${typeOkSql(col, sqlString(good[col.name]!))} AS ok`);
      expect({ column: col.name, ok: r!.ok }).toEqual({ column: col.name, ok: true });
    }
  });

  it('a file holding them quarantines those rows; the clean export holds no 1900-01-01 or 1970-01-01 it did not deliver', async () => {
    const dir = tempDir('date-words');
    const csv = join(dir, 'w.csv');
    writeFileSync(csv, `id,d,e\n1,2020-01-05,5.1.2020\n2,epoch,1.1.2020\n3,2020-01-06,INFINITY\n4, -Infinity ,2.1.2020\n5,1900-01-01,1.1.1900\n`);
    const yaml = join(dir, 'w.odcs.yaml');
    writeFileSync(yaml, `apiVersion: v3.1.0\nkind: DataContract\nid: w\nname: w\nversion: 1.0.0\nschema:\n  - name: w\n    properties:\n      - {name: id, logicalType: integer, required: true}\n      - {name: d, logicalType: date}\n      - {name: e, logicalType: date, logicalTypeOptions: {format: '%d.%m.%Y'}}\n`);
    const ws = join(dir, 'ws');
    const run = await runCli(['run', csv, '--contract', yaml, '--workspace', ws, '--no-model', '--no-embedder', '--json']);
    expect([0, 4], describeResult(run)).toContain(run.code);
    const runId = JSON.parse(run.stdout.trim().split('\n').pop()!).runId as string;
    const out = join(dir, 'out');
    const exported = await runCli(['export', '--workspace', ws, '--run', runId, '--out', out]);
    expect(exported.code, describeResult(exported)).toBe(0);
    expect(existsSync(join(out, 'clean.csv'))).toBe(true);
    const ids = readFileSync(join(out, 'clean.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids.sort()).toEqual(['1', '5']);
  }, 120_000);
});
