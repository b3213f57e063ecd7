// The number and date facets over a real run of a file of hostile cells, through the handler
// table (the API's input checks included): blanks, 'NaN', '1e309', '-0', digit separators,
// impossible and five-digit-year dates, numbers at both ends of the double range. The expected
// counts are read by hand here from the cells the grid shows, never from the facet SQL; every
// entry the facets offer can be picked and narrows the grid to exactly its count.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, ColumnFacets, QuarantineFilter } from '../../main/api/contract.js';
import { tempDir } from '../helpers/tmp.js';

// Every v fails the pattern (and an empty one fails required), so every row is in quarantine.
const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: hostile-facets
name: hostile
version: 1.0.0
schema:
  - name: hostile
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: v, logicalType: string, required: true, logicalTypeOptions: {pattern: 'never-[0-9]{40}'}}
`;

/** The cells of v as the CSV writes them (quoted where blanks would otherwise be lost). */
const CELLS = ['', '"   "', 'NaN', 'nan', 'inf', '-Infinity', '1e309', '-1e309', '1_000', '0x10', '"1,5"', '12abc',
  '-0', '0', '" 12 "', '+3', '.5', '1e5', '-1.7976931348623157e308', '1.7976931348623157e308', '1e308',
  '2024-02-30', '2023-02-29', '2024-13-01', '99999-01-01', '0000-01-01', '2024-02-29', '1999-07-04', '31/12/2019', '2019-12-31'];

// By hand: a plain decimal (optional sign, fraction, exponent) that is a finite double.
const numberOf = (v: string | null): number | null => (v !== null && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) && Number.isFinite(Number(v)) ? Number(v) : null);
// By hand: yyyy-mm-dd or dd/mm/yyyy naming a day of a year 1..9999.
function yearOf(v: string | null): number | null {
  const m = v === null ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim()) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v.trim());
  if (!m) return null;
  const [y, mo, d] = m[1].length === 4 ? [+m[1], +m[2], +m[3]] : [+m[3], +m[2], +m[1]];
  const date = new Date(Date.UTC(y, mo - 1, d));
  date.setUTCFullYear(y);
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? y : null;
}

let h: Handlers;
let runId: string;
let cells: (string | null)[];

function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const facets = async (filter: QuarantineFilter): Promise<ColumnFacets> => value(await h.table.columnFacets({ runId, filter }));
const total = async (filter: QuarantineFilter): Promise<number> => value(await h.table.quarantinePage({ runId, offset: 0, limit: 1, filter })).total;

beforeAll(async () => {
  const dir = tempDir('facets-hostile');
  const file = join(dir, 'hostile.csv');
  writeFileSync(file, `id,v\n${CELLS.map((c, i) => `${i + 1},${c}`).join('\n')}\n`);
  const contractPath = join(dir, 'hostile.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  h = createHandlers({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'models'), analyst: 'unit-analyst', version: 'test', emit: () => undefined });
  runId = value(await h.table.runFile({ file, contractPath, approval: { kind: 'none' }, useModels: false })).runId;
  const page = value(await h.table.quarantinePage({ runId, offset: 0, limit: 1000, filter: {} }));
  cells = page.rows.map((r) => r.values[page.columns.indexOf('v')]);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('number and date facets of a run of hostile cells', () => {
  it('holds every row in quarantine, the hostile text as written', () => {
    expect(cells).toHaveLength(CELLS.length);
    for (const text of ['NaN', '1e309', '1_000', '-0', '2024-02-30', '99999-01-01']) expect(cells).toContain(text);
  });

  it('counts numbers and years as read by hand, each bucket and year the grid total of its pick', async () => {
    const f = await facets({ field: 'v' });
    const nums = cells.map(numberOf).filter((x): x is number => x !== null);
    expect(f.notNumbers).toBe(cells.length - nums.length);
    expect(f.numbers).toMatchObject({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
    expect(f.numbers!.buckets.reduce((a, b) => a + b.count, 0)).toBe(nums.length);
    for (const b of f.numbers!.buckets) {
      expect(Number.isFinite(b.from) && Number.isFinite(b.to)).toBe(true);
      expect(await total({ field: 'v', numberRange: { min: f.numbers!.min, max: f.numbers!.max, bucket: b.bucket } })).toBe(b.count);
    }
    expect(await total({ field: 'v', numberRange: null })).toBe(f.notNumbers);

    const years = new Map<number, number>();
    for (const y of cells.map(yearOf)) if (y !== null) years.set(y, (years.get(y) ?? 0) + 1);
    expect(new Map(f.years.map((y) => [y.year, y.count]))).toEqual(years);
    expect(f.notDates).toBe(cells.length - [...years.values()].reduce((a, b) => a + b, 0));
    for (const y of f.years) expect(await total({ field: 'v', year: y.year })).toBe(y.count);
    expect(await total({ field: 'v', year: null })).toBe(f.notDates);
  });

  it('counts the year facet within a number pick and the number facet within a year pick', async () => {
    // Not a number and 2024: the dates of 2024 (none of which reads as a number).
    const f = await facets({ field: 'v', numberRange: null, year: 2024 });
    const notNum = cells.filter((c) => numberOf(c) === null);
    const in2024 = cells.filter((c) => yearOf(c) === 2024);
    expect(new Map(f.years.map((y) => [y.year, y.count]))).toEqual(new Map([...new Set(notNum.map(yearOf))].filter((y): y is number => y !== null).map((y) => [y, notNum.filter((c) => yearOf(c) === y).length])));
    expect(f.notNumbers).toBe(in2024.filter((c) => numberOf(c) === null).length);
    expect(f.numbers).toBeNull();
    expect(await total({ field: 'v', numberRange: null, year: 2024 })).toBe(in2024.length);
  });
});
