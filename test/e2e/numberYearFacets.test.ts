// The number and date (year) facets in the built renderer in Chromium, on a real run of the
// public beers table: its 2,410 rows as published, plus one `brewed` date column the test writes
// from each row's index (valid dates, impossible ones, another form, blanks, 'n/a'), because
// neither public table holds a date. Every count on screen is checked against the test's own
// reading of the quarantined cells, read with its own SQL from the workspace's DuckDB file:
// numbers and years are recognised here by hand, never by the engine's facet SQL. Picking a
// bucket or a year narrows the grid to exactly its count, and the other facets are counted again
// against it. Screenshots facet-number.png and facet-year.png go to test/e2e/artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { QuarantinePage } from './pages/QuarantinePage.js';
import { latestRunId, runThroughTheApp } from './runStatesHelpers.js';

const BEERS = join(SHARED, 'bench', 'beers');
const RUN_TIMEOUT = 300_000;

interface Cell { id: number; abv: string | null; brewed: string | null; reasons: string }

let app: AppHarness;
let ws: string;
let rows: Cell[];

/** The test's `brewed` cell for a row index: mostly real dates, some that no calendar has. */
function brewed(i: number): string {
  const year = 2010 + (i % 12);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (i % 13 === 0) return '';
  if (i % 17 === 0) return 'n/a';
  if (i % 9 === 0) return `${year}-02-30`;
  if (i % 11 === 0) return `31/12/${year}`;
  return `${year}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
}

// By hand: a plain decimal (optional sign, fraction, exponent) that is a finite double.
const numberOf = (v: string | null): number | null => (v !== null && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) && Number.isFinite(Number(v)) ? Number(v) : null);
// By hand: yyyy-mm-dd or dd/mm/yyyy naming a day the calendar has.
function yearOf(v: string | null): number | null {
  const m = v === null ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim()) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v.trim());
  if (!m) return null;
  const [y, mo, d] = m[1].length === 4 ? [+m[1], +m[2], +m[3]] : [+m[3], +m[2], +m[1]];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? y : null;
}

function countBy<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}
/** Failing cells by column, as the column facet counts them: one per `column:REASON` token. */
const byColumn = (xs: Cell[]) => countBy(xs.flatMap((r) => r.reasons.split(';').filter(Boolean)), (t) => t.slice(0, t.lastIndexOf(':')));
/** The value facet's keys: the value, or NUL for the empty cell. */
const byValue = (xs: Cell[], col: 'abv' | 'brewed') => countBy(xs, (r) => r[col] ?? '\u0000');
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => a[0].localeCompare(b[0]));

async function quarantinedCells(runId: string): Promise<Cell[]> {
  const db = await DuckDBInstance.create(join(ws, 'data.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT _airlock_row_id AS id, abv, brewed, coalesce(_airlock_reasons, '') AS reasons FROM quarantine.beers WHERE _airlock_run_id = '${runId}'`);
    return r.getRowObjects().map((o) => ({ id: Number(o.id), abv: o.abv as string | null, brewed: o.brewed as string | null, reasons: String(o.reasons) }));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  const dir = tempDir('e2e-number-year');
  ws = join(dir, 'ws');
  const [header, ...body] = readFileSync(join(BEERS, 'dirty.csv'), 'utf8').split('\n').filter((l) => l !== '');
  expect(body).toHaveLength(2410);
  const csv = [`${header},brewed`, ...body.map((l) => `${l},${brewed(Number(l.split(',')[0]))}`)].join('\n');
  writeFileSync(join(dir, 'beers-brewed.csv'), `${csv}\n`);
  const contract = readFileSync(join(BEERS, 'contract.odcs.yaml'), 'utf8').replace(
    "        logicalTypeOptions: { pattern: '[A-Z]{2}' }\n",
    "        logicalTypeOptions: { pattern: '[A-Z]{2}' }\n      - name: brewed\n        logicalType: date\n        description: the day it was first brewed (written by the test)\n");
  expect(contract).toContain('name: brewed');
  writeFileSync(join(dir, 'beers-brewed.odcs.yaml'), contract);
  app = await launchApp({ workspace: ws, modelsDir: join(dir, 'no-models') });
  await runThroughTheApp(app, join(dir, 'beers-brewed.csv'), join(dir, 'beers-brewed.odcs.yaml'), { approval: 'none', timeout: RUN_TIMEOUT });
  rows = await quarantinedCells(await latestRunId(app));
  expect(rows.length).toBeGreaterThan(0);
}, RUN_TIMEOUT + 60_000);

afterAll(async () => {
  await app?.close();
});

describe('Quarantine: the number and year facets of a beers run', () => {
  it('abv: ten buckets between the smallest and largest number and a "not a number" entry, as counted by hand; a bucket narrows the grid and recounts the others', async () => {
    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    const all = await q.total();
    expect(all).toBe(rows.length);
    await q.facetColumn('abv');

    const nums = rows.map((r) => numberOf(r.abv));
    const real = nums.filter((x): x is number => x !== null);
    const [min, max] = [Math.min(...real), Math.max(...real)];
    expect(max).toBeGreaterThan(min);
    const bucketOf = (x: number) => Math.min(Math.floor(((x - min) / (max - min)) * 10), 9);
    const expected = new Map<string, number>(Array.from({ length: 10 }, (_, b) => [String(b), real.filter((x) => bucketOf(x) === b).length]));
    expected.set('nan', nums.length - real.length);
    expect(expected.get('nan')).toBeGreaterThan(0); // beers writes some abv as '0.05%'
    const shown = await q.facetCounts('number');
    expect(sorted(shown)).toEqual(sorted(expected));
    const labels = await q.facetLabels('number');
    expect(labels.get('nan')).toBe('not a number');
    // each bucket reads as a range whose ends differ, and no two buckets read alike
    for (let b = 0; b < 10; b++) {
      const ends = /^(-?[\d.e+-]+) – (-?[\d.e+-]+)$/.exec(labels.get(String(b)) ?? '');
      expect(ends && ends[1] !== ends[2], labels.get(String(b))).toBe(true);
    }
    expect(new Set(labels.values()).size).toBe(labels.size);

    // Pick the fullest bucket: the grid holds exactly its rows, the other facets count within it.
    const [pick, n] = [...expected].filter(([k]) => k !== 'nan').sort((a, b) => b[1] - a[1])[0];
    const inBucket = rows.filter((r) => { const x = numberOf(r.abv); return x !== null && bucketOf(x) === Number(pick); });
    expect(inBucket.length).toBe(n);
    const columnsBefore = await q.facetCounts('column');
    const valuesBefore = await q.facetCounts('value');
    expect(await q.facet('number', pick)).toBe(n);
    expect(await q.totalChangedFrom(all)).toBe(n);
    expect(sorted(await q.facetCountsChangedFrom('column', columnsBefore))).toEqual(sorted(byColumn(inBucket)));
    const values = byValue(inBucket, 'abv');
    expect(values.size).toBeLessThanOrEqual(200);
    const valuesInBucket = await q.facetCountsChangedFrom('value', valuesBefore);
    expect(sorted(valuesInBucket)).toEqual(sorted(values));
    // its own counts stay as they were (a facet never counts with its own pick), and the pick shows
    expect(sorted(await q.facetCounts('number'))).toEqual(sorted(expected));
    expect(await q.facetPicked('number')).toEqual([pick]);
    // the faceted column leads the grid, so the numbers it narrows by are in view
    expect((await q.headerColumns())[0]).toBe('abv');
    // the pick's chip names the range, as the facet shows it
    await expect.poll(() => q.chips()).toEqual([`abv, number: ${labels.get(pick)} ×`]);
    await q.screenshot('facet-number');

    // "not a number" replaces the bucket: the cells that do not read as a number, blanks included.
    const notNumbers = rows.filter((r) => numberOf(r.abv) === null);
    expect(await q.facet('number', 'nan')).toBe(notNumbers.length);
    expect(await q.totalChangedFrom(n)).toBe(notNumbers.length);
    expect(await q.facetPicked('number')).toEqual(['nan']);
    expect(sorted(await q.facetCountsChangedFrom('value', valuesInBucket))).toEqual(sorted(byValue(notNumbers, 'abv')));
  });

  it('brewed: one entry per year and "not a date" (impossible days, blanks, n/a), as counted by hand; a year narrows the grid and recounts the others', async () => {
    const q = new QuarantinePage(app.page);
    const before = await q.total();
    // Another column's facets: the abv pick is lifted, so the grid is the whole quarantine again.
    await q.facetColumn('brewed');
    if (before !== rows.length) expect(await q.totalChangedFrom(before)).toBe(rows.length);
    const expected = countBy(rows, (r) => String(yearOf(r.brewed) ?? 'nad'));
    expect(expected.get('nad')).toBeGreaterThan(0);
    expect(expected.size).toBe(13); // twelve years and "not a date"
    expect(sorted(await q.facetCounts('year'))).toEqual(sorted(expected));
    expect((await q.facetLabels('year')).get('nad')).toBe('not a date');
    // no brewed cell reads as a number: the number facet has only its "not a number" entry
    expect(rows.every((r) => numberOf(r.brewed) === null)).toBe(true);
    expect(sorted(await q.facetCounts('number'))).toEqual([['nan', rows.length]]);

    const [pick, n] = [...expected].filter(([k]) => k !== 'nad').sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const inYear = rows.filter((r) => yearOf(r.brewed) === Number(pick));
    const columnsBefore = await q.facetCounts('column');
    const valuesBefore = await q.facetCounts('value');
    expect(await q.facet('year', pick)).toBe(n);
    expect(await q.totalChangedFrom(rows.length)).toBe(n);
    expect(sorted(await q.facetCountsChangedFrom('column', columnsBefore))).toEqual(sorted(byColumn(inYear)));
    const valuesInYear = await q.facetCountsChangedFrom('value', valuesBefore);
    expect(sorted(valuesInYear)).toEqual(sorted(byValue(inYear, 'brewed')));
    expect(sorted(await q.facetCounts('year'))).toEqual(sorted(expected));
    expect(await q.facetPicked('year')).toEqual([pick]);
    expect((await q.headerColumns())[0]).toBe('brewed');
    expect(await q.chips()).toEqual([`brewed, year: ${pick} ×`]);
    await q.screenshot('facet-year');

    const notDates = rows.filter((r) => yearOf(r.brewed) === null);
    expect(await q.facet('year', 'nad')).toBe(notDates.length);
    expect(await q.totalChangedFrom(n)).toBe(notDates.length);
    expect(sorted(await q.facetCountsChangedFrom('value', valuesInYear))).toEqual(sorted(byValue(notDates, 'brewed')));
    // a second click lifts the pick: the whole quarantine again
    await q.facet('year', 'nad');
    expect(await q.totalChangedFrom(notDates.length)).toBe(rows.length);
  });

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
