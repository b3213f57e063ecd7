// The value, shape, number and date facets of one quarantined column, on generated quarantines:
// every count is checked against the same count worked out here in plain JS (and the values
// against a plain SQL GROUP BY), each facet counts with the other picks applied and never its
// own, and picking any entry gives the grid a total equal to that entry's count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { parseContract } from '../../main/contract/load.js';
import { quarantineFacets, quarantinePage } from '../../main/api/quarantineQuery.js';
import { columnFacets, facetCells } from '../../main/api/columnFacets.js';
import type { ColumnFacets, QuarantineFilter } from '../../main/api/contract.js';

const contract = parseContract(`kind: DataContract
id: t
schema:
  - name: people
    properties:
      - { name: code, logicalType: string }
      - { name: other, logicalType: string }
`);

interface Row { id: number; run: string; code: string | null; other: string; reasons: string }

/** A small seeded generator, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const POOL = ['12', '7', '007', '3.5', '-2', '100', 'abc', 'Ab 12', 'x-1', '', '2020-01-05', '2021-12-31', '1999-07-04', '2020-02-30', 'n/a', 'Leeds', '12'];

function generate(seed: number, n: number): Row[] {
  const r = rng(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: n }, (_, i) => {
    const reasons = [r() < 0.6 ? `code:${pick(['PATTERN_MISMATCH', 'NOT_IN_SET'])}` : '', r() < 0.5 ? 'other:FD_VIOLATION' : ''].filter(Boolean);
    if (!reasons.length) reasons.push('other:NOT_NULL');
    return { id: i + 1, run: r() < 0.9 ? 'r1' : 'r2', code: r() < 0.1 ? null : pick(POOL), other: pick(['a', 'b', 'c']), reasons: reasons.join(';') };
  });
}

// Independent readings, as the facets are documented to read a value.
const shapeOf = (v: string | null) => (v ?? '').replace(/[0-9]+|[a-z]+|[A-Z]+|\s+|[\s\S]/g, (m) => (/^[0-9a-zA-Z]/.test(m) ? `${/[0-9]/.test(m) ? '9' : /[a-z]/.test(m) ? 'a' : 'A'}{${m.length}}` : m));
const numberOf = (v: string | null) => (v !== null && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const yearOf = (v: string | null) => {
  const m = v && /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return d.getUTCDate() === Number(m[3]) ? Number(m[1]) : null;
};

function matches(row: Row, f: QuarantineFilter): boolean {
  const toks = row.reasons.split(';');
  if (row.run !== 'r1') return false;
  if (f.column && !toks.some((t) => t.startsWith(`${f.column}:`) && (!f.reason || t === `${f.column}:${f.reason}`))) return false;
  if (f.reason && !toks.some((t) => t.endsWith(`:${f.reason}`))) return false;
  if (f.search && ![row.code, row.other].filter((x) => x !== null).join('\u001f').toLowerCase().includes(f.search)) return false;
  if (f.value !== undefined && row.code !== f.value) return false;
  if (f.shape !== undefined && shapeOf(row.code) !== f.shape) return false;
  if (f.numberRange !== undefined) {
    const x = numberOf(row.code);
    if (f.numberRange === null ? x !== null : x === null || x < f.numberRange.min || x > f.numberRange.max || bucket(x, f.numberRange.min, f.numberRange.max) !== f.numberRange.bucket) return false;
  }
  if (f.year !== undefined && yearOf(row.code) !== f.year) return false;
  return true;
}
const bucket = (x: number, min: number, max: number) => (max <= min ? 0 : Math.min(Math.floor(((x - min) / (max - min)) * 10), 9));

function countBy<K>(rows: Row[], key: (r: Row) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

let db: LockedDuckDB;
async function load(rows: Row[]): Promise<void> {
  await db.conn.run('DELETE FROM quarantine.people');
  const lit = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
  await db.conn.run(`INSERT INTO quarantine.people VALUES ${rows.map((r) => `(${lit(r.code)}, ${lit(r.other)}, ${r.id}, ${lit(r.run)}, ${lit(r.reasons)}, NULL)`).join(', ')}`);
}

beforeAll(async () => {
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  await db.conn.run(`CREATE SCHEMA quarantine; CREATE TABLE quarantine.people (code VARCHAR, other VARCHAR,
    _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_reasons VARCHAR, _airlock_raw_line VARCHAR)`);
});
afterAll(() => db?.close());

/** Every facet of `f` against the JS reading of the rows, each with its own pick lifted. */
function expectFacets(rows: Row[], f: QuarantineFilter, got: ColumnFacets): void {
  const among = (own: keyof QuarantineFilter) => rows.filter((r) => matches(r, { ...f, [own]: undefined }));
  const values = countBy(among('value'), (r) => r.code);
  expect(got.distinctValues).toBe(values.size);
  expect(new Map(got.values.map((v) => [v.value, v.count]))).toEqual(values);
  expect(new Map(got.shapes.map((s) => [s.shape, s.count]))).toEqual(countBy(among('shape'), (r) => shapeOf(r.code)));
  const nums = among('numberRange').map((r) => numberOf(r.code));
  const real = nums.filter((x): x is number => x !== null);
  expect(got.notNumbers).toBe(nums.length - real.length);
  if (!real.length) expect(got.numbers).toBeNull();
  else {
    const min = Math.min(...real), max = Math.max(...real);
    expect(got.numbers).toMatchObject({ min, max });
    const byBucket = countBy(real.map((x) => ({ x }) as unknown as Row), (r) => bucket((r as unknown as { x: number }).x, min, max));
    for (const b of got.numbers!.buckets) expect(b.count).toBe(byBucket.get(b.bucket) ?? 0);
    expect(got.numbers!.buckets.reduce((a, b) => a + b.count, 0)).toBe(real.length);
  }
  const years = countBy(among('year'), (r) => yearOf(r.code));
  expect(got.notDates).toBe(years.get(null) ?? 0);
  years.delete(null);
  expect(new Map(got.years.map((y) => [y.year, y.count]))).toEqual(years);
  expect(got.failingCells).toBe(rows.filter((r) => matches(r, f) && r.reasons.split(';').some((t) => t.startsWith('code:'))).length);
}

const total = async (f: QuarantineFilter) => (await quarantinePage(db.conn, contract, 'r1', 0, 1, f)).total;

describe('columnFacets', () => {
  it('counts values as a plain SQL GROUP BY does, top 200 by count', async () => {
    await load(generate(1, 300));
    const f = await columnFacets(db.conn, contract, 'r1', { field: 'code' });
    const plain = await queryRows<{ v: string | null; n: number }>(db.conn, `SELECT code AS v, count(*) AS n FROM quarantine.people WHERE _airlock_run_id = 'r1' GROUP BY code`);
    expect(new Map(f.values.map((v) => [v.value, v.count]))).toEqual(new Map(plain.map((p) => [p.v, Number(p.n)])));
    expect(f.values.map((v) => v.count)).toEqual([...f.values.map((v) => v.count)].sort((a, b) => b - a));
    expect(f.shapes.find((s) => s.shape === 'A{1}a{1} 9{2}')?.count).toBe(plain.filter((p) => p.v === 'Ab 12').reduce((a, p) => a + Number(p.n), 0));
  });

  for (const seed of [2, 3, 4, 5, 6]) {
    it(`agrees with a plain reading of generated quarantine ${seed}, with picks combined; a picked entry's count is the grid's total`, async () => {
      const rows = generate(seed, 120 + seed * 40);
      await load(rows);
      const r = rng(seed * 7);
      let f: QuarantineFilter = { field: 'code' };
      for (let step = 0; step < 6; step++) {
        const got = await columnFacets(db.conn, contract, 'r1', f);
        expectFacets(rows, f, got);
        // the reason and column facets count with these picks applied too
        const rc = await quarantineFacets(db.conn, contract, 'r1', f);
        expect(rc.matchingRows).toBe(rows.filter((x) => matches(x, { ...f, column: undefined, reason: undefined })).length);
        // pick one entry of one facet (replacing that facet's pick), and the grid's total is its count
        const choices: [QuarantineFilter, number][] = [
          ...got.values.map((v): [QuarantineFilter, number] => [{ value: v.value }, v.count]),
          ...got.shapes.map((s): [QuarantineFilter, number] => [{ shape: s.shape }, s.count]),
          ...(got.numbers?.buckets.filter((b) => b.count > 0).map((b): [QuarantineFilter, number] => [{ numberRange: { min: got.numbers!.min, max: got.numbers!.max, bucket: b.bucket } }, b.count]) ?? []),
          ...(got.notNumbers ? [[{ numberRange: null }, got.notNumbers] as [QuarantineFilter, number]] : []),
          ...got.years.map((y): [QuarantineFilter, number] => [{ year: y.year }, y.count]),
          ...(got.notDates ? [[{ year: null }, got.notDates] as [QuarantineFilter, number]] : []),
          ...(step === 2 ? [[{ column: 'code' }, NaN] as [QuarantineFilter, number]] : []),
        ];
        const [pick, n] = choices[Math.floor(r() * choices.length)];
        f = { ...f, ...pick };
        if (!Number.isNaN(n)) expect(await total(f)).toBe(n);
        expect(await total(f)).toBe(rows.filter((x) => matches(x, f)).length);
      }
    });
  }

  it('hands back the failing cells of the column under the filter, and refuses an unknown column', async () => {
    const rows = generate(9, 200);
    await load(rows);
    const f: QuarantineFilter = { field: 'code', shape: '9{2}' };
    const { rowIds } = await facetCells(db.conn, contract, 'r1', f);
    expect(rowIds).toEqual(rows.filter((x) => matches(x, f) && x.reasons.includes('code:')).map((x) => x.id));
    expect(rowIds.length).toBe((await columnFacets(db.conn, contract, 'r1', f)).failingCells);
    await expect(columnFacets(db.conn, contract, 'r1', { field: 'nope' })).rejects.toThrow('pick a column');
    await expect(quarantinePage(db.conn, contract, 'r1', 0, 1, { field: 'nope', value: 'x' })).rejects.toThrow('no column');
  });

  it('refuses a facet edit above 10,000 cells, with the count', async () => {
    await db.conn.run(`DELETE FROM quarantine.people; INSERT INTO quarantine.people SELECT '1', 'a', i, 'r1', 'code:PATTERN_MISMATCH', NULL FROM range(1, 10_002) t(i)`);
    await expect(facetCells(db.conn, contract, 'r1', { field: 'code' })).rejects.toThrow('10,001 failing cells of code match: one manual edit sets at most 10,000');
    expect((await facetCells(db.conn, contract, 'r1', { field: 'code', numberRange: null })).rowIds).toEqual([]);
  });
});
