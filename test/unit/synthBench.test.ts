// The strategies end to end on the two public benchmark tables: failing values are grouped per
// column by shape (a stand-in for the clusterer), the best candidate of each group is applied in
// DuckDB, and every changed cell is compared with clean.csv (read here only, to score).
import { loadContractFile } from '../../main/contract/load.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ColumnSpec } from '../../main/contract/types.js';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { synthesizeValueRules } from '../../main/remediate/synth/index.js';
import { shapeOf } from '../../main/remediate/synth/common.js';
import { valueValidSql } from '../../main/remediate/valueChecks.js';
import { queryRows, sqlString } from '../../main/store/duckdb.js';
import { SHARED } from '../helpers/tmp.js';
import { apply, ctx, disallowedFunctions, openDb, readBench, ruleText, synthInput } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

/** The contract's columns, through the real loader. */
function columnsOf(contractPath: string): ColumnSpec[] {
  return loadContractFile(contractPath).columns;
}

function same(a: string, b: string): boolean {
  a = a.trim(); b = b.trim();
  if (a === b) return true;
  const x = Number(a), y = Number(b);
  return a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

interface Score { changed: number; correct: number; wrong: Array<[string, string, string]> }

async function run(table: string): Promise<Map<string, Score>> {
  const cols = columnsOf(join(SHARED, 'bench', table, 'contract.odcs.yaml'));
  const dirty = readBench(join(SHARED, 'bench', table, 'dirty.csv'));
  const clean = readBench(join(SHARED, 'bench', table, 'clean.csv'));
  const truth = new Map(clean.rows.map((r) => [r[0], r]));
  const scores = new Map<string, Score>();
  for (const [j, col] of cols.entries()) {
    if (col.logicalType === 'date' || col.logicalType === 'timestamp') continue;
    const cells = dirty.rows.map((r) => r[j]);
    // Which cells fail the column's own checks, asked of DuckDB.
    const distinct = [...new Set(cells)];
    const ok = new Set((await queryRows<{ v: string }>(db.conn, `SELECT v FROM (VALUES ${distinct.map((v) => `(${sqlString(v)})`).join(', ')}) t(v) WHERE ${valueValidSql(col, 'v')}`)).map((r) => r.v));
    const failing = (v: string) => v !== '' && !col.missingTokens.includes(v) && !ok.has(v);
    // The column's most common passing values with their row counts, as the engine samples them
    // (remediate.ts validSampleOf: top 200 by count); strategies weigh a value against them.
    const validCounts = new Map<string, number>();
    for (const v of cells) if (v !== '' && !failing(v) && !col.missingTokens.includes(v)) validCounts.set(v, (validCounts.get(v) ?? 0) + 1);
    const validSample = [...validCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 200).map(([value, count]) => ({ value, count }));
    // one cluster per value shape, values with their row counts
    const groups = new Map<string, Map<string, number>>();
    for (const v of cells.filter(failing)) {
      const g = groups.get(shapeOf(v)) ?? new Map<string, number>();
      g.set(v, (g.get(v) ?? 0) + 1);
      groups.set(shapeOf(v), g);
    }
    const score: Score = { changed: 0, correct: 0, wrong: [] };
    for (const g of groups.values()) {
      const [best] = await synthesizeValueRules(db.conn, synthInput(col, [...g]), { ...ctx(), validSample });
      if (!best) continue;
      expect(disallowedFunctions(ruleText(best))).toEqual([]);
      const rows = dirty.rows.filter((r) => g.has(r[j]));
      const out = await apply(db, col.name, best, rows.map((r) => r[j]));
      rows.forEach((r, i) => {
        if (out[i] === r[j]) return;
        score.changed++;
        const t = truth.get(r[0])![j];
        if (same(out[i] ?? '', t)) score.correct++;
        else score.wrong.push([r[j], out[i] ?? 'NULL', t]);
      });
    }
    if (score.changed) scores.set(col.name, score);
  }
  return scores;
}

function total(scores: Map<string, Score>): Score {
  const t: Score = { changed: 0, correct: 0, wrong: [] };
  for (const s of scores.values()) { t.changed += s.changed; t.correct += s.correct; t.wrong.push(...s.wrong); }
  return t;
}

describe('value strategies on the public benchmarks', () => {
  it('beers: units and percent signs repaired with precision ≥ 0.98', async () => {
    const scores = await run('beers');
    const t = total(scores);
    expect(t.wrong).toEqual([]);
    expect(t.correct / t.changed).toBeGreaterThanOrEqual(0.98);
    // every ounces cell carries a unit; every '%' abv has the valid magnitude already
    expect(scores.get('ounces')?.correct).toBe(2410);
    expect(scores.get('abv')?.correct).toBeGreaterThanOrEqual(600);
  });

  it('hospital: x-typos repaired only where unambiguous, precision ≥ 0.98', async () => {
    const scores = await run('hospital');
    const t = total(scores);
    expect(t.correct / t.changed).toBeGreaterThanOrEqual(0.98);
    expect(scores.get('emergency_service')?.correct).toBeGreaterThanOrEqual(25);
    expect(scores.get('type')?.correct).toBeGreaterThanOrEqual(30);
    expect(t.correct).toBeGreaterThanOrEqual(100);
  });
});
