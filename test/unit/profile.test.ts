// `airlock profile`: proposing a contract from the two dirty bench tables and from a small
// generated table whose every column has a known answer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { profileFile, tableNameFor, type ContractProposal } from '../../main/contract/profile.js';
import { patternFromShapes } from '../../main/contract/profilePattern.js';
import { readInput } from '../../main/ingest/readInput.js';
import { openLockedDuckDB, queryRows, queryValue, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { compileViolations } from '../../main/validate/compileViolations.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const HOSPITAL = join(SHARED, 'bench', 'hospital', 'dirty.csv');
const BEERS = join(SHARED, 'bench', 'beers', 'dirty.csv');

let db: LockedDuckDB;
let dir: string;

beforeAll(async () => {
  dir = tempDir('profile');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [SHARED, dir], threads: 2 });
});
afterAll(() => db?.close());

const col = (p: ContractProposal, name: string) => {
  const c = p.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
};
const spec = (p: ContractProposal, name: string) => p.contract.columns.find((x) => x.name === name)!;
const fullMatch = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);

/** Share of the file's rows with at least one violation of the proposal, using the validator's own SQL. */
async function violatingShare(p: ContractProposal, path: string): Promise<number> {
  await readInput(db.conn, path, path, 'checked', 'checked_bad', dir);
  const rows = Number(await queryValue(db.conn, 'SELECT count(*) FROM checked'));
  const { sql } = compileViolations(p.contract, 'checked');
  const bad = Number(await queryValue(db.conn, `SELECT count(DISTINCT row_id) FROM (${sql})`));
  return bad / rows;
}

describe('profileFile on the dirty hospital table', () => {
  let p: ContractProposal;
  beforeAll(async () => {
    p = await profileFile(db.conn, HOSPITAL, 'hospital/dirty.csv', { scratchDir: dir });
  });

  it('types index as an integer primary key and keeps digit codes as text with a width pattern', () => {
    expect(col(p, 'index')).toMatchObject({ inferredType: 'integer', primaryKey: true, unique: true, required: true, candidateKey: true, min: 1, max: 1000 });
    expect(p.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual(['index']);
    // 97% of zips are five digits; the rest are the file's typos ('35x33') and become violations.
    expect(col(p, 'zip')).toMatchObject({ inferredType: 'string', pattern: '\\d{5}' });
    expect(col(p, 'provider_number').pattern).toBe('\\d{5}');
    expect(col(p, 'phone')).toMatchObject({ pattern: '\\d{10}', pii: 'phone' });
    expect(col(p, 'zip').shapes[0]).toEqual({ shape: '9{5}', count: 970 });
  });

  it('proposes value sets for low-cardinality columns, leaving out repeated misspellings', () => {
    expect(col(p, 'state').enum).toContain('al');
    expect(col(p, 'state').enum).not.toContain('xl');
    expect(col(p, 'emergency_service').enum).toEqual(['no', 'yes']);
    expect(col(p, 'emergency_service').enumExcluded).toEqual(expect.arrayContaining(['yxs', 'yex']));
    expect(col(p, 'owner').enum).toContain('voluntary non-profit - private');
    // Free text gets neither a value set nor a pattern.
    expect(col(p, 'measure_name').enum).toBeUndefined();
    expect(col(p, 'measure_name').pattern).toBeUndefined();
    expect(col(p, 'city').pattern).toBeUndefined();
  });

  it('generalises varying shapes into one pattern that matches the real values', () => {
    const code = col(p, 'measure_code').pattern!;
    for (const v of ['scip-inf-2', 'ami-1', 'pn-3b', 'hf-4']) expect(fullMatch(code, v)).toBe(true);
    const avg = col(p, 'state_average').pattern!;
    expect(avg.startsWith('[a-z]{2}_')).toBe(true);
    for (const v of ['al_scip-inf-2', 'ak_pn-3b']) expect(fullMatch(avg, v)).toBe(true);
    // 'empty' is one literal value, not a five-letter shape.
    expect(col(p, 'score').pattern).toBe('(\\d+%|empty)');
  });

  it('finds provider_number -> city among merged functional dependencies', () => {
    const fd = p.fds.find((f) => f.determinant.join() === 'provider_number');
    expect(fd?.dependent).toEqual(expect.arrayContaining(['city', 'zip', 'name']));
    expect(fd!.support).toBeGreaterThanOrEqual(0.95);
    expect(p.contract.fds.map(({ determinant, dependent }) => ({ determinant, dependent }))).toEqual(p.fds.map(({ determinant, dependent }) => ({ determinant, dependent })));
    // every proposed dependency carries its evidence, unconfirmed
    for (const fd of p.contract.fds) expect(fd.inferred).toMatchObject({ rule: 'dependency', confirmed: false });
    // A determinant that is a key determines everything trivially and is never proposed.
    expect(p.fds.some((f) => f.determinant.includes('index'))).toBe(false);
  });

  it('proposes zip, measure and the composite [state, measure_code] -> state_average', () => {
    const dependents = (det: string) => p.fds.find((f) => f.determinant.join() === det)?.dependent ?? [];
    // zip -> state passes once the typo'd states ('xl', 'ax') are masked as dirty cells: state is
    // 'al' on 95% of the rows, and the 'ak' zips are what the dependency explains.
    expect(dependents('zip')).toEqual(expect.arrayContaining(['city', 'state', 'county']));
    expect(dependents('measure_code')).toEqual(expect.arrayContaining(['measure_name', 'condition']));
    // The 'ak' rows break measure_code -> state_average; state explains them, so the pair is proposed.
    expect(dependents('measure_code')).not.toContain('state_average');
    expect(dependents('state,measure_code')).toEqual(['state_average']);
    const avg = p.fds.find((f) => f.determinant.join() === 'state,measure_code')!;
    expect(avg.support).toBeGreaterThanOrEqual(0.95);
    expect(avg.evidence[0]).toMatchObject({ dependent: 'state_average', agreement: avg.support });
    // No second composite naming another member of measure_code's class.
    expect(p.fds.filter((f) => f.dependent.includes('state_average'))).toHaveLength(1);
  });

  // Not reached: every disagreement of city -> emergency_service (and county ->) in this file is
  // a one-cell typo ('yex', 'xes'); the cities with two or more hospitals agree on both. Rejecting
  // it needs evidence counted per hospital rather than per row, which would also reject zip -> city.
  // (Reported as a known limit; no placeholder test is kept for it.)

  it('writes a draft ODCS contract that loads and that most of the file satisfies', async () => {
    expect(p.yaml.startsWith('# Proposed by `airlock profile` from hospital/dirty.csv')).toBe(true);
    expect(p.contract).toMatchObject({ id: 'dirty-proposed', table: 'dirty', version: '0.1.0', status: 'draft' });
    expect(parseContract(p.yaml).columns.map((c) => c.name)).toEqual(p.columns.map((c) => c.name));
    expect(p.contract.quality).toEqual([expect.objectContaining({ metric: 'rowCount', operator: { op: 'mustBeGreaterThan', value: 0 } })]);
    expect(spec(p, 'zip')).toMatchObject({ logicalType: 'string', pattern: '\\d{5}', required: true });
    const share = await violatingShare(p, HOSPITAL);
    expect(share).toBeGreaterThan(0); // the file is dirty: the proposal must catch something
    expect(share).toBeLessThan(0.5);
  });

  it('flags the rows that really differ from the clean table, and few others', async () => {
    // Truth: a dirty row differs from clean.csv (same rows, same column order) in some cell.
    await readInput(db.conn, join(SHARED, 'bench', 'hospital', 'clean.csv'), 'clean.csv', 'clean_rows', 'clean_bad', dir);
    const cleanCols = (await queryRows<{ name: string }>(db.conn, `SELECT name FROM pragma_table_info('clean_rows') WHERE name <> '_airlock_row_id'`)).map((r) => r.name);
    const differs = p.columns.map((c, i) => `d."${c.name}" IS DISTINCT FROM k."${cleanCols[i]}"`).join(' OR ');
    await readInput(db.conn, HOSPITAL, HOSPITAL, 'checked', 'checked_bad', dir);
    const { sql } = compileViolations(p.contract, 'checked');
    const [r] = await queryRows<{ dirty: number; flagged: number; hit: number }>(db.conn, `
      WITH t AS (SELECT d._airlock_row_id AS id, (${differs}) AS dirty FROM checked d JOIN clean_rows k USING (_airlock_row_id)),
           f AS (SELECT DISTINCT row_id FROM (${sql}))
      SELECT count(*) FILTER (WHERE dirty) AS dirty, (SELECT count(*) FROM f) AS flagged,
             count(*) FILTER (WHERE dirty AND id IN (SELECT row_id FROM f)) AS hit FROM t`);
    expect(r.hit / r.flagged).toBeGreaterThan(0.9);
    expect(r.hit / r.dirty).toBeGreaterThan(0.9);
  });

  it('finds the same dependency on a row sample', async () => {
    const sampled = await profileFile(db.conn, HOSPITAL, 'hospital/dirty.csv', { sampleRows: 300, scratchDir: dir });
    expect(sampled.fds.some((f) => f.determinant[0] === 'provider_number' && f.dependent.includes('city'))).toBe(true);
    // Shapes are counted on the sample; value counts, types and patterns cover every row.
    expect(col(sampled, 'zip').shapes.reduce((n, x) => n + x.count, 0)).toBe(300);
    expect(col(sampled, 'zip')).toMatchObject({ pattern: '\\d{5}', rows: 1000, distinctCount: col(p, 'zip').distinctCount });
    expect(col(sampled, 'index')).toMatchObject({ inferredType: 'integer', typeShare: 1, min: 1, max: 1000 });
  });

  it('leaves no profiling tables behind', async () => {
    const left = await queryRows(db.conn, `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_airlock_profile%'`);
    expect(left).toEqual([]);
  });
});

describe('profileFile on the dirty beers table', () => {
  let p: ContractProposal;
  beforeAll(async () => {
    p = await profileFile(db.conn, BEERS, 'beers/dirty.csv', { scratchDir: dir });
  });

  it('reads abv as a number column: the % on a third of its values is how they were typed, not a second form', () => {
    const abv = col(p, 'abv');
    expect(abv).toMatchObject({ inferredType: 'number', required: false, unit: { group: '%', spellings: ['%'], values: 693 } });
    expect(abv.pattern).toBeUndefined();
    expect(spec(p, 'abv').inferred?.find((r) => r.rule === 'type')).toMatchObject({ share: 1, confirmed: false });
  });

  it('reads ounces as a number column in fluid ounces, never as a set of 19 spellings of twelve ounces', () => {
    const oz = col(p, 'ounces');
    expect(oz).toMatchObject({ inferredType: 'number', required: true, unit: { group: 'fl oz', values: 2410 } });
    expect(oz.unit!.spellings).toEqual(expect.arrayContaining(['oz', 'oz.', 'OZ.', 'ounce']));
    expect(oz.enum).toBeUndefined();
    expect(spec(p, 'ounces').enum).toBeUndefined();
  });

  it('reads N/A in ibu as a missing token of an integer column', () => {
    expect(col(p, 'ibu')).toMatchObject({ inferredType: 'integer', required: false, missingTokens: ['N/A'], missingTokenCount: 1005 });
    expect(spec(p, 'ibu').missingTokens).toEqual(['N/A']);
    // The observed range is a description, never a bound that would reject tomorrow's values.
    expect(spec(p, 'ibu').description).toBe('observed 4 to 138');
    expect([spec(p, 'ibu').minimum, spec(p, 'ibu').maximum]).toEqual([undefined, undefined]);
  });

  it('finds the keys, the state pattern and brewery_id -> brewery_name', () => {
    expect(col(p, 'index').primaryKey).toBe(true);
    expect(col(p, 'id')).toMatchObject({ inferredType: 'integer', unique: true, primaryKey: false });
    expect(col(p, 'state').pattern).toBe('[A-Z]{2}');
    expect(p.fds.find((f) => f.determinant.join() === 'brewery_id')?.dependent).toEqual(expect.arrayContaining(['brewery_name', 'city', 'state']));
  });

  it('does not propose city -> state nor brewery_name -> brewery_id: other columns explain their exceptions', () => {
    // Portland OR and Portland ME are different breweries; two breweries share a name in two cities.
    expect(p.fds.some((f) => f.determinant.join() === 'city' && f.dependent.includes('state'))).toBe(false);
    expect(p.fds.some((f) => f.determinant.join() === 'brewery_name' && f.dependent.includes('brewery_id'))).toBe(false);
    expect(p.fds.find((f) => f.determinant.join() === 'brewery_name,city')?.dependent).toEqual(['brewery_id']);
    // brewery_id -> city holds with the file's merged "city ST" cells as its counterexamples
    // (values are compared, and shown, folded: case and punctuation do not make two values).
    const city = p.fds.find((f) => f.determinant.join() === 'brewery_id')!.evidence.find((e) => e.dependent === 'city')!;
    expect(city.agreement).toBeGreaterThanOrEqual(0.95);
    expect(city.counterexamples[0].values.map((v) => v.value)).toEqual(expect.arrayContaining([expect.stringMatching(/ [a-z]{2}$/)]));
  });

  it('the proposal flags the cells that hold an error, and almost no clean cell', async () => {
    // Judged against the clean table: a flagged cell whose value is the true one is a false alarm.
    await readInput(db.conn, BEERS, BEERS, 'checked', 'checked_bad', dir);
    await readInput(db.conn, join(SHARED, 'bench', 'beers', 'clean.csv'), 'clean.csv', 'truth', 'truth_bad', dir);
    const { sql } = compileViolations(p.contract, 'checked');
    const cols = ['ounces', 'abv', 'ibu', 'brewery_id', 'city', 'state'];
    const [r] = await queryRows<{ flagged: number; false_alarms: number }>(db.conn, `
      WITH v AS (SELECT DISTINCT row_id, "column" AS col FROM (${sql}) WHERE "column" IN (${cols.map(sqlString).join(', ')})),
      cells AS (
        SELECT v.col, CASE v.col ${cols.map((c) => `WHEN ${sqlString(c)} THEN c."${c}"`).join(' ')} END AS dirty,
          CASE v.col ${cols.map((c) => `WHEN ${sqlString(c)} THEN t."${c}"`).join(' ')} END AS truth
        FROM v JOIN checked c ON c._airlock_row_id = v.row_id JOIN truth t ON t."index" = c."index")
      SELECT count(*) AS flagged, count(*) FILTER (WHERE coalesce(trim(dirty), '') = coalesce(trim(truth), '')) AS false_alarms FROM cells`);
    expect(Number(r.flagged)).toBeGreaterThan(3000); // 2,410 ounces and 693 abv at least
    expect(Number(r.false_alarms)).toBeLessThanOrEqual(0.01 * Number(r.flagged));
  });
});

describe('profileFile on a generated table', () => {
  let p: ContractProposal;
  beforeAll(async () => {
    const file = join(dir, 'my accounts-2024.csv');
    // 200 rows built by DuckDB: every tenth amount is 'N/A', dates are US month/day/year.
    await db.conn.run(`COPY (
      SELECT i + 1 AS account_id,
        strftime(DATE '2023-01-01' + CAST(i * 3 AS INTEGER), '%m/%d/%Y') AS signed_up,
        strftime(TIMESTAMP '2024-01-01 08:00:00' + to_minutes(CAST(i * 97 AS BIGINT)), '%Y-%m-%d %H:%M:%S') AS last_seen,
        CASE WHEN i % 3 = 0 THEN 'false' ELSE 'true' END AS active,
        CASE WHEN i % 10 = 0 THEN 'N/A' ELSE printf('%.2f', i * 1.25) END AS balance,
        'user' || i || '@example.com' AS contact,
        printf('(555) %03d-%04d', i % 1000, (i * 37) % 10000) AS mobile_no,
        printf('%05d', (i * 4099) % 100000) AS postcode,
        ['basic', 'plus', 'pro'][1 + i % 3] AS plan,
        CASE WHEN i % 4 = 0 THEN '' ELSE 'note ' || i END AS remark
      FROM range(200) t(i)
    ) TO ${sqlString(file)} (HEADER, DELIMITER ',')`);
    p = await profileFile(db.conn, file, file, { scratchDir: dir });
  });

  it('names the table after the file', () => {
    expect(p.contract.table).toBe('my_accounts_2024');
    expect(p.contract.id).toBe('my_accounts_2024-proposed');
    expect(tableNameFor('/x/2024 report.parquet')).toBe('t_2024_report');
  });

  it('infers dates with their format, timestamps, booleans and missing tokens', () => {
    expect(col(p, 'signed_up')).toMatchObject({ inferredType: 'date', format: '%m/%d/%Y', min: '2023-01-01', required: true });
    expect(spec(p, 'signed_up')).toMatchObject({ logicalType: 'date', format: '%m/%d/%Y' });
    expect(col(p, 'last_seen')).toMatchObject({ inferredType: 'timestamp', format: '%Y-%m-%d %H:%M:%S' });
    expect(col(p, 'active')).toMatchObject({ inferredType: 'boolean', required: true });
    expect(col(p, 'balance')).toMatchObject({ inferredType: 'number', required: false, missingTokens: ['N/A'], missingTokenCount: 20 });
    expect(spec(p, 'balance').missingTokens).toEqual(['N/A']);
  });

  it('hints at personal data from values and names', () => {
    expect(col(p, 'contact')).toMatchObject({ pii: 'email', unique: true, primaryKey: false });
    expect(fullMatch(col(p, 'contact').pattern!, 'someone@example.org')).toBe(true);
    expect(spec(p, 'contact').pii).toBe('email');
    expect(col(p, 'mobile_no').pii).toBe('phone');
    expect(col(p, 'account_id')).toMatchObject({ inferredType: 'integer', primaryKey: true });
  });

  it('keeps zero-padded codes as text, proposes a set for plan, and marks optional columns', () => {
    expect(col(p, 'postcode')).toMatchObject({ inferredType: 'string', pattern: '\\d{5}' });
    expect(col(p, 'plan').enum).toEqual(['basic', 'plus', 'pro']);
    expect(col(p, 'remark')).toMatchObject({ required: false, nullCount: 50 });
  });

  it('the generated table satisfies its own proposal', async () => {
    expect(await violatingShare(p, join(dir, 'my accounts-2024.csv'))).toBe(0);
  });
});

describe('profileFile on a typed Parquet file', () => {
  it('reads the text DuckDB writes for each Parquet type back as that type', async () => {
    const file = join(dir, 'typed.parquet');
    await db.conn.run(`COPY (
      SELECT i AS n, i * 1.5 AS x, DATE '2020-01-01' + CAST(i AS INTEGER) AS d,
        TIMESTAMP '2024-01-01 08:00:00' + to_minutes(CAST(i AS BIGINT)) AS ts, i % 2 = 0 AS flag
      FROM range(100) t(i)) TO ${sqlString(file)} (FORMAT parquet)`);
    const p = await profileFile(db.conn, file, 'typed.parquet', { scratchDir: dir });
    expect(p.columns.map((c) => [c.name, c.inferredType, c.format ?? null])).toEqual([
      ['n', 'integer', null], ['x', 'number', null], ['d', 'date', '%Y-%m-%d'], ['ts', 'timestamp', '%Y-%m-%d %H:%M:%S'], ['flag', 'boolean', null],
    ]);
    expect(col(p, 'x')).toMatchObject({ min: 0, max: 148.5, description: 'observed 0 to 148.5' });
    expect(col(p, 'd')).toMatchObject({ min: '2020-01-01', max: '2020-04-09' });
    expect(col(p, 'flag').description).toBeUndefined();
    // 'n' would be a boolean to a YAML 1.1 reader: the proposal quotes it.
    expect(p.yaml).toContain("- name: 'n'");
    expect(spec(p, 'n').primaryKey).toBe(true);
  });
});

describe('edge cases', () => {
  it('profiles a header-only file into an all-optional string contract', async () => {
    const file = join(dir, 'empty.csv');
    writeFileSync(file, 'a,b\n');
    const p = await profileFile(db.conn, file, file, { scratchDir: dir });
    expect(p.columns.map((c) => [c.name, c.inferredType, c.required])).toEqual([['a', 'string', false], ['b', 'string', false]]);
    expect(p.fds).toEqual([]);
  });

  it('patternFromShapes merges shapes that extend one another into optional tails', () => {
    const shapes = [
      { runs: ['a2', '=-', '91'], count: 50, distinct: 5, example: 'hf-1' },
      { runs: ['a4', '=-', 'a3', '=-', '91'], count: 40, distinct: 4, example: 'scip-inf-1' },
      { runs: ['a2', '=-', '91', 'a1'], count: 10, distinct: 2, example: 'pn-3b' },
    ];
    expect(patternFromShapes(shapes, 100, 0.95)).toBe('[a-z]+-[a-z0-9]+(-\\d)?');
    // A rare shape (a typo) is left out rather than widening the pattern.
    expect(patternFromShapes([{ runs: ['95'], count: 97, distinct: 50, example: '35233' }, { runs: ['92', 'a1', '92'], count: 3, distinct: 3, example: '35x33' }], 100, 0.95)).toBe('\\d{5}');
    // Words of varying length say nothing.
    expect(patternFromShapes([{ runs: ['a5'], count: 60, distinct: 30, example: 'adams' }, { runs: ['a7'], count: 40, distinct: 20, example: 'jackson' }], 100, 0.95)).toBeUndefined();
  });
});
