// Whole validation statements translated for Spark (main/export/dbt/sparkModel.ts) give DuckDB's
// rows, in real Spark (one local SparkSession; every statement with ANSI mode on, Spark 4's
// default, and off, what dbt-spark sets):
// - damerau_levenshtein rebuilt from Spark's higher-order functions (sparkDamerau.ts) over 1,500
//   generated pairs: transpositions (also of characters edited in between), insertions, deletions,
//   substitutions, empty strings, NULL, and multi-byte characters, which DuckDB counts as bytes;
// - the violations model compileViolations writes for a contract with every column check the
//   translation accepts (integer and number shape and range, a primary key, pattern, lengths, a
//   closed set, a boolean, dates in two strptime formats, a functional dependency and its determinant-typo check with a JSON
//   detail) over 3,000 generated rows of hostile text: '3.5', '0x10', ' 1_0', '+7', overflow,
//   '1e400', NaN, the Kelvin sign, a dotted İ, control characters, quotes, emoji.
// Rows are compared as multisets of their text; neither engine judges its own output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { openLockedDuckDB, queryRows, sqlIdent, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { translateModelSql } from '../../main/export/dbt/sparkModel.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { querySpark, type SparkQueryResult, type SparkRows } from '../helpers/sparkSql.js';

const rand = seededRandom(20261207);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const CHARS = ['a', 'b', 'c', 'd', 'A', '1', '-', ' ', 'é', 'ü', '€', '😀', 'ß'];

function word(max: number): string {
  return Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(CHARS)).join('');
}

/** A near copy of `s`: up to three edits of characters (the kinds Damerau-Levenshtein counts). */
function edited(s: string): string {
  let cs = [...s];
  for (let e = Math.floor(rand() * 4); e > 0; e--) {
    const i = Math.floor(rand() * (cs.length + 1));
    const r = rand();
    if (r < 0.3 && cs.length >= 2) {
      const j = Math.min(i, cs.length - 2);
      [cs[j], cs[j + 1]] = [cs[j + 1]!, cs[j]!];
    } else if (r < 0.55) cs.splice(i, 0, pick(CHARS));
    else if (r < 0.8) cs.splice(i, 1);
    else if (cs.length) cs[Math.min(i, cs.length - 1)] = pick(CHARS);
  }
  if (rand() < 0.1) cs = [...cs, ...cs.slice(0, 2)].reverse();
  return cs.join('');
}

const CONTRACT = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: spark-checks
name: spark-checks
version: 1.0.0
schema:
  - name: src
    properties:
      - {name: id, logicalType: integer, required: true, primaryKey: true}
      - {name: code, logicalType: string, required: true}
      - {name: name, logicalType: string}
      - {name: topic, logicalType: string}
      - {name: qty, logicalType: integer, logicalTypeOptions: {minimum: 0, maximum: 1000}}
      - {name: price, logicalType: number, logicalTypeOptions: {exclusiveMinimum: 0, maximum: 99.5}}
      - {name: tag, logicalType: string, logicalTypeOptions: {pattern: '^[A-Z]{2}-[0-9]{3}$', minLength: 6, maxLength: 6}}
      - name: status
        logicalType: string
        quality: [{metric: invalidValues, arguments: {validValues: [open, closed]}}]
      - {name: flag, logicalType: boolean}
      - {name: day, logicalType: date, logicalTypeOptions: {format: '%Y-%m-%d'}}
      - {name: due, logicalType: date, logicalTypeOptions: {format: '%d.%m.%Y'}}
    customProperties:
      - property: functionalDependencies
        value:
          - determinant: [code]
            dependent: [name, topic]
`, 'spark-checks.odcs.yaml');

const INTEGERS = ['1', '+7', '-0', '007', '3.5', '0x10', ' 12 ', '1_0', '99999999999999999999', '-9223372036854775808', '1e3', '', ' ', 'NaN', '١٢', '12\n'];
const NUMBERS = ['0', '0.0', '.5', '5.', '-1', '99.5', '99.50000000000001', '1e400', '-1e400', '1e-400', '1_000.5', 'NaN', 'inf', 'Infinity', '0x1p3', '12,5', '123456789012345678905', ' 3.25 ', '+.5e1'];
const TAGS = ['AB-123', 'ab-123', 'AB-1234', 'ÄB-123', 'AB-12٣', 'AB-123\n', ' AB-123', 'A-1234', 'AB–123'];
const STATUSES = ['open', 'closed', 'Open', 'open ', 'clósed', '', 'NULL'];
const DAYS = ['2020-01-05', '2020-1-5', '20-01-05', '0-01-05', '0000-01-01', '0001-01-01', '9999-12-31', '02020-01-05', '+2020-01-05', '2020-01-05x',
  '2020-001-05', '2020-02-29', '2019-02-29', '2020-02-30', '2020-13-01', '2020-00-10', '2020-01-00', '2020 -01-05', '2020- 1-05', '2020-01-05\t', '\t2020-01-05',
  '2020-01-05\u000b', '2020-01-05\u00a0', '2020/01/05', '٢٠٢٠-01-05', '2020-01-05T00:00', '2020--01-05', '5.1.2020', '05.01.2020', '5.1.20', '31.4.2021', '29.02.1900', '29.2.2000', '5..2020', '1.1.10000'];
const FLAGS = ['true', 'TRUE', 'yes', 'Y', 'no', '0', '1', 'ok', '\u212Aok', 'İ', 'tru', 'ſ', 'ﬀ'];
const KEYS = [
  ['ami-4', 'aspirin at arrival', 'heart'], ['hf-2', 'discharge "instructions"', 'failure'], ['pn-3', 'blood culture\u0001', 'pneumonia'],
  ['scip-inf-4', 'glucose\\control', 'surgery'], ['é-clé-9', 'crème', 'café'], ['😀-code', 'emoji', 'fun'], ['ka-77', 'kelvin', 'temp'],
] as const;

function generatedRows(n: number): Array<Record<string, string | null>> {
  const rows: Array<Record<string, string | null>> = [];
  for (let i = 1; i <= n; i++) {
    const [code, name, topic] = pick(KEYS);
    const r = rand();
    // most rows carry their key's agreed dependents; some are a key misspelt once or twice
    // (the determinant-typo check), some disagree with their group (the dependency check)
    const key = r < 0.02 ? edited(code) : code;
    rows.push({
      id: rand() < 0.9 ? String(i) : pick(INTEGERS),
      code: rand() < 0.02 ? null : key,
      name: r > 0.97 ? edited(name) : name,
      topic: rand() < 0.03 ? null : topic,
      qty: rand() < 0.5 ? String(Math.floor(rand() * 1200) - 100) : pick(INTEGERS),
      price: rand() < 0.5 ? (rand() * 120 - 10).toFixed(Math.floor(rand() * 4)) : pick(NUMBERS),
      tag: rand() < 0.1 ? null : pick(TAGS),
      status: rand() < 0.1 ? null : pick(STATUSES),
      flag: rand() < 0.1 ? null : pick(FLAGS),
      day: rand() < 0.1 ? null : pick(DAYS),
      due: rand() < 0.1 ? null : pick(DAYS),
    });
  }
  return rows;
}

/** One multiset of rows as sorted text lines. */
const lines = (rows: SparkRows): string[] => rows.map((r) => JSON.stringify(r)).sort();

let duck: LockedDuckDB;
beforeAll(async () => {
  duck = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
});
afterAll(() => {
  duck?.close();
});

async function duckRows(sql: string): Promise<SparkRows> {
  const rows = await queryRows<Record<string, unknown>>(duck.conn, `SELECT * FROM (${sql})`);
  return rows.map((r) => Object.values(r).map((v) => (v === null || v === undefined ? null : String(v))));
}

function sparkRows(result: SparkQueryResult | undefined): { ansi: SparkRows; legacy: SparkRows } {
  if (!result || 'error' in result) throw new Error(`Spark refused the translated statement: ${result && 'error' in result ? result.error : 'no answer'}`);
  return result;
}

describe('validation statements on Spark', () => {
  it('damerau_levenshtein and the violations of 3,000 hostile rows: the same rows as DuckDB, with ANSI mode on and off', async () => {
    // the pairs: near copies, unrelated words, empty text and NULL
    const pairs: Array<[string, string | null, string | null]> = [];
    for (let i = 1; i <= 1500; i++) {
      const a = word(7);
      const b = rand() < 0.75 ? edited(a) : word(6);
      pairs.push([String(i), rand() < 0.02 ? null : a, rand() < 0.02 ? null : b]);
    }
    await duck.conn.run('CREATE TABLE pairs (_airlock_row_id BIGINT, a VARCHAR, b VARCHAR)');
    await duck.conn.run(`INSERT INTO pairs VALUES ${pairs.map(([i, a, b]) => `(${i}, ${a === null ? 'NULL' : sqlString(a)}, ${b === null ? 'NULL' : sqlString(b)})`).join(', ')}`);
    const distanceSql = 'SELECT _airlock_row_id, damerau_levenshtein(a, b) AS d FROM pairs';
    const distance = translateModelSql(distanceSql);
    expect(distance.ok, distance.ok ? '' : distance.reason).toBe(true);

    const rows = generatedRows(3000);
    const cols = CONTRACT.columns.map((c) => c.name);
    await duck.conn.run(`CREATE TABLE src (${cols.map((c) => `${sqlIdent(c)} VARCHAR`).join(', ')}, _airlock_row_id BIGINT)`);
    await duck.conn.run(`INSERT INTO src VALUES ${rows.map((r, i) => `(${cols.map((c) => (r[c] === null ? 'NULL' : sqlString(r[c]!))).join(', ')}, ${i + 1})`).join(',\n')}`);
    const violationsSql = `SELECT row_id, "column", reason, rule, detail FROM (${compileViolations(CONTRACT, 'src').sql})`;
    const violations = translateModelSql(violationsSql);
    expect(violations.ok, violations.ok ? '' : violations.reason).toBe(true);
    if (!distance.ok || !violations.ok) return;

    const [d, v] = querySpark([
      { name: 'pairs', columns: ['_airlock_row_id', 'a', 'b'], rows: pairs },
      { name: 'src', columns: [...cols, '_airlock_row_id'], rows: rows.map((r, i) => [...cols.map((c) => r[c] ?? null), String(i + 1)]) },
    ], [distance.sql, violations.sql]);

    const duckDistances = await duckRows(distanceSql);
    const duckViolations = await duckRows(violationsSql);
    // what was compared holds what the checks are for: every distance from 0 up, every reason
    expect(new Set(duckDistances.map((r) => r[1])).size).toBeGreaterThan(5);
    const reasons = new Set(duckViolations.map((r) => r[2]));
    for (const reason of ['REQUIRED_MISSING', 'TYPE_MISMATCH', 'OUT_OF_RANGE', 'DUPLICATE_KEY', 'PATTERN_MISMATCH', 'LENGTH', 'NOT_IN_SET', 'FD_VIOLATION', 'FD_DETERMINANT_SUSPECT']) {
      expect([...reasons].some((r) => r?.startsWith(reason)), `no ${reason} among ${[...reasons].join(', ')}`).toBe(true);
    }
    for (const mode of ['ansi', 'legacy'] as const) {
      expect(lines(sparkRows(d)[mode]), `distances, ANSI ${mode}`).toEqual(lines(duckDistances));
      expect(lines(sparkRows(v)[mode]), `violations, ANSI ${mode}`).toEqual(lines(duckViolations));
    }
  }, 1_200_000);
});
