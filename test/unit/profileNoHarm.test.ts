// Inferred rules that led repairs astray on the error-injected harness (issue 11), each reduced to
// a small synthetic table of its general kind: a pattern widened by dirt of the dominant shape's
// own classes, a name -> id dependency that namesakes break, a row that holds another group's
// entity under a wrong determinant, and gaps written many ways in a nearly full column.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { profileFile, type ContractProposal } from '../../main/contract/profile.js';
import { discoverFds, type FdColumn, type FdProposal } from '../../main/contract/profileFds.js';
import { patternFromShapes } from '../../main/contract/profilePattern.js';
import type { AgreedValueRule } from '../../main/remediate/rules/ruleTypes.js';
import { openLockedDuckDB, sqlIdent, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { applyRule, contractOf, tableOf } from '../helpers/agreedValue.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

let db: LockedDuckDB;
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;
let n = 0;
beforeAll(async () => {
  dir = tempDir('profile-no-harm');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 2 });
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
});
afterAll(() => {
  db?.close();
  conn?.closeSync();
  instance?.closeSync();
});

async function profileOf(columns: Record<string, string[]>): Promise<ContractProposal> {
  const names = Object.keys(columns);
  const lines = [names.join(',')];
  for (let i = 0; i < columns[names[0]].length; i++) lines.push(names.map((c) => columns[c][i]).join(','));
  const path = join(dir, `t${++n}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return profileFile(db.conn, path, `t${n}.csv`, { scratchDir: dir });
}

const col = (p: ContractProposal, name: string) => p.columns.find((c) => c.name === name)!;

describe('a pattern is made from the common shapes, not widened by the dirt', () => {
  it('two-letter codes with a few state names in capitals stay [A-Z]{2}', () => {
    // 'FLORIDA' and 'OREGON' share the codes' class (capitals) but not their width: merged into
    // the codes' group they made it '[A-Z]+', which says nothing and was dropped.
    const shapes = [
      { runs: ['A2'], count: 930, distinct: 50, example: 'AK' },
      { runs: ['Aa', 'a5'], count: 20, distinct: 4, example: 'Oregon' },
      { runs: ['A7'], count: 12, distinct: 2, example: 'FLORIDA' },
      { runs: ['A6'], count: 10, distinct: 1, example: 'OREGON' },
      { runs: ['a2'], count: 28, distinct: 20, example: 'co' },
    ];
    expect(patternFromShapes(shapes, 1000, 0.95, 0.8)).toBe('[A-Z]{2}');
  });

  it('five-digit codes with a digit dropped stay \\d{5}', () => {
    const shapes = [{ runs: ['95'], count: 960, distinct: 300, example: '10001' }, { runs: ['94'], count: 25, distinct: 25, example: '1001' }, { runs: ['96'], count: 15, distinct: 15, example: '100011' }];
    expect(patternFromShapes(shapes, 1000, 0.95, 0.8)).toBe('\\d{5}');
  });

  it('words of any length stay no pattern, however few names repeat (a word count is no rule)', () => {
    const shapes = [
      { runs: ['a5', '= ', 'a6'], count: 300, distinct: 1, example: 'adams county' },
      { runs: ['a7', '= ', 'a5'], count: 300, distinct: 1, example: 'jackson ridge' },
      { runs: ['a4', '= ', 'a9'], count: 350, distinct: 1, example: 'gulf shoreside' },
      { runs: ['a3', '= ', 'a4'], count: 20, distinct: 5, example: 'bay view' },
      { runs: ['a6'], count: 30, distinct: 9, example: 'mobile' },
    ];
    expect(patternFromShapes(shapes, 1000, 0.95, 0.8)).toBeUndefined();
  });

  it('the profile proposes the codes\' pattern over the whole file', async () => {
    const rng = seeded(3);
    // 30 codes: too many for a value set, so the column's rule is its pattern.
    const codes = [...'ABCDE'].flatMap((a) => [...'ABCDEF'].map((b) => a + b));
    const dirt = ['FLORIDA', 'OREGON', 'Michigan', 'co', 'Tx'];
    const state = Array.from({ length: 600 }, (_, i) => (i % 16 === 5 ? dirt[i % dirt.length] : rng.pick(codes)));
    const p = await profileOf({ id: state.map((_, i) => String(i + 1)), state });
    expect(col(p, 'state').pattern).toBe('[A-Z]{2}');
  });
});

/** The full-table counts profile.ts passes, with which columns are free text. */
async function fdsOf(cols: string[], rows: string[][], text: string[]): Promise<FdProposal[]> {
  await conn.run(`CREATE OR REPLACE TABLE t (${cols.map((c) => `${sqlIdent(c)} VARCHAR`).join(', ')})`);
  await conn.run(`INSERT INTO t VALUES ${rows.map((r) => `(${r.map(sqlString).join(', ')})`).join(', ')}`);
  const stats: FdColumn[] = cols.map((name, i) => {
    const filled = rows.map((r) => r[i]).filter((v) => v !== '');
    return { name, rows: rows.length, nonEmpty: filled.length, distinct: new Set(filled).size, text: text.includes(name) };
  });
  return discoverFds(conn, 't', stats);
}

const has = (fds: FdProposal[], det: string, dep: string) => fds.some((f) => f.determinant.join() === det && f.dependent.includes(dep));

describe('names have namesakes: a name does not determine the id it shares a class with', () => {
  // 60 breweries, each with its own id and name, 3 to 8 beers; two breweries share a name (a
  // second 'Summit Brewing' with its own id, one beer): name -> id holds on 99.8% of the rows.
  function breweries(order: 'id-first' | 'name-first'): { cols: string[]; rows: string[][] } {
    const rng = seeded(5);
    const rows: string[][] = [];
    for (let b = 0; b < 60; b++) for (let i = rng.int(3, 8); i > 0; i--) rows.push([`${100 + b}`, b === 7 ? 'Summit Brewing' : `Brewery ${b}`, `style${rng.int(0, 9)}`]);
    rows.push(['977', 'Summit Brewing', 'style1']);
    return order === 'id-first' ? { cols: ['brewery_id', 'brewery_name', 'style'], rows } : { cols: ['brewery_name', 'brewery_id', 'style'], rows: rows.map(([a, b, c]) => [b, a, c]) };
  }

  it('proposes id -> name, not name -> id', async () => {
    const { cols, rows } = breweries('id-first');
    const fds = await fdsOf(cols, rows, ['brewery_name', 'style']);
    expect(has(fds, 'brewery_id', 'brewery_name')).toBe(true);
    expect(has(fds, 'brewery_name', 'brewery_id')).toBe(false);
  });

  it('the id represents the class even when the name comes first in the file', async () => {
    const { cols, rows } = breweries('name-first');
    const fds = await fdsOf(cols, rows, ['brewery_name', 'style']);
    expect(has(fds, 'brewery_id', 'brewery_name')).toBe(true);
    expect(has(fds, 'brewery_name', 'brewery_id')).toBe(false);
  });

  it('two codes that determine each other keep both directions', async () => {
    const { cols, rows } = breweries('id-first');
    const fds = await fdsOf(cols, rows.filter((r) => r[0] !== '977'), []);
    expect(has(fds, 'brewery_id', 'brewery_name')).toBe(true);
    expect(has(fds, 'brewery_name', 'brewery_id')).toBe(true);
  });
});

describe('a row that holds another group\'s entity under a wrong determinant is not repaired through it', () => {
  const contract = contractOf(['city', 'country', 'currency'], [[['city'], ['country', 'currency']]]);
  const rule = (column: string): AgreedValueRule => ({ kind: 'agreedValue', column, determinants: [['city']], minSupport: 2, minMargin: 0.1 });
  const lyon = { city: 'Lyon', country: 'FR', currency: 'EUR' };
  const leeds = { city: 'Leeds', country: 'GB', currency: 'GBP' };
  const rows = [
    lyon, lyon, lyon, lyon, leeds, leeds, leeds,
    { city: 'Lyon', country: 'GB', currency: 'GBP' }, // row 8: a Leeds row whose city was overwritten
    { city: 'Lyon', country: 'DE', currency: 'EUR' }, // row 9: a country error alone
    { city: 'Lyon', country: 'GB', currency: 'USD' }, // row 10: two errors that spell no group's values
  ];

  it('leaves country and currency of the copied row, repairs the others', async () => {
    await tableOf(conn, 'copied', ['city', 'country', 'currency'], rows);
    const ctx = { contract, runId: 'r', evidence: 'copied' };
    const country = await applyRule(conn, rule('country'), ctx, 'copied');
    const currency = await applyRule(conn, rule('currency'), ctx, 'copied');
    expect([country.get(8), currency.get(8)]).toEqual(['GB', 'GBP']);
    expect(country.get(9)).toBe('FR');
    expect([country.get(10), currency.get(10)]).toEqual(['FR', 'EUR']);
  });
});

describe('two cell errors that happen to match another group are still repaired', () => {
  it('a row keeping its own name but with another group\'s zip and flag is its own entity', async () => {
    // provider -> name, zip, emergency: row 7 keeps provider 1's name, and its zip and yes/no flag
    // are provider 2's (two copied cells, as a wrong provider number would give, but the name says
    // otherwise): both are repaired from provider 1's group.
    const contract = contractOf(['provider', 'name', 'zip', 'emergency'], [[['provider'], ['name', 'zip', 'emergency']]]);
    const p1 = { provider: '1', name: 'dekalb regional', zip: '35968', emergency: 'yes' };
    const p2 = { provider: '2', name: 'helen keller', zip: '36278', emergency: 'no' };
    await tableOf(conn, 'twoerrors', ['provider', 'name', 'zip', 'emergency'], [p1, p1, p1, p2, p2, p2, { ...p1, zip: '36278', emergency: 'no' }]);
    const ctx = { contract, runId: 'r', evidence: 'twoerrors' };
    const zip = await applyRule(conn, { kind: 'agreedValue', column: 'zip', determinants: [['provider']], minSupport: 2, minMargin: 0.1 }, ctx, 'twoerrors');
    const emergency = await applyRule(conn, { kind: 'agreedValue', column: 'emergency', determinants: [['provider']], minSupport: 2, minMargin: 0.1 }, ctx, 'twoerrors');
    expect([zip.get(7), emergency.get(7)]).toEqual(['35968', 'yes']);
  });
});

describe('gaps written many ways in a nearly full typed column are errors, not optional values', () => {
  const dates = (k: number) => Array.from({ length: k }, (_, i) => `2021-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);

  it('a date column with 3% gaps in seven spellings is required', async () => {
    const spellings = ['', 'N/A', 'n/a', 'NULL', 'none', '-', '?'];
    const d = dates(700).map((v, i) => (i % 33 === 4 ? spellings[i % spellings.length] : v));
    const p = await profileOf({ id: d.map((_, i) => String(i + 1)), signup: d });
    expect(col(p, 'signup')).toMatchObject({ inferredType: 'date', required: true });
    const rule = p.contract.columns.find((c) => c.name === 'signup')!.inferred!.find((r) => r.rule === 'required')!;
    expect(rule.evidence).toMatch(/written 7 ways/);
  });

  it('the same share of gaps written one way is an optional column', async () => {
    for (const gap of ['', 'N/A']) {
      const d = dates(700).map((v, i) => (i % 33 === 4 ? gap : v));
      const p = await profileOf({ id: d.map((_, i) => String(i + 1)), signup: d });
      expect(col(p, 'signup')).toMatchObject({ inferredType: 'date', required: false });
    }
  });
});
