// The grid's filter and the reasons text: whole `column:REASON` tokens, literal matching, every
// value from the analyst quoted; checked on a small quarantine table in DuckDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { parseContract } from '../../main/contract/load.js';
import { filterCondition, parseReasons, quarantineFacets, quarantinePage } from '../../main/api/quarantineQuery.js';

const contract = parseContract(`kind: DataContract
id: t
schema:
  - name: people
    properties:
      - { name: zip, logicalType: string }
      - { name: zip_code, logicalType: string }
      - { name: "it's", logicalType: string }
`);

let db: LockedDuckDB;

beforeAll(async () => {
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  await db.conn.run(`CREATE SCHEMA quarantine; CREATE TABLE quarantine.people (zip VARCHAR, zip_code VARCHAR, "it's" VARCHAR,
    _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_reasons VARCHAR, _airlock_raw_line VARCHAR)`);
  await db.conn.run(`INSERT INTO quarantine.people VALUES
    ('1', '00001', 'a', 1, 'r1', 'zip:PATTERN_MISMATCH', NULL),
    ('2', 'x', 'Leeds', 2, 'r1', 'zip_code:PATTERN_MISMATCH;zip:FD_VIOLATION', NULL),
    ('3', '00003', 'b', 3, 'r1', 'zip_code:NOT_IN_SET', NULL),
    ('4', '00004', 'c', 4, 'r2', 'zip:PATTERN_MISMATCH', NULL)`);
});

afterAll(() => db?.close());

describe('parseReasons', () => {
  it('splits tokens on the last colon, so a column name may hold one', () => {
    expect(parseReasons('zip:PATTERN_MISMATCH;a:b:NOT_IN_SET')).toEqual([{ column: 'zip', reason: 'PATTERN_MISMATCH' }, { column: 'a:b', reason: 'NOT_IN_SET' }]);
    expect(parseReasons(null)).toEqual([]);
    expect(parseReasons('')).toEqual([]);
  });
});

describe('filterCondition', () => {
  it('quotes every value from the analyst', () => {
    const sql = filterCondition("r'1", ["it's"], { column: "it's", search: "o'brien" });
    expect(sql).toContain("_airlock_run_id = 'r''1'");
    expect(sql).toContain("';it''s:'");
    expect(sql).toContain("'o''brien'");
  });
});

describe('quarantinePage and quarantineFacets', () => {
  const ids = async (filter: Parameters<typeof quarantinePage>[5]) => (await quarantinePage(db.conn, contract, 'r1', 0, 50, filter)).rows.map((r) => r.rowId);

  it('keeps to the run and matches whole tokens: zip is not zip_code', async () => {
    expect(await ids({})).toEqual([1, 2, 3]);
    expect(await ids({ column: 'zip' })).toEqual([1, 2]);
    expect(await ids({ column: 'zip_code' })).toEqual([2, 3]);
    expect(await ids({ column: 'zip', reason: 'PATTERN_MISMATCH' })).toEqual([1]);
    expect(await ids({ reason: 'PATTERN_MISMATCH' })).toEqual([1, 2]);
    expect(await ids({ search: 'LEEDS' })).toEqual([2]);
  });

  it('pages in row order, with the total of the filter', async () => {
    const p = await quarantinePage(db.conn, contract, 'r1', 1, 1, {});
    expect(p.rows.map((r) => r.rowId)).toEqual([2]);
    expect(p.total).toBe(3);
    expect(p.rows[0]).toMatchObject({ values: ['2', 'x', 'Leeds'], reasons: [{ column: 'zip_code', reason: 'PATTERN_MISMATCH' }, { column: 'zip', reason: 'FD_VIOLATION' }] });
  });

  it('sorts a page by one column, empty last, row order breaking ties; an unknown column is refused', async () => {
    const by = async (column: string, descending: boolean, offset = 0, limit = 50) =>
      (await quarantinePage(db.conn, contract, 'r1', offset, limit, {}, { column, descending })).rows.map((r) => r.rowId);
    expect(await by('zip_code', false)).toEqual([1, 3, 2]);
    expect(await by('zip_code', true)).toEqual([2, 3, 1]);
    expect(await by("it's", true, 1, 1)).toEqual([1]); // b, a, Leeds: byte order, the page's second
    await expect(quarantinePage(db.conn, contract, 'r1', 0, 5, {}, { column: 'nope', descending: false })).rejects.toThrow('no such column');
  });

  it('counts failing cells by column, by reason and by both', async () => {
    const f = await quarantineFacets(db.conn, contract, 'r1', {});
    expect(f).toMatchObject({ totalRows: 3, matchingRows: 3 });
    expect(f.byColumn).toEqual([{ column: 'zip', count: 2 }, { column: 'zip_code', count: 2 }]);
    expect(f.byReason).toEqual([{ reason: 'PATTERN_MISMATCH', count: 2 }, { reason: 'FD_VIOLATION', count: 1 }, { reason: 'NOT_IN_SET', count: 1 }]);
    expect(f.byColumnReason).toHaveLength(4);
    const searched = await quarantineFacets(db.conn, contract, 'r1', { search: 'leeds' });
    expect(searched.matchingRows).toBe(1);
    expect(searched.byColumn).toEqual([{ column: 'zip', count: 1 }, { column: 'zip_code', count: 1 }]);
  });

  it('counts each facet against the other facet\'s selection, as plain SQL over the tokens does', async () => {
    const plain = async (where: string, key: 'col' | 'reason') => new Map((await queryRows<{ k: string; n: number }>(db.conn, `
      SELECT ${key} AS k, count(*) AS n FROM (
        SELECT regexp_extract(tok, '^(.*):([^:]*)$', 1) AS col, regexp_extract(tok, '^(.*):([^:]*)$', 2) AS reason
        FROM (SELECT unnest(string_split(_airlock_reasons, ';')) AS tok FROM quarantine.people WHERE _airlock_run_id = 'r1'))
      WHERE ${where} GROUP BY 1`)).map((r) => [r.k, Number(r.n)]));
    const byCol = await quarantineFacets(db.conn, contract, 'r1', { column: 'zip_code' });
    expect(new Map(byCol.byReason.map((r) => [r.reason, r.count]))).toEqual(await plain("col = 'zip_code'", 'reason'));
    expect(byCol.byReason).toEqual([{ reason: 'NOT_IN_SET', count: 1 }, { reason: 'PATTERN_MISMATCH', count: 1 }]);
    // the column facet is not narrowed by its own selection, only by the reason's
    expect(byCol.byColumn).toEqual([{ column: 'zip', count: 2 }, { column: 'zip_code', count: 2 }]);
    const byReason = await quarantineFacets(db.conn, contract, 'r1', { reason: 'PATTERN_MISMATCH' });
    expect(new Map(byReason.byColumn.map((r) => [r.column, r.count]))).toEqual(await plain("reason = 'PATTERN_MISMATCH'", 'col'));
    expect(byReason.byColumn).toEqual([{ column: 'zip', count: 1 }, { column: 'zip_code', count: 1 }]);
    const both = await quarantineFacets(db.conn, contract, 'r1', { column: 'zip', reason: 'FD_VIOLATION' });
    expect(both.byColumn).toEqual([{ column: 'zip', count: 1 }]);
    expect(both.byReason).toEqual([{ reason: 'FD_VIOLATION', count: 1 }, { reason: 'PATTERN_MISMATCH', count: 1 }]);
    // the chart's pairs stay whole
    expect(both.byColumnReason).toEqual((await quarantineFacets(db.conn, contract, 'r1', {})).byColumnReason);
  });
});
