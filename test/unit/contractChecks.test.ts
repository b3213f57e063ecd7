// Load-time checks of a contract (defects C6, C7), typed value edges (A15), contracts written by
// other tools (E) and SQL checks over a typed view (C14). Each case family is generated with a
// seeded generator; expected answers are computed here in JavaScript, never by the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { checkContractInDuckDB } from '../../main/contract/duckdbChecks.js';
import { UserError } from '../../main/contract/errors.js';
import { parseContract } from '../../main/contract/load.js';
import type { ColumnSpec } from '../../main/contract/types.js';
import { sqlString } from '../../main/store/duckdb.js';
import { evaluateGates } from '../../main/validate/gates.js';
import { castSql, typeOkSql } from '../../main/validate/typedValue.js';
import { seeded as seededRng } from '../helpers/seeded.js';

/** The shared seeded generator (test/helpers/seeded.ts), as a plain function of no arguments. */
const rng = (seed: number): (() => number) => seededRng(seed).next;

/** A one-table contract; `prop` is the YAML of the property under test, at line 10. */
function contract(prop: string, more = ''): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: c
name: c
version: 1.0.0
schema:
  - name: c
    properties:
      - name: id
        logicalType: integer
${prop}
${more}`;
}
const PROP_LINE = 11;

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

/** Loads like a run does (YAML checks, then DuckDB's) and returns the UserError's message, or undefined. */
async function loadError(yaml: string): Promise<string | undefined> {
  try {
    await checkContractInDuckDB(conn, parseContract(yaml, 'c.odcs.yaml'));
    return undefined;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    expect(e.message).toMatch(/^c\.odcs\.yaml:\d+: /);
    return e.message;
  }
}

async function sqlBool(expr: string): Promise<boolean> {
  return Boolean((await conn.runAndReadAll(`SELECT coalesce(${expr}, false)`)).getRowsJS()[0][0]);
}

describe('C6: every regular expression is compiled by DuckDB (RE2) when the contract loads', () => {
  it('patterns RE2 refuses are contract errors with the property line (300 generated)', async () => {
    const r = rng(6);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const ok = ['[a-z]+', '\\d{3}', '.', '(ab|cd)', '[^@]+@', 'x*', '\\w{2,8}'];
    const refused = ['(?=.*[0-9])', '(?!abc)', '(?<=x)', '(?<!y)', '(a)\\1', '\\Z', 'a++', '(?<n>a)\\k<n>'];
    for (let i = 0; i < 300; i++) {
      const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(ok));
      parts.splice(Math.floor(r() * (parts.length + 1)), 0, pick(refused));
      const pattern = parts.join('');
      const where = r() < 0.5
        ? `      - name: v\n        logicalType: string\n        logicalTypeOptions: { pattern: ${sqlString(pattern)} }`
        : `      - name: v\n        quality:\n          - metric: invalidValues\n            arguments: { pattern: ${sqlString(pattern)} }\n            mustBe: 0`;
      const m = await loadError(contract(where));
      expect(m, pattern).toBeDefined();
      expect(m, pattern).toMatch(/c\.odcs\.yaml:(11|13|14): .*pattern/);
    }
  });

  it('patterns RE2 accepts load, including RE2 syntax JavaScript does not read', async () => {
    for (const p of ['(?i)abc', '(?P<code>[A-Z]{2})-\\d+', '[[:alpha:]]+', '\\pL+', '(?s:a.b)', '\\d\\.\\d+(%)?', '[^@]+@[^@]+\\.[a-z]+']) {
      expect(await loadError(contract(`      - name: v\n        logicalTypeOptions: { pattern: ${sqlString(p)} }`)), p).toBeUndefined();
    }
  });
});

describe('C7: every logicalTypeOptions value is checked when the contract loads', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['date', '{ format: "%Q-%m" }', /%Q/],
    ['date', '{ minimum: yesterday }', /minimum "yesterday" must be a date/],
    ['date', "{ maximum: '2024-02-30' }", /must be a date/],
    ['date', "{ minimum: '2023-02-29' }", /must be a date/],
    ['date', "{ minimum: '2024-13-01' }", /must be a date/],
    ['date', '{ minimum: 20240101 }', /must be a date/],
    ['timestamp', '{ minimum: tomorrow }', /must be a timestamp/],
    ['timestamp', "{ maximum: '2024-01-01T25:00:00' }", /must be a timestamp/],
    ['time', "{ minimum: '24:00' }", /must be a time/],
    ['integer', '{ minimum: abc }', /must be a finite number/],
    ['number', "{ maximum: '1e400' }", /must be a finite number/],
    ['number', '{ minimum: .inf }', /must be a finite number/],
    ['string', '{ minimum: 3 }', /applies to integer, number, date/],
    ['boolean', '{ maximum: 1 }', /applies to integer, number, date/],
    ['integer', "{ format: 'yyyy' }", /format applies to date, timestamp and time/],
    ['string', '{ minLength: -1 }', /whole number/],
    ['string', '{ maxLength: 2.5 }', /whole number/],
    ['string', '{ minLength: 5, maxLength: 2 }', /below minLength/],
    ['integer', '{ minimum: 10, maximum: 1 }', /below the lower bound/],
    ['date', "{ minimum: '2024-06-01', maximum: '2024-01-01' }", /below the lower bound/],
    ['string', '{ pattern: 42 }', /pattern must be a non-empty string/],
    ['string', '[a, b]', /logicalTypeOptions must be a mapping/],
    ['date', '{ format: 12 }', /format must be a string/],
  ];
  it.each(bad)('%s %s', async (type, opts, re) => {
    const m = await loadError(contract(`      - name: v\n        logicalType: ${type}\n        logicalTypeOptions: ${opts}`));
    expect(m).toBeDefined();
    expect(m).toContain(`c.odcs.yaml:${PROP_LINE + 2}:`);
    expect(m).toContain('logicalTypeOptions');
    expect(m).toMatch(re);
  });

  it('dates written as bounds are checked as dates (400 generated, valid and not)', async () => {
    const r = rng(77);
    for (let i = 0; i < 400; i++) {
      const y = Math.floor(r() * 3000) + 1, mo = Math.floor(r() * 14), d = Math.floor(r() * 33);
      const text = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
      const valid = mo >= 1 && mo <= 12 && d >= 1 && d <= days;
      const m = await loadError(contract(`      - name: v\n        logicalType: date\n        logicalTypeOptions: { minimum: '${text}' }`));
      expect(m === undefined, `${text} ${m ?? ''}`).toBe(valid);
    }
  });

  it('keys the engine does not act on are kept and ignored', async () => {
    const yaml = contract(`      - name: v\n        logicalType: array\n        logicalTypeOptions: { minItems: 1, uniqueItems: true }\n        items: { logicalType: string }\n        x-vendor: kept`);
    expect(await loadError(yaml)).toBeUndefined();
    expect(parseContract(yaml).yaml).toContain('x-vendor: kept');
  });
});

describe('A15: number and date edges', () => {
  const num: ColumnSpec = { name: 'v', logicalType: 'number', required: false, unique: false, primaryKey: false, missingTokens: [], quality: [], line: 1 };

  it('numbers keep every digit they were written with (300 generated, up to 38 digits)', async () => {
    const r = rng(15);
    for (let i = 0; i < 300; i++) {
      const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
      const intPart = digits(1 + Math.floor(r() * 25)).replace(/^0+(?=\d)/, '');
      const frac = r() < 0.8 ? `.${digits(1 + Math.floor(r() * 13))}` : '';
      const sign = r() < 0.3 ? '-' : r() < 0.2 ? '+' : '';
      const text = `${sign}${intPart}${frac}`;
      const v = sqlString(r() < 0.2 ? ` ${text} ` : text);
      expect(await sqlBool(typeOkSql(num, v)), text).toBe(true);
      const stored = (await conn.runAndReadAll(`SELECT ${castSql(num, v)}`)).getRowsJS()[0][0];
      expect(stored, text).toBe(text.replace(/^\+/, ''));
    }
    expect(await sqlBool(`${castSql(num, "'12345678901234567.89'")} = '12345678901234567.89'`)).toBe(true);
  });

  it('values beyond a double, inf and nan are not numbers', async () => {
    const r = rng(309);
    const cases = ['1e309', '-1e400', 'inf', '-inf', 'nan', 'NaN', 'Infinity', '+Infinity', '1e99999', '9'.repeat(400)];
    for (let i = 0; i < 100; i++) cases.push(`${r() < 0.5 ? '-' : ''}${1 + Math.floor(r() * 9)}.${Math.floor(r() * 1000)}e${309 + Math.floor(r() * 5000)}`);
    for (const c of cases) expect(await sqlBool(typeOkSql(num, sqlString(c))), c).toBe(false);
  });

  it('dates and timestamps outside years 1..9999 are type mismatches (200 generated)', async () => {
    const r = rng(9999);
    for (const t of ['date', 'timestamp'] as const) {
      const col = { ...num, logicalType: t };
      for (let i = 0; i < 100; i++) {
        const big = r() < 0.5;
        const y = big ? 10000 + Math.floor(r() * 90000) : 1 + Math.floor(r() * 9999);
        const text = `${String(y).padStart(4, '0')}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}${t === 'timestamp' ? ' 10:00:00' : ''}`;
        expect(await sqlBool(typeOkSql(col, sqlString(text))), `${t} ${text}`).toBe(!big);
      }
      for (const text of ['0000-01-01', '-0001-01-01', '0000-06-15 00:00:00']) expect(await sqlBool(typeOkSql(col, sqlString(text))), text).toBe(false);
    }
  });
});

describe('E: contracts other tools write', () => {
  it('object, array, time, no logicalType, a physicalType, pii true, closed sets the ODCS way and the old enum', () => {
    const c = parseContract(contract(`      - name: o
        logicalType: object
        properties: [{ name: a, logicalType: string }]
      - name: arr
        logicalType: array
        items: { logicalType: integer }
      - name: t
        logicalType: time
      - name: plain
      - name: phys
        physicalType: VARCHAR(255)
      - name: physint
        physicalType: BIGINT
      - name: vendor
        physicalType: SUPER
      - name: who
        customProperties: [{ property: pii, value: true }]
      - name: status
        quality:
          - metric: invalidValues
            arguments: { validValues: [a, b] }
      - name: legacy
        enum: [x, y]`));
    const by = (n: string) => c.columns.find((x) => x.name === n)!;
    expect(c.columns.map((x) => [x.name, x.logicalType])).toEqual([
      ['id', 'integer'], ['o', 'object'], ['arr', 'array'], ['t', 'time'], ['plain', 'string'], ['phys', 'string'],
      ['physint', 'integer'], ['vendor', 'string'], ['who', 'string'], ['status', 'string'], ['legacy', 'string'],
    ]);
    expect(by('who').pii).toBe('other');
    expect(by('status')).toMatchObject({ enum: ['a', 'b'], enumRule: 'status.invalidValues#0' });
    expect(by('legacy')).toMatchObject({ enum: ['x', 'y'], enumRule: 'legacy.enum' });
  });

  it('an unknown metric name is an error naming file, line and key', () => {
    expect(() => parseContract(contract(`      - name: v\n        quality:\n          - metric: valueInSet\n            mustBe: 0`), 'c.odcs.yaml'))
      .toThrow(/^c\.odcs\.yaml:13: schema\[0\]\.properties\[1\]\.quality\[0\]\.metric: unknown metric "valueInSet"/);
  });
});

describe('C14: sql checks run over a typed view of the batch', () => {
  it('counts compare typed values, with every placeholder spelling (200 generated batches)', async () => {
    const r = rng(14);
    const placeholders = ['${model}', '{model}', '{object}', '${object}'];
    for (let b = 0; b < 200; b++) {
      const ages: string[] = Array.from({ length: 5 + Math.floor(r() * 30) }, () => {
        const x = r();
        if (x < 0.5) return String(Math.floor(r() * 300));
        if (x < 0.6) return ` ${Math.floor(r() * 300)} `;
        if (x < 0.7) return `${Math.floor(r() * 300)}.5`;
        if (x < 0.8) return ['abc', 'old', '1e3', '0x99', '', 'N/A'][Math.floor(r() * 6)];
        return `+${Math.floor(r() * 300)}`;
      });
      const limit = Math.floor(r() * 250);
      const expected = ages.filter((a) => /^\s*[+-]?\d+\s*$/.test(a) && Number(a) > limit).length;
      const ph = placeholders[b % placeholders.length];
      const useProperty = b % 3 === 0;
      const yaml = contract(`      - name: age
        logicalType: integer
        quality:
          - type: sql
            query: SELECT COUNT(*) FROM ${ph} WHERE ${useProperty ? '{property}' : 'age'} > ${limit}
            mustBe: 0`);
      const c = parseContract(yaml);
      await conn.run(`CREATE OR REPLACE TABLE batch AS SELECT * FROM (VALUES ${ages.map((a, i) => `('${i}', ${sqlString(a)})`).join(', ')}) t(id, age)`);
      await conn.run('CREATE OR REPLACE TABLE viol (row_id BIGINT, "column" VARCHAR, reason VARCHAR, rule VARCHAR)');
      const [g] = await evaluateGates(conn, c, 'batch', 'viol');
      expect(g.value, `${ph} ${limit} ${JSON.stringify(ages)}`).toBe(expected);
      expect(g.passed).toBe(expected === 0);
    }
  });
});
