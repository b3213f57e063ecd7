// The agreedValue rule compiled to DuckDB and run over small in-memory tables: plurality with a
// margin, passing rows first, valid candidates only, suspicious determinants, disagreeing
// dependencies, ranked candidates for undecided cells, and evidence taken at apply time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { agreedValuesSql, compileAgreedValue, rankedCandidates, withAgreedValueTables } from '../../main/remediate/rules/compileAgreedValue.js';
import type { CompileContext } from '../../main/remediate/rules/compileRule.js';
import type { AgreedValueRule } from '../../main/remediate/rules/ruleTypes.js';
import { queryRows } from '../../main/store/duckdb.js';
import { applyRule, contractOf, tableOf } from '../helpers/agreedValue.js';
import { seeded } from '../helpers/seeded.js';

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

const rule = (over: Partial<AgreedValueRule> = {}): AgreedValueRule => ({ kind: 'agreedValue', column: 'city', determinants: [['zip']], minSupport: 2, minMargin: 0.1, ...over });

describe('agreedValue: plurality with a margin', () => {
  const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
  const rows = [
    ...['A', 'A', 'A', 'B', 'B', 'C'].map((city) => ({ zip: '1', city })), // 3-2-1
    ...['P', 'P', 'Q', 'Q'].map((city) => ({ zip: '2', city })), // 2-2
    ...['M', 'M', 'M', 'N', 'N'].map((city) => ({ zip: '3', city })), // 3-2
  ];
  const ctx: CompileContext = { contract, runId: 'r', evidence: 'plural' };

  it('decides 3-2-1 and 3-2 at a small margin, never a tie', async () => {
    await tableOf(conn, 'plural', ['zip', 'city'], rows);
    const out = await applyRule(conn, rule(), ctx, 'plural');
    expect([1, 2, 3, 4, 5, 6].map((i) => out.get(i))).toEqual(['A', 'A', 'A', 'A', 'A', 'A']);
    expect([7, 8, 9, 10].map((i) => out.get(i))).toEqual(['P', 'P', 'Q', 'Q']);
    expect([11, 12, 13, 14, 15].map((i) => out.get(i))).toEqual(['M', 'M', 'M', 'M', 'M']);
  });

  it('lists each decided group with its support and share', async () => {
    await tableOf(conn, 'plural', ['zip', 'city'], rows);
    const groups = await withAgreedValueTables(conn, rule(), ctx, async () => queryRows<{ _airlock_key: string; _airlock_to: string; support: number; share: number }>(conn,
      `${agreedValuesSql(rule(), ctx, ['zip'])} ORDER BY 1`));
    expect(groups.map((g) => [g._airlock_key, g._airlock_to, Number(g.support), Math.round(Number(g.share) * 100) / 100])).toEqual([['1', 'A', 3, 0.5], ['3', 'M', 3, 0.6]]);
  });

  it('a thin lead is no decision at a high margin', async () => {
    await tableOf(conn, 'plural', ['zip', 'city'], rows);
    const out = await applyRule(conn, rule({ minMargin: 0.3 }), ctx, 'plural');
    expect([14, 15].map((i) => out.get(i))).toEqual(['N', 'N']);
    expect(out.get(4)).toBe('B');
  });

  it('offers ranked candidates for the cells it leaves undecided', async () => {
    await tableOf(conn, 'plural', ['zip', 'city'], rows);
    const ranked = await rankedCandidates(conn, rule({ minMargin: 0.3 }), ctx);
    const forRow = (id: number) => ranked.filter((r) => r.rowId === id).map((r) => [r.candidate, r.rank, Math.round(r.share * 100) / 100]);
    expect(forRow(7)).toEqual([['P', 1, 0.5], ['Q', 2, 0.5]]);
    expect(forRow(11)).toEqual([['M', 1, 0.6], ['N', 2, 0.4]]);
    expect(forRow(1)).toEqual([['A', 1, 0.5], ['B', 2, 0.33], ['C', 3, 0.17]]);
    expect(ranked.every((r) => r.column === 'city' && r.determinant === 'zip')).toBe(true);
    expect(new Set(ranked.map((r) => r.rowId))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    const some = await rankedCandidates(conn, rule({ minMargin: 0.3 }), ctx, '(SELECT 7 AS _airlock_row_id)');
    expect(some.map((r) => r.candidate)).toEqual(['P', 'Q']);
    // Decided rows and groups with a single candidate offer none.
    await tableOf(conn, 'plural', ['zip', 'city'], [...rows, { zip: '4', city: 'Solo' }]);
    const atDefault = await rankedCandidates(conn, rule(), ctx);
    expect(new Set(atDefault.map((r) => r.rowId))).toEqual(new Set([7, 8, 9, 10]));
  });
});

describe('agreedValue: whose votes count', () => {
  it('rows that pass every check outvote quarantined ones', async () => {
    const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
    await tableOf(conn, 'passing', ['zip', 'city'], [
      { zip: '1', city: 'Good', _passes: true }, { zip: '1', city: 'Good', _passes: true },
      { zip: '1', city: 'Bad' }, { zip: '1', city: 'Bad' }, { zip: '1', city: 'Bad' },
    ]);
    const out = await applyRule(conn, rule(), { contract, runId: 'r', evidence: 'passing' }, 'passing');
    expect([...out.values()]).toEqual(['Good', 'Good', 'Good', 'Good', 'Good']);
  });

  it('a candidate must be valid for the column, and NULL determinants do not vote', async () => {
    const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]], { enumOf: { city: ['Oslo', 'Bergen'] } });
    await tableOf(conn, 'valid', ['zip', 'city'], [
      { zip: '1', city: 'Olso' }, { zip: '1', city: 'Olso' }, { zip: '1', city: 'Olso' }, { zip: '1', city: 'Oslo' }, { zip: '1', city: 'Oslo' },
      { zip: null, city: 'Bergen' }, { zip: null, city: 'Bergen' }, { zip: ' ', city: 'Bergen' }, { zip: null, city: 'Oslo' },
    ]);
    const out = await applyRule(conn, rule(), { contract, runId: 'r', evidence: 'valid' }, 'valid');
    expect([1, 2, 3, 4, 5].map((i) => out.get(i))).toEqual(['Oslo', 'Oslo', 'Oslo', 'Oslo', 'Oslo']);
    expect(out.get(9)).toBe('Oslo'); // its own value: a NULL determinant is no group
    expect(out.get(8)).toBe('Bergen');
  });
});

describe('agreedValue: suspicion and disagreement', () => {
  it('a row whose determinant is a typo (it disagrees on most dependents) is not repaired through it, nor counted', async () => {
    const contract = contractOf(['zip', 'city', 'state', 'county'], [[['zip'], ['city', 'state', 'county']]]);
    const ny = { zip: '10001', city: 'New York', state: 'NY', county: 'New York' };
    await tableOf(conn, 'typo', ['zip', 'city', 'state', 'county'], [
      ny, ny, ny,
      { ...ny, city: 'Nwe York' }, // a city typo: repaired
      { zip: '10001', city: 'Los Angeles', state: 'CA', county: 'Los Angeles' }, // zip typo of 90001
      { zip: '10001', city: 'Los Angeles', state: 'CA', county: 'Los Angeles' },
      { zip: '90001', city: 'Los Angeles', state: 'CA', county: 'Los Angeles' },
    ]);
    // state and county decide NY / New York (4-2, a lead of a third); without suspicion the two LA
    // rows would make the city a 3-2-1 vote (a lead of a sixth: no decision at 0.3); they are left
    // out, so New York leads 3-1.
    const out = await applyRule(conn, rule({ minMargin: 0.3 }), { contract, runId: 'r', evidence: 'typo' }, 'typo');
    expect(out.get(4)).toBe('New York');
    expect(out.get(5)).toBe('Los Angeles');
    expect(out.get(6)).toBe('Los Angeles');
  });

  it('two dependencies that decide differently leave the value', async () => {
    const contract = contractOf(['zip', 'area', 'city'], [[['zip'], ['city']], [['area'], ['city']]]);
    await tableOf(conn, 'twofd', ['zip', 'area', 'city'], [
      { zip: '1', area: '9', city: 'X' }, // zip says A, area says B: kept
      { zip: '1', area: '8', city: 'A' }, { zip: '1', area: '8', city: 'A' },
      { zip: '2', area: '9', city: 'B' }, { zip: '2', area: '9', city: 'B' },
      { zip: '1', area: '7', city: 'Y' }, // only zip decides: A
    ]);
    const out = await applyRule(conn, rule({ determinants: [['zip'], ['area']] }), { contract, runId: 'r', evidence: 'twofd' }, 'twofd');
    expect(out.get(1)).toBe('X');
    expect(out.get(6)).toBe('A');
  });
});

describe('agreedValue: column names', () => {
  it('columns named like the rule\'s own temp columns (k, v, det, total) are the row\'s', async () => {
    const contract = contractOf(['k', 'v', 'det', 'total'], [[['k', 'det'], ['total', 'v']]]);
    await tableOf(conn, 'names', ['k', 'v', 'det', 'total'], [
      { k: '1', det: 'a', v: 'x', total: '10' }, { k: '1', det: 'a', v: 'x', total: '10' }, { k: '1', det: 'a', v: 'x', total: '11' },
      { k: '2', det: 'a', v: 'y', total: '20' }, { k: '2', det: 'a', v: 'y', total: '20' }, { k: '2', det: 'a', v: 'y', total: '21' },
    ]);
    const out = await applyRule(conn, rule({ column: 'total', determinants: [['k', 'det']] }), { contract, runId: 'r', evidence: 'names' }, 'names');
    expect([...out.values()]).toEqual(['10', '10', '10', '20', '20', '20']);
  });
});

describe('agreedValue: logic, not data', () => {
  const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
  const batch = (keys: number, prefix: string) => Array.from({ length: keys }, (_, k) => [
    { zip: `${prefix}${k}`, city: `C${k}` }, { zip: `${prefix}${k}`, city: `C${k}` }, { zip: `${prefix}${k}`, city: `typo${k}` },
  ]).flat();

  it('the compiled SQL does not grow with the number of groups', async () => {
    const r = rule();
    await tableOf(conn, 'b10', ['zip', 'city'], batch(10, 'z'));
    const small = compileAgreedValue(r, { contract, runId: 'r', evidence: 'b10' });
    const out10 = await applyRule(conn, r, { contract, runId: 'r', evidence: 'b10' }, 'b10');
    await tableOf(conn, 'b10', ['zip', 'city'], batch(1000, 'z'));
    const large = compileAgreedValue(r, { contract, runId: 'r', evidence: 'b10' });
    const out1000 = await applyRule(conn, r, { contract, runId: 'r', evidence: 'b10' }, 'b10');
    expect(JSON.stringify(large).length).toBe(JSON.stringify(small).length);
    // the fixed text of the vote (setup, truth discovery, the tie-break by form): no values in it
    expect(JSON.stringify(small).length).toBeLessThan(13_000);
    expect(out10.get(3)).toBe('C0');
    expect(out1000.get(3000)).toBe('C999');
  });

  it('the same rule object decides a second batch\'s new keys (evidence is read at apply time)', async () => {
    const r = rule();
    await tableOf(conn, 'first', ['zip', 'city'], batch(5, 'a'));
    expect((await applyRule(conn, r, { contract, runId: 'r1', evidence: 'first' }, 'first')).get(3)).toBe('C0');
    await tableOf(conn, 'second', ['zip', 'city'], batch(5, 'new'));
    const out = await applyRule(conn, r, { contract, runId: 'r2', evidence: 'second' }, 'second');
    expect([3, 6, 9, 12, 15].map((i) => out.get(i))).toEqual(['C0', 'C1', 'C2', 'C3', 'C4']);
  });
});

describe('agreedValue: against a plain-count oracle', () => {
  it('random groups decide exactly where the winner leads by the margin with enough support', async () => {
    const contract = contractOf(['zip', 'city'], [[['zip'], ['city']]]);
    for (const seed of [1, 2, 3]) {
      const rng = seeded(seed);
      const rows: Array<Record<string, string | boolean>> = [];
      for (let g = 0; g < 60; g++) {
        const n = rng.int(1, 9);
        for (let j = 0; j < n; j++) rows.push({ zip: `z${g}`, city: rng.pick(['A', 'B', 'C', 'D'].slice(0, rng.int(1, 4))), _passes: rng.chance(0.15) });
      }
      await tableOf(conn, 'oracle', ['zip', 'city'], rows);
      const r = rule({ minMargin: rng.pick([0, 0.1, 0.25, 0.4]), minSupport: rng.int(1, 3) });
      const out = await applyRule(conn, r, { contract, runId: 'r', evidence: 'oracle' }, 'oracle');
      // The oracle: per group, the passing rows if any, else all; counts; the leader and runner-up.
      const expected = new Map<string, string | null>();
      for (const zip of new Set(rows.map((x) => String(x.zip)))) {
        const all = rows.filter((x) => x.zip === zip);
        const voters = all.some((x) => x._passes) ? all.filter((x) => x._passes) : all;
        const counts = new Map<string, number>();
        for (const x of voters) counts.set(String(x.city), (counts.get(String(x.city)) ?? 0) + 1);
        const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        const [top, second] = [sorted[0], sorted[1]?.[1] ?? 0];
        const ok = top[1] >= r.minSupport && top[1] > second && top[1] - second >= r.minMargin * voters.length - 1e-9;
        expected.set(zip, ok ? top[0] : null);
      }
      rows.forEach((x, i) => expect(out.get(i + 1), `seed ${seed} row ${i + 1}`).toBe(expected.get(String(x.zip)) ?? x.city));
    }
  });
});
