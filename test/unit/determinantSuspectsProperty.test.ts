// Property: over many seeded tables, a misspelt determinant is repaired to its true key whenever
// its true key is the one close, well-supported key with its dependents, and nothing else is ever
// changed: not a rare legitimate key with its own dependents, not a rare legitimate key where
// many keys share their dependents (zip → city), not a typo repeated too often to be rare.
// Detection is validation's compiled check; the repair is the strategy's map, applied in SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { fdDeterminantTypo } from '../../main/remediate/strategies/fdDeterminantTypo.js';
import type { Cluster } from '../../main/remediate/types.js';
import { queryRows } from '../../main/store/duckdb.js';
import { levenshtein } from '../../main/remediate/synth/enumTypo.js';
import { contractOf, tableOf } from '../helpers/agreedValue.js';

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

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const contract = contractOf(['k', 'd1', 'd2'], [[['k'], ['d1', 'd2']]]);
const cluster: Cluster = { id: 'c', column: 'k', reason: 'FD_DETERMINANT_SUSPECT', reasons: ['FD_DETERMINANT_SUSPECT'], signatures: [], size: 0, distinctValues: 0, samples: [] };

interface Variant { rows: Array<{ k: string; d1: string; d2: string }>; truth: string[]; expectRepaired: Set<number> }

/**
 * One table: `keys` established keys with 3..8 rows each; some rows have their key misspelt by one
 * substitution (keeping their dependents); some rare legitimate keys (one row, their own
 * dependents, spelt like an existing key). With `shared`, several keys share each dependent tuple
 * (zip → city): then no rare key may be changed at all.
 */
function variant(seed: number, shared: boolean): Variant {
  const r = rng(seed);
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  const n = 6 + Math.floor(r() * 14);
  const keys = new Set<string>();
  while (keys.size < n) keys.add(`${pick(LETTERS)}${pick(LETTERS)}${pick(LETTERS)}-${1 + Math.floor(r() * 20)}`);
  const list = [...keys];
  const depOf = (i: number) => (shared ? Math.floor(i / 3) : i);
  const rows: Variant['rows'] = [];
  const truth: string[] = [];
  const size = new Map<string, number>();
  for (const [i, k] of list.entries()) {
    const m = 3 + Math.floor(r() * 6);
    size.set(k, m);
    for (let j = 0; j < m; j++) { rows.push({ k, d1: `name ${depOf(i)}`, d2: `topic ${depOf(i) % 3}` }); truth.push(k); }
  }
  const misspell = (k: string) => {
    const at = Math.floor(r() * 3); // a letter of the prefix
    let c = pick(LETTERS);
    while (c === k[at]) c = pick(LETTERS);
    return k.slice(0, at) + c + k.slice(at + 1);
  };
  const typos: Array<{ row: number; from: string; to: string }> = [];
  const t = 1 + Math.floor(r() * 4);
  for (let i = 0; i < t; i++) {
    const src = Math.floor(r() * list.length);
    const k = list[src];
    const bad = misspell(k);
    if (keys.has(bad)) continue;
    // sometimes the same typo twice (still rare), once in a while three times (an established key)
    const times = r() < 0.2 ? (r() < 0.5 ? 3 : 2) : 1;
    for (let j = 0; j < times; j++) {
      typos.push({ row: rows.length, from: bad, to: k });
      rows.push({ k: bad, d1: `name ${depOf(src)}`, d2: `topic ${depOf(src) % 3}` });
      truth.push(k);
    }
  }
  const legit = Math.floor(r() * 3);
  for (let i = 0; i < legit; i++) {
    const src = Math.floor(r() * list.length);
    const k = misspell(list[src]);
    if (keys.has(k) || typos.some((x) => x.from === k)) continue;
    // its own dependents, or (many keys per dependent) a dependent it shares with its neighbour
    rows.push({ k, d1: shared ? `name ${depOf(src)}` : `new name ${i}`, d2: shared ? `topic ${depOf(src) % 3}` : 'topic 0' });
    truth.push(k);
  }
  // Which typos the evidence can repair, by the rule as documented (an oracle apart from the SQL):
  // rare (<= 2 rows); exactly one established key (>= 3 rows, three times the typo's) with its
  // dependents; the established keys' dependents identify their key (>= 95% of >= 3 tuples);
  // close enough. A typo written three times is an established key: it spoils the evidence.
  const expectRepaired = new Set<number>();
  const rowsOfKey = new Map<string, number>();
  const tupleOfKey = new Map<string, string>();
  for (const x of rows) {
    rowsOfKey.set(x.k, (rowsOfKey.get(x.k) ?? 0) + 1);
    tupleOfKey.set(x.k, `${x.d1}|${x.d2}`);
  }
  const established = [...rowsOfKey].filter(([, m]) => m >= 3).map(([k]) => k);
  const keysOfTuple = new Map<string, string[]>();
  for (const k of established) keysOfTuple.set(tupleOfKey.get(k)!, [...(keysOfTuple.get(tupleOfKey.get(k)!) ?? []), k]);
  const tuples = [...keysOfTuple.values()];
  const reverseHolds = tuples.length >= 3 && tuples.filter((ks) => ks.length === 1).length >= 0.95 * tuples.length;
  for (const x of typos) {
    const g = rowsOfKey.get(x.from)!;
    const rivals = (keysOfTuple.get(tupleOfKey.get(x.to)!) ?? []).filter((k) => k !== x.from && rowsOfKey.get(k)! >= 3 * g);
    const d = levenshtein(x.from, x.to);
    if (reverseHolds && g <= 2 && rivals.length === 1 && rivals[0] === x.to && d <= 2 && 3 * d < Math.min(x.from.length, x.to.length)) expectRepaired.add(x.row + 1);
  }
  return { rows, truth, expectRepaired };
}

async function repaired(v: Variant): Promise<Map<number, string>> {
  await tableOf(conn, 'p', ['k', 'd1', 'd2'], v.rows);
  const { sql } = compileViolations(contract, 'p');
  await conn.run(`CREATE OR REPLACE TABLE flagged AS SELECT row_id FROM (${sql}) WHERE reason = 'FD_DETERMINANT_SUSPECT'`);
  const r = await fdDeterminantTypo(conn, contract, cluster, 'p', '(SELECT * FROM p WHERE _airlock_row_id IN (SELECT row_id FROM flagged))');
  if (!r) return new Map();
  // The map applied as apply does: to the flagged cells, by exact value.
  const map = new Map(r.op.entries.map((e) => [e.from, e.to]));
  const rows = await queryRows<{ id: number; k: string }>(conn, 'SELECT _airlock_row_id AS id, k FROM p WHERE _airlock_row_id IN (SELECT row_id FROM flagged) ORDER BY 1');
  return new Map(rows.filter((x) => map.has(x.k)).map((x) => [Number(x.id), map.get(x.k)!]));
}

describe('determinant typos, property over seeded tables', () => {
  it('repairs every typo with a unique close well-supported key, and changes nothing else', async () => {
    let repairedTotal = 0;
    let expectedTotal = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const shared of [false, true]) {
        const v = variant(seed, shared);
        const got = await repaired(v);
        const label = `seed ${seed}${shared ? ' (keys share dependents)' : ''}`;
        // zero wrong changes: every change writes the row's true key, and only typos change
        for (const [id, to] of got) {
          expect(to, label).toBe(v.truth[id - 1]);
          expect(v.rows[id - 1].k, label).not.toBe(to);
        }
        if (shared) expect(got.size, label).toBe(0);
        // every typo the evidence supports is repaired
        expect([...got.keys()].sort((a, b) => a - b), label).toEqual([...v.expectRepaired].sort((a, b) => a - b));
        repairedTotal += got.size;
        expectedTotal += v.expectRepaired.size;
      }
    }
    // the property is not vacuous: most seeds inject a typo that is repaired
    expect(repairedTotal).toBe(expectedTotal);
    expect(expectedTotal).toBeGreaterThan(40);
  }, 120_000);
});
