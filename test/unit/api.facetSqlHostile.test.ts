// The number and date facets on hostile cells: NULL, '', blanks, 'NaN', overflowing and infinite
// numbers, '-0', digit separators, impossible dates, years beyond four digits, numbers at both
// ends of the double range. Each expectation is written out by hand here (what an analyst would
// call a number or a date), never read back from the facet SQL; and every entry the facets show
// must pass the API's own input check when picked, and narrow the grid to exactly its count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, type LockedDuckDB } from '../../main/store/duckdb.js';
import { parseContract } from '../../main/contract/load.js';
import { quarantinePage } from '../../main/api/quarantineQuery.js';
import { columnFacets } from '../../main/api/columnFacets.js';
import { API, type ColumnFacets, type QuarantineFilter } from '../../main/api/contract.js';

const contract = parseContract(`kind: DataContract
id: t
schema:
  - name: people
    properties:
      - { name: code, logicalType: string }
`);

/** Cells with what they are by hand: a number (its value), a year, or neither (null). */
const CELLS: [string | null, number | null, number | null][] = [
  [null, null, null],
  ['', null, null],
  ['   ', null, null],
  ['\t', null, null],
  ['NaN', null, null],
  ['nan', null, null],
  ['1e309', null, null], // overflows a double
  ['-1e309', null, null],
  ['inf', null, null],
  ['-Infinity', null, null],
  ['1,5', null, null],
  ['0x10', null, null],
  ['1_000', null, null], // DuckDB's cast takes digit separators; an analyst's cell does not mean 1000
  ['12abc', null, null],
  ['-0', -0, null],
  [' 12 ', 12, null],
  ['+3', 3, null],
  ['.5', 0.5, null],
  ['1e5', 100000, null],
  ['2024-02-30', null, null],
  ['2023-02-29', null, null],
  ['2024-13-01', null, null],
  ['2024-00-10', null, null],
  ['99999-01-01', null, null], // a five-digit year is a typo, not a date
  ['-2024-01-01', null, null],
  ['0000-01-01', null, null], // no calendar has a year 0
  ['2024-02-29', null, 2024],
  [' 2020-01-05 ', null, 2020],
  ['31/12/2019', null, 2019],
  ['1999-07-04', null, 1999],
];

let db: LockedDuckDB;
const lit = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
async function load(cells: (string | null)[]): Promise<void> {
  await db.conn.run('DELETE FROM quarantine.people');
  await db.conn.run(`INSERT INTO quarantine.people VALUES ${cells.map((c, i) => `(${lit(c)}, ${i + 1}, 'r1', 'code:PATTERN_MISMATCH', NULL)`).join(', ')}`);
}

beforeAll(async () => {
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  await db.conn.run(`CREATE SCHEMA quarantine; CREATE TABLE quarantine.people (code VARCHAR,
    _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_reasons VARCHAR, _airlock_raw_line VARCHAR)`);
});
afterAll(() => db?.close());

/** The facets as the API hands them over, with the filter checked as the API checks it. */
async function facets(filter: QuarantineFilter): Promise<ColumnFacets> {
  const input = API.columnFacets.input.parse({ runId: 'r1', filter });
  return columnFacets(db.conn, contract, input.runId, input.filter);
}

/** Every entry of the number and date facets picked through the API's input check: the grid holds its count. */
async function expectEveryPickNarrowsToItsCount(f: ColumnFacets): Promise<void> {
  const picks: [QuarantineFilter, number][] = [
    ...(f.numbers?.buckets.map((b): [QuarantineFilter, number] => [{ numberRange: { min: f.numbers!.min, max: f.numbers!.max, bucket: b.bucket } }, b.count]) ?? []),
    [{ numberRange: null }, f.notNumbers],
    ...f.years.map((y): [QuarantineFilter, number] => [{ year: y.year }, y.count]),
    [{ year: null }, f.notDates],
  ];
  for (const [pick, n] of picks) {
    const input = API.quarantinePage.input.parse({ runId: 'r1', offset: 0, limit: 1, filter: { field: 'code', ...pick } });
    expect((await quarantinePage(db.conn, contract, 'r1', 0, 1, input.filter)).total, JSON.stringify(pick)).toBe(n);
  }
}

describe('number and date facets on hostile cells', () => {
  it('reads only plain finite numbers as numbers and only real calendar dates as years; every entry can be picked', async () => {
    await load(CELLS.map((c) => c[0]));
    const f = await facets({ field: 'code' });
    const numbers = CELLS.filter((c) => c[1] !== null).map((c) => c[1]!);
    expect(f.notNumbers).toBe(CELLS.length - numbers.length);
    expect(f.numbers).toMatchObject({ min: Math.min(...numbers), max: Math.max(...numbers) });
    expect(f.numbers!.buckets.reduce((a, b) => a + b.count, 0)).toBe(numbers.length);
    const years = new Map<number, number>();
    for (const [, , y] of CELLS) if (y !== null) years.set(y, (years.get(y) ?? 0) + 1);
    expect(new Map(f.years.map((y) => [y.year, y.count]))).toEqual(years);
    expect(f.notDates).toBe(CELLS.length - [...years.values()].reduce((a, b) => a + b, 0));
    await expectEveryPickNarrowsToItsCount(f);
  });

  it('buckets numbers at both ends of the double range without overflowing', async () => {
    const cells = ['-1.7976931348623157e308', '-1e308', '0', '1e308', '1.7976931348623157e308', 'x'];
    await load(cells);
    const f = await facets({ field: 'code' });
    expect(f.notNumbers).toBe(1);
    expect(f.numbers).toMatchObject({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
    for (const b of f.numbers!.buckets) expect(Number.isFinite(b.from) && Number.isFinite(b.to), JSON.stringify(b)).toBe(true);
    // by hand, (x - min) / (max - min) tenths: -max 0, -1e308 2.2, 0 5, 1e308 7.8, max 10 (the last bucket)
    const byBucket = new Map(f.numbers!.buckets.filter((b) => b.count > 0).map((b) => [b.bucket, b.count]));
    expect(byBucket).toEqual(new Map([[0, 1], [2, 1], [5, 1], [7, 1], [9, 1]]));
    await expectEveryPickNarrowsToItsCount(f);
  });

  it('counts a column of one repeated number in a single bucket, -0 and 0 together', async () => {
    await load(['-0', '0', ' 0 ', '', null]);
    const f = await facets({ field: 'code' });
    expect(f.numbers!.buckets).toHaveLength(1);
    expect(f.numbers!.buckets[0].count).toBe(3);
    expect(f.notNumbers).toBe(2);
    await expectEveryPickNarrowsToItsCount(f);
  });
});
