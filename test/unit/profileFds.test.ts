// discoverFds on generated tables whose dependencies are known: a true dependency with random
// cell errors is found; a many-to-one split that a third column explains is not; a dependency
// that only a pair of columns carries is proposed as that pair; a nearly unique determinant is
// never proposed. A property test over a few hundred seeded tables checks the invariants against
// a plain recount of the generated rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { discoverFds, type FdColumn, type FdOptions, type FdProposal } from '../../main/contract/profileFds.js';
import { sqlIdent, sqlString } from '../../main/store/duckdb.js';
import { seeded, type Rng } from '../helpers/seeded.js';

type Cell = string | null;
interface Table { cols: string[]; rows: Cell[][] }

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  conn = await instance.connect();
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const text = (v: Cell) => (v ?? '').trim();

async function load(name: string, t: Table): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${t.cols.map((c) => `${sqlIdent(c)} VARCHAR`).join(', ')})`);
  for (let i = 0; i < t.rows.length; i += 500) {
    const values = t.rows.slice(i, i + 500).map((r) => `(${r.map((v) => (v === null ? 'NULL' : sqlString(v))).join(', ')})`);
    await conn.run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
}

/** The full-table counts profile.ts passes: rows, filled cells, distinct filled values. */
function stats(t: Table): FdColumn[] {
  return t.cols.map((name, i) => {
    const filled = t.rows.map((r) => text(r[i])).filter((v) => v !== '');
    return { name, rows: t.rows.length, nonEmpty: filled.length, distinct: new Set(filled).size };
  });
}

async function fdsOf(t: Table, opts: Partial<FdOptions> = {}): Promise<FdProposal[]> {
  await load('t', t);
  return discoverFds(conn, 't', stats(t), opts);
}

const has = (fds: FdProposal[], det: string[], dep: string) => fds.some((f) => f.determinant.join() === det.join() && f.dependent.includes(dep));

/** Plain recount over the generated rows: groups of the determinant's values (every one filled). */
function groupsOf(t: Table, det: string[]): Map<string, Cell[][]> {
  const idx = det.map((d) => t.cols.indexOf(d));
  const groups = new Map<string, Cell[][]>();
  for (const r of t.rows) {
    const key = idx.map((i) => text(r[i]));
    if (key.some((v) => v === '')) continue;
    const k = JSON.stringify(key);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return groups;
}

function recount(t: Table, det: string[], dep: string): { agreement: number; violatingRows: number; violatingGroups: number } {
  const j = t.cols.indexOf(dep);
  let rows = 0, agree = 0, groups = 0;
  for (const g of groupsOf(t, det).values()) {
    const counts = new Map<string, number>();
    for (const r of g) counts.set(text(r[j]), (counts.get(text(r[j])) ?? 0) + 1);
    rows += g.length;
    agree += Math.max(...counts.values());
    if (counts.size > 1) groups++;
  }
  return { agreement: agree / rows, violatingRows: rows - agree, violatingGroups: groups };
}

function uniqueShare(t: Table, det: string[]): number {
  const groups = [...groupsOf(t, det).values()];
  const rows = groups.reduce((n, g) => n + g.length, 0);
  return groups.filter((g) => g.length === 1).length / rows;
}

/**
 * A table with a true dependency a -> b: entities k (each in one a-group, with its own region c),
 * a-groups of 2 or 3 entities, b a function of a, and d noise. `splits` a-groups get one entity
 * whose b differs on all its rows (a structured exception, explained by k); then exactly
 * `errorRate` of the rows get one random cell error (a typo, another existing value, or empty).
 */
function generate(rng: Rng, o: { groups: number; errorRate: number; splits: number }): Table {
  const vocab = rng.int(2, 12);
  const rows: Cell[][] = [];
  let entity = 0;
  const split = new Set<number>();
  while (split.size < Math.min(o.splits, o.groups)) split.add(rng.int(0, o.groups - 1));
  for (let a = 0; a < o.groups; a++) {
    const entities = rng.int(2, 3);
    for (let e = 0; e < entities; e++) {
      const k = `k${entity++}`, c = `c${rng.int(0, 4)}`;
      // The split entity is the last of its group, so that the first ones hold the majority.
      const b = split.has(a) && e === entities - 1 ? `s${a}` : `b${a % vocab}`;
      for (let i = rng.int(2, 5); i > 0; i--) rows.push([k, `a${a}`, b, c, `d${rng.int(0, 3)}`]);
    }
  }
  const errors = Math.floor(o.errorRate * rows.length);
  const hit = new Set<number>();
  while (hit.size < errors) hit.add(rng.int(0, rows.length - 1));
  for (const r of hit) {
    const j = rng.int(0, 4);
    const other = rows[rng.int(0, rows.length - 1)][j];
    const kind = rng.int(0, 2);
    rows[r][j] = kind === 0 ? `${rows[r][j]}x${r}` : kind === 1 ? other : rng.pick(['', null]);
  }
  return { cols: ['k', 'a', 'b', 'c', 'd'], rows };
}

describe('discoverFds on generated tables', () => {
  it('proposes a true dependency whose dependent has 3% random typos', async () => {
    const rng = seeded(7);
    const rows: Cell[][] = [];
    for (let i = 0; i < 600; i++) {
      const zip = rng.int(0, 39);
      rows.push([`z${zip}`, `city${zip % 25}`, `n${rng.int(0, 5)}`]);
    }
    for (let i = 0; i < 18; i++) rows[i * 33][1] = `cxty${i}`; // 3% typos, each one of a kind
    const t = { cols: ['zip', 'city', 'note'], rows };
    const fds = await fdsOf(t);
    expect(has(fds, ['zip'], 'city')).toBe(true);
    const ev = fds.find((f) => f.determinant.join() === 'zip')!.evidence.find((e) => e.dependent === 'city')!;
    expect(ev).toMatchObject({ agreement: 1 - 18 / 600, violatingRows: 18, violatingGroups: recount(t, ['zip'], 'city').violatingGroups });
    expect(ev.counterexamples.length).toBe(3);
    expect(ev.counterexamples[0].values[0].count).toBeGreaterThan(1);
  });

  it('does not propose city -> state when the split cities are explained by another column', async () => {
    // 40 cities of 2 to 4 breweries; four cities also exist in a second state with breweries of
    // their own (many rows on each side): 3% of the rows, so agreement alone would pass.
    const rng = seeded(11);
    const rows: Cell[][] = [];
    let brewery = 0;
    const states = ['OR', 'CO', 'IN', 'TX', 'CA', 'NY', 'WA', 'MI'];
    for (let city = 0; city < 40; city++) {
      for (let b = rng.int(2, 4); b > 0; b--) {
        const id = `br${brewery++}`;
        for (let i = rng.int(3, 6); i > 0; i--) rows.push([id, `city${city}`, states[city % states.length], `style${rng.int(0, 6)}`]);
      }
    }
    for (let city = 0; city < 4; city++) {
      const id = `br${brewery++}`;
      for (let i = 0; i < 5; i++) rows.push([id, `city${city}`, 'ME', `style${rng.int(0, 6)}`]);
    }
    const t = { cols: ['brewery_id', 'city', 'state', 'style'], rows };
    expect(recount(t, ['city'], 'state').agreement).toBeGreaterThanOrEqual(0.95);
    const fds = await fdsOf(t);
    expect(has(fds, ['city'], 'state')).toBe(false);
    expect(has(fds, ['brewery_id'], 'state')).toBe(true);
    expect(has(fds, ['brewery_id'], 'city')).toBe(true);
    // state is determined by brewery_id alone: no redundant [brewery_id, city] -> state.
    expect(fds.some((f) => f.determinant.length > 1 && f.dependent.includes('state'))).toBe(false);
  });

  it('explains the split cities also when it reads only part of a large table', async () => {
    // 30,400 rows: the search for explaining columns reads about 20,000 of them, whole cities.
    const rows: Cell[][] = [];
    for (let city = 0; city < 1000; city++) {
      for (let b = 0; b < 3; b++) for (let i = 0; i < 10; i++) rows.push([`br${city}_${b}`, `city${city}`, `st${city % 40}`]);
      if (city % 25 === 0) for (let i = 0; i < 10; i++) rows.push([`br${city}_me`, `city${city}`, 'ME']);
    }
    const fds = await fdsOf({ cols: ['brewery_id', 'city', 'state'], rows });
    expect(has(fds, ['city'], 'state')).toBe(false);
    expect(has(fds, ['brewery_id'], 'state')).toBe(true);
  });

  it('proposes [state, measure] -> average when only the pair determines it', async () => {
    // Most rows are from one state; the few other-state rows are alone in their (state, measure)
    // group, so the exception repeats only across measures.
    const rng = seeded(5);
    const rows: Cell[][] = [];
    for (let h = 0; h < 42; h++) {
      const state = h < 2 ? 'ak' : 'al';
      for (let m = 0; m < 12; m++) if (h >= 2 || m % 2 === h) rows.push([`h${h}`, state, `m${m}`, `${state}_m${m}`, `${rng.int(0, 99)}`]);
    }
    for (let i = 0; i < 8; i++) rows[20 + i * 41][3] = `al_mx${i}`; // typos beside the exception
    const t = { cols: ['hospital', 'state', 'measure', 'average', 'score'], rows };
    expect(recount(t, ['measure'], 'average').agreement).toBeGreaterThanOrEqual(0.95);
    const fds = await fdsOf(t);
    expect(has(fds, ['measure'], 'average')).toBe(false);
    const pair = fds.find((f) => f.determinant.join() === 'state,measure');
    expect(pair?.dependent).toEqual(['average']);
    expect(pair!.support).toBeCloseTo(recount(t, ['state', 'measure'], 'average').agreement, 12);
    expect(pair!.evidence[0].counterexamples[0].determinant).toEqual(['al', expect.stringMatching(/^m\d+$/)]);
  });

  it('proposes the pair also when the exception has many rows in each refined group', async () => {
    const rows: Cell[][] = [];
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i < 20; i++) rows.push(['al', `m${m}`, `al_m${m}`]);
      for (let i = 0; i < 3; i++) if (m < 3) rows.push(['ak', `m${m}`, `ak_m${m}`]);
    }
    const fds = await fdsOf({ cols: ['state', 'measure', 'average'], rows });
    expect(has(fds, ['measure'], 'average')).toBe(false);
    expect(has(fds, ['state', 'measure'], 'average')).toBe(true);
  });

  it('never proposes a determinant unique on more than 95% of the rows measured', async () => {
    // A sample: the full table has two rows per code, the sample mostly one. With full-table
    // counts the code is a candidate; on the sample it "determines" everything.
    const rng = seeded(3);
    const full: Cell[][] = [];
    for (let i = 0; i < 3000; i++) full.push([`code${i % 1500}`, `v${rng.int(0, 999)}`, `w${rng.int(0, 2)}`]);
    const t = { cols: ['code', 'v', 'w'], rows: full };
    await load('whole', t);
    await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM whole USING SAMPLE reservoir(100 ROWS) REPEATABLE (42)`);
    const onSample = await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE n = 1) / sum(n) FROM (SELECT code, count(*) AS n FROM t GROUP BY code)`);
    expect(Number(onSample.getRows()[0][0])).toBeGreaterThan(0.95);
    const fds = await discoverFds(conn, 't', stats(t));
    expect(fds.some((f) => f.determinant.includes('code'))).toBe(false);

    // A composite: a pair of columns unique on 96% of the rows never becomes a determinant, even
    // when refiners are allowed near-singleton groups. The 8 'x' rows all break a -> b.
    const rows: Cell[][] = [];
    for (let i = 0; i < 200; i++) rows.push([`a${i % 20}`, i < 8 ? 'x' : `id${i}`, i < 8 ? `other${i}` : `b${i % 20}`]);
    const pair = { cols: ['a', 'c', 'b'], rows };
    expect(uniqueShare(pair, ['a', 'c'])).toBeGreaterThan(0.95);
    const loose = await fdsOf(pair, { minGroupSize: 1 });
    expect(has(loose, ['a'], 'b')).toBe(false);
    expect(loose.filter((f) => uniqueShare(pair, f.determinant) > 0.95)).toEqual([]);
  });

  // 240 random tables in four chunks of 60: one test of all of them ran close to the test timeout
  // on a loaded two-core machine, and a chunk that fails names its seeds.
  it.each([1, 61, 121, 181])('holds its invariants on random tables (seeds %i to +59)', async (first) => {
    for (let seed = first; seed < first + 60; seed++) {
      const rng = seeded(seed);
      const o = { groups: rng.int(4, 60), errorRate: rng.pick([0, 0.01, 0.02, 0.03, 0.05]), splits: rng.pick([0, 0, 1, 2, 3]) };
      const t = generate(rng, o);
      const fds = await fdsOf(t);
      for (const f of fds) {
        expect(uniqueShare(t, f.determinant), `seed ${seed} ${f.determinant}`).toBeLessThanOrEqual(0.95);
        expect(f.evidence.map((e) => e.dependent), `seed ${seed}`).toEqual(f.dependent);
        for (const e of f.evidence) {
          const r = recount(t, f.determinant, e.dependent);
          expect(e.agreement, `seed ${seed} ${f.determinant} -> ${e.dependent}`).toBeCloseTo(r.agreement, 12);
          expect([e.violatingRows, e.violatingGroups], `seed ${seed}`).toEqual([r.violatingRows, r.violatingGroups]);
          expect(e.counterexamples.length).toBe(Math.min(3, r.violatingGroups));
        }
        expect(f.support).toBe(Math.min(...f.evidence.map((e) => e.agreement)));
      }
      if (o.splits === 0 && o.errorRate <= 0.03) expect(has(fds, ['a'], 'b'), `seed ${seed} ${JSON.stringify(o)}`).toBe(true);
    }
  });
});
