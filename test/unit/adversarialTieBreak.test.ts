// Adversarial probes of d854006: the dependency vote's tie-break by a one-character replacement,
// and determinant suspects counting such a replacement as one edit. Each test asserts what DO NO
// HARM asks for: two plausible values that nothing attests stay undecided, and a rare key that is
// not plausibly a misspelling is not reported. Five failed on d854006: a one-position replacement
// read as a merge (Marian / Marion decided), and keys with repeated characters (ab-11 / ab-22,
// 2011 / 2022, aaa-1 / bbb-1, 1111 / 7777) reported as misspelt keys; the widening of the
// determinant check was withdrawn, and the merge reading needs two positions or more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CompileContext } from '../../main/remediate/rules/compileRule.js';
import type { AgreedValueRule } from '../../main/remediate/rules/ruleTypes.js';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { oneCharacterReplacedSql } from '../../main/validate/oneCharacterReplaced.js';
import { queryRows } from '../../main/store/duckdb.js';
import { applyRule, contractOf, tableOf } from '../helpers/agreedValue.js';

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

const rule = (column: string): AgreedValueRule => ({ kind: 'agreedValue', column, determinants: [['id']], minSupport: 2, minMargin: 0.1 });
const background = ['Springfield Brewing Company', 'Shelbyville Beer Works', 'Ogden Ale House', 'Capital Brewery', 'North Haverbrook Beer Company', 'Cape Town Brewing']
  .flatMap((name, i) => [0, 1, 2].map(() => ({ id: `b${i}`, name, city: ['Portland', 'Denver', 'Austin', 'Boston', 'Tucson', 'Chicago'][i] })));

async function decide(pairs: Array<[string, string]>, column: 'name' | 'city' = 'name'): Promise<Array<[string | null, string | null]>> {
  const contract = contractOf(['id', 'name', 'city'], [[['id'], ['name', 'city']]]);
  const rows = [...background, ...pairs.flatMap(([a, b], i) => [
    { id: `p${i}`, name: column === 'name' ? a : 'Pair Brewing', city: column === 'city' ? a : 'Reno' },
    { id: `p${i}`, name: column === 'name' ? b : 'Pair Brewing', city: column === 'city' ? b : 'Reno' },
  ])];
  await tableOf(conn, 'ev', ['id', 'name', 'city'], rows);
  const ctx: CompileContext = { contract, runId: 'r', evidence: 'ev' };
  const out = await applyRule(conn, rule(column), ctx, 'ev');
  return pairs.map((_, i) => [out.get(background.length + 2 * i + 1) ?? null, out.get(background.length + 2 * i + 2) ?? null]);
}

describe('tie-break: a one-character replacement between two unattested values', () => {
  it('two legitimate names one letter apart, neither attested, stay undecided (a single typo could go either way)', async () => {
    // Karen/Karan, Dena/Dana, Allen/Ellen, Marion/Marian: one position differs; the rule reads the
    // value with the extra distinct letter as the original because the other cannot be turned
    // back by replacing *every* occurrence. A one-position typo is symmetric: no evidence of direction.
    const pairs: Array<[string, string]> = [
      ['Karan Mehta', 'Karen Mehta'],
      ['Dana Smith', 'Dena Smith'],
      ['Ellen Street Tavern', 'Allen Street Tavern'],
    ];
    expect(await decide(pairs)).toEqual(pairs);
  });

  it('two legitimate city names one letter apart, neither attested, stay undecided', async () => {
    const pairs: Array<[string, string]> = [['Marian', 'Marion'], ['Salam', 'Salem']];
    expect(await decide(pairs, 'city')).toEqual(pairs);
  });

  it('values with regex and SQL special characters, tabs and Unicode do not break the query', async () => {
    const pairs: Array<[string, string]> = [
      ["O'Brien's (Pub) [.*]", "O'Brien's (Pub) [.+]"],
      ['Zürich Bräu Haus', 'Zürich Brüu Haus'],
      ['Tab\tSeparated Inn', 'Tab Separated Inn'],
    ];
    const got = await decide(pairs);
    expect(got.length).toBe(3);
    // the tab spelling loses to the well-formed one (white space rule, not the new one)
    expect(got[2]).toEqual(['Tab Separated Inn', 'Tab Separated Inn']);
  });

  it('the predicate tolerates NULL, empty and multi-byte values', async () => {
    const rows = (await conn.runAndReadAll(`SELECT ${oneCharacterReplacedSql('a', 'b')} FROM (VALUES (NULL, 'abc'), ('abc', NULL), ('', ''), ('ü', 'x'), ('😀a😀', 'xax'), ('e\u0301', 'é')) t(a, b)`)).getRows();
    expect(rows.map((r) => r[0])).toEqual([false, false, false, true, true, false]);
  });

  it('no contract column can be named like the lambda parameters, so none captures them', () => {
    // An unqualified column `_airlock_i` passed as an argument would be read as the lambda's
    // parameter; the reserved prefix keeps every user column apart from it.
    expect(() => contractOf(['_airlock_i', 'name'], [])).toThrow(/_airlock_/);
    expect(oneCharacterReplacedSql('a.x', 'b.x')).toMatch(/_airlock_i ->/);
  });
});

// ---- determinant suspects ----
type Row = Record<string, string | null>;
const codes = contractOf(['code', 'name', 'topic'], [[['code'], ['name', 'topic']]]);
const BASE: Array<[string, string, string]> = [
  ['ami-4', 'aspirin at arrival', 'heart attack'], ['hf-2', 'discharge instructions', 'heart failure'],
  ['pn-3', 'blood culture first', 'pneumonia'], ['scip-inf-4', 'glucose control', 'surgery'],
];
const rowsOf = (list: Array<[string, string, string]>, n = 5): Row[] => list.flatMap(([code, name, topic]) => Array.from({ length: n }, () => ({ code, name, topic })));
async function suspects(): Promise<Array<[string | null, string]>> {
  const { sql } = compileViolations(codes, 'u');
  const rows = await queryRows<{ row_id: number; detail: string }>(conn, `SELECT row_id, detail FROM (${sql}) WHERE reason = 'FD_DETERMINANT_SUSPECT' ORDER BY row_id`);
  const codeOf = new Map((await queryRows<{ id: number; code: string }>(conn, 'SELECT _airlock_row_id AS id, code FROM u')).map((r) => [Number(r.id), r.code]));
  return rows.map((r) => [codeOf.get(Number(r.row_id)) ?? null, (JSON.parse(r.detail) as { candidate: string }).candidate]);
}

describe('determinant suspects: a key every character of which differs is not "one edit"', () => {
  it('a four-character key with no character in common with the well-supported key is not reported', async () => {
    // 1111 -> 7777: four substitutions, nothing in common; counted as one edit, 3 * 1 < 4
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf([...BASE, ['1111', 'reliever medication', 'asthma']]),
      { code: '7777', name: 'reliever medication', topic: 'asthma' }]);
    expect(await suspects()).toEqual([]);
  });

  it('a rare key with its repeated digits all different (ab-11 / ab-22, 2011 / 2022) is not reported', async () => {
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf([...BASE, ['ab-11', 'reliever medication', 'asthma'], ['2011', 'flu vaccine', 'immunization']]),
      { code: 'ab-22', name: 'reliever medication', topic: 'asthma' },
      { code: '2022', name: 'flu vaccine', topic: 'immunization' }]);
    expect(await suspects()).toEqual([]);
  });

  it('aaa-1 / bbb-1: three positions replaced, not one edit', async () => {
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf([...BASE, ['aaa-1', 'reliever medication', 'asthma']]),
      { code: 'bbb-1', name: 'reliever medication', topic: 'asthma' }]);
    expect(await suspects()).toEqual([]);
  });

  it('control: a quote in a key does not break the query', async () => {
    await tableOf(conn, 'u', ['code', 'name', 'topic'], [...rowsOf([...BASE, ["o'k-1", 'reliever medication', 'asthma']]),
      { code: "o'x-1", name: 'reliever medication', topic: 'asthma' }]);
    expect(await suspects()).toEqual([["o'x-1", "o'k-1"]]);
  });
});
