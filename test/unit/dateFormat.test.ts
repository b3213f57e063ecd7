// logicalTypeOptions.format in ODCS's own notation (Java DateTimeFormatter) (defect A10).
// A seeded generator writes hundreds of JDK patterns and date-times; Java 17's own formatter
// (java.time, run as a single-file program) writes each date-time with its pattern; the
// loader's translation must read every text back, in DuckDB, to the same instant. Formats with
// no field, unsupported letters and invalid strftime directives are contract errors naming the
// file, the line and the key.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../../main/contract/errors.js';
import { parseContract } from '../../main/contract/load.js';
import type { ColumnSpec } from '../../main/contract/types.js';
import { sqlString } from '../../main/store/duckdb.js';
import { compareSql, typeOkSql } from '../../main/validate/typedValue.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { seeded as seededRng } from '../helpers/seeded.js';

/** The shared seeded generator (test/helpers/seeded.ts), as a plain function of no arguments. */
const rng = (seed: number): (() => number) => seededRng(seed).next;

type Kind = 'date' | 'timestamp' | 'time';
interface Case {
  kind: Kind;
  pattern: string;
  y: number; mo: number; d: number; h: number; mi: number; s: number; nano: number; off: number;
  hasOffset: boolean;
}

/** One JDK pattern and a date-time it can represent exactly (fields it has no letter for are zero). */
function genCase(r: () => number): Case {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const kind: Kind = pick(['date', 'timestamp', 'timestamp', 'time'] as const);
  let year = pick(['yyyy', 'uuuu', 'yyyy', 'yy']);
  const month = pick(['M', 'MM', 'MMM', 'MMMM']);
  const day = pick(['d', 'dd']);
  const fixedWidth = year !== 'yy' && month === 'MM' && day === 'dd';
  const sep = pick(fixedWidth ? ['-', '/', '.', ' ', '', "'/'", "'-'"] : ['-', '/', '.', ' ', ', ', "' of '"]);
  const order = pick(['ymd', 'dmy', 'mdy', 'doy'] as const);
  let datePart = order === 'ymd' ? [year, month, day].join(sep)
    : order === 'dmy' ? [day, month, year].join(sep)
      : order === 'mdy' ? [month, day, year].join(sep)
        : `${year}${sep === '' ? '-' : sep}DDD`;
  if (order !== 'doy' && r() < 0.25) datePart = `${pick(['EEE', 'EEEE'])}${pick([', ', ' ', "' the '"])}${datePart}`;
  if (order === 'doy' && year === 'yy') { year = 'yyyy'; datePart = datePart.replace('yy', 'yyyy'); }

  const twelve = r() < 0.3;
  const hour = twelve ? pick(['h', 'hh']) : pick(['H', 'HH']);
  const withSeconds = r() < 0.7;
  const fraction = withSeconds ? pick(['', '', 'SSS', 'SSSSSS', 'SSSSSSSSS']) : '';
  let timePart = `${hour}:mm${withSeconds ? ':ss' : ''}${fraction ? `.${fraction}` : ''}${twelve ? pick([' a', 'a']) : ''}`;
  const offsetLetters = kind === 'timestamp' ? pick(['', '', 'XXX', 'xxx', 'XX', 'xx', 'X', 'x', 'Z', 'ZZZZZ']) : '';
  if (offsetLetters) timePart += pick(['', ' ']) + offsetLetters;
  const pattern = kind === 'date' ? datePart : kind === 'time' ? timePart : `${datePart}${pick(["'T'", ' ', "' at '", ', '])}${timePart}`;

  // DuckDB reads nanoseconds (%n) as TIMESTAMP_NS, which spans 1677-09-21 .. 2262-04-11 (documented).
  const y = year === 'yy' ? int(2000, 2068) : fraction === 'SSSSSSSSS' && kind === 'timestamp' ? int(1678, 2261) : pick([int(1, 999), int(1000, 9999), int(1900, 2100)]);
  const mo = int(1, 12);
  const d = int(1, new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 ? 1 : 0));
  const h = kind === 'date' ? 0 : int(0, 23);
  const mi = kind === 'date' ? 0 : int(0, 59);
  const s = kind === 'date' || !withSeconds ? 0 : int(0, 59);
  const nano = kind === 'date' ? 0 : fraction === 'SSS' ? int(0, 999) * 1e6 : fraction === 'SSSSSS' || fraction === 'SSSSSSSSS' ? int(0, 999_999) * 1e3 : 0;
  // One-letter X / x print hours only: whole-hour offsets for them; UTC often, to exercise 'Z'.
  const wholeHours = offsetLetters === 'X' || offsetLetters === 'x';
  const off = !offsetLetters ? 0 : r() < 0.3 ? 0 : (wholeHours ? int(-12, 14) * 3600 : pick([int(-12, 14) * 3600, int(-720, 840) * 60]));
  return { kind, pattern, y, mo, d, h, mi, s, nano, off, hasOffset: offsetLetters !== '' };
}

function javaFormat(cases: Case[]): string[] {
  const input = cases.map((c) => [c.pattern, c.y, c.mo, c.d, c.h, c.mi, c.s, c.nano, c.off].join('\t')).join('\n');
  const r = spawnSync('java', [join(REPO_ROOT, 'test', 'helpers', 'java', 'FormatDates.java')], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) throw new Error(`java (17+, on PATH) is needed to format the reference dates: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').slice(0, cases.length);
}

function contractWith(kind: string, format: string, extra = ''): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: f
name: f
version: 1.0.0
schema:
  - name: f
    properties:
      - name: v
        logicalType: ${kind}
        logicalTypeOptions:
          format: ${JSON.stringify(format)}
${extra}`;
}
const FORMAT_LINE = 12;

function columnFor(kind: Kind, pattern: string): ColumnSpec {
  return parseContract(contractWith(kind, pattern), 'f.odcs.yaml').columns[0];
}

/** The instant (µs since 1970, UTC) the text stands for, computed without DuckDB. */
function expectedMicros(c: Case): bigint {
  const t = new Date(0);
  t.setUTCFullYear(c.y, c.mo - 1, c.d);
  t.setUTCHours(c.h, c.mi, c.s, 0);
  return BigInt(t.getTime()) * 1000n + BigInt(Math.floor(c.nano / 1000)) - BigInt(c.off) * 1_000_000n;
}

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

describe('JDK DateTimeFormatter patterns', () => {
  it('reads back, in DuckDB, what Java wrote with the same pattern (600 generated patterns and values)', async () => {
    const r = rng(20261201);
    const cases = Array.from({ length: 600 }, () => genCase(r));
    const texts = javaFormat(cases);
    const selects = cases.map((c, i) => {
      expect(texts[i], `java refused ${c.pattern}`).not.toMatch(/^!error/);
      const col = columnFor(c.kind, c.pattern);
      const v = sqlString(texts[i]);
      const typed = compareSql(col, v);
      const asMicros = c.kind === 'date' ? `epoch_us(CAST(${typed} AS TIMESTAMP))` : c.kind === 'time' ? `epoch_us(DATE '1970-01-01' + ${typed})` : `epoch_us(${typed})`;
      return `SELECT ${i} AS i, ${typeOkSql(col, v)} AS ok, ${asMicros} AS us`;
    });
    const rows = (await conn.runAndReadAll(selects.join('\nUNION ALL\n'))).getRowsJS();
    const got = new Map(rows.map((row) => [Number(row[0]), { ok: row[1] as boolean, us: row[2] as bigint | null }]));
    let checked = 0;
    cases.forEach((c, i) => {
      const want = c.kind === 'time' ? expectedMicros({ ...c, y: 1970, mo: 1, d: 1 }) : expectedMicros(c);
      const g = got.get(i)!;
      const what = `${c.kind} pattern ${c.pattern} text ${JSON.stringify(texts[i])} (strptime ${columnFor(c.kind, c.pattern).format})`;
      expect(g.ok, what).toBe(true);
      expect(g.us === null ? null : BigInt(g.us), what).toBe(want);
      checked++;
    });
    expect(checked).toBe(600);
    // the generator covered what it claims to
    for (const needle of ['MMM', 'MMMM', 'EEE', 'DDD', 'SSS', 'SSSSSSSSS', "'T'", 'XXX', 'xx', 'Z', 'hh', 'a', 'yy']) {
      expect(cases.some((c) => c.pattern.includes(needle)), needle).toBe(true);
    }
  });

  it('a value that does not fit the pattern is not a valid value', async () => {
    const col = columnFor('date', 'dd.MM.yyyy');
    for (const bad of ['2024-01-31', '31.13.2024', '30.02.2024', '31.01.10000', 'dd.MM.yyyy']) {
      expect(Number((await conn.runAndReadAll(`SELECT ${typeOkSql(col, sqlString(bad))}::INT`)).getRowsJS()[0][0]), bad).toBe(0);
    }
  });

  it('strftime formats are still read as they are', () => {
    expect(columnFor('date', '%d/%m/%Y').format).toBe('%d/%m/%Y');
    expect(columnFor('timestamp', '%Y-%m-%dT%H:%M:%S').format).toBe('%Y-%m-%dT%H:%M:%S');
  });
});

describe('a format that cannot be read is a contract error at load, naming file, line and key', () => {
  const refused = (kind: Kind, format: string): string => {
    try {
      parseContract(contractWith(kind, format), 'f.odcs.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      const m = (e as Error).message;
      expect(m).toContain(`f.odcs.yaml:${FORMAT_LINE}:`);
      expect(m).toContain('logicalTypeOptions.format');
      return m;
    }
    throw new Error(`format ${JSON.stringify(format)} on a ${kind} column loaded`);
  };

  it('formats with no date or time field: literal text only (200 generated)', () => {
    const r = rng(7);
    const lits = ['-', '/', '.', ' ', ':', ',', "'yyyy'", "'T'", "''", "'date: '", "'MM-dd'"];
    for (let i = 0; i < 200; i++) {
      const f = Array.from({ length: 1 + Math.floor(r() * 4) }, () => lits[Math.floor(r() * lits.length)]).join('');
      if (f.trim() === '') continue;
      expect(refused(r() < 0.5 ? 'date' : 'timestamp', f)).toMatch(/no date or time field|empty/);
    }
  });

  it('letters DuckDB has no equivalent for, and strftime directives it does not know', () => {
    for (const letter of 'YGQqwWecFKkANnVvzOB') {
      expect(refused('timestamp', `yyyy-MM-dd ${letter}${letter}`)).toContain(letter);
    }
    for (const d of 'QiJkKlLoOPqrsEt') expect(refused('date', `%${d}-%m-%Y`)).toContain(`%${d}`);
    expect(refused('date', "yyyy-MM-dd 'unclosed")).toMatch(/never closed/);
    expect(refused('date', 'HH:mm')).toMatch(/no date field/);
    expect(refused('time', 'yyyy-MM-dd')).toMatch(/no time field/);
    expect(refused('date', 'yyyy-MM-dd[ HH:mm]')).toMatch(/optional sections/);
  });
});
