// Rare spellings of a value a categorical text column holds often (case, spacing, a one-letter
// typo) pass every check a contract without a closed set can state. They are held as
// LIKELY_VARIANT and repaired by a value map to the dominant spelling; legitimate rare categories,
// unique free text and enum columns (NOT_IN_SET's business) are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';
import { exportDbt } from '../../main/export/dbt/exportDbt.js';
import { decideProposal, promoteReviewed, proposeManualEdit, reviewState } from '../../main/remediate/review.js';

const contract = (styleProps = '') => `apiVersion: v3.1.0
kind: DataContract
id: beers
name: beers
version: 1.0.0
schema:
  - name: beers
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: name, logicalType: string}
      - {name: style, logicalType: string${styleProps}}
      - name: status
        logicalType: string
        quality:
          - {metric: invalidValues, arguments: {validValues: [active, retired]}}
`;

const STYLES: Array<[string, number]> = [
  ['American IPA', 40], ['American Pale Ale (APA)', 30], ['Munich Helles Lager', 20], ['English Pale Ale', 15],
  // two legitimate styles one letter apart, both well supported
  ['Belgian Dubbel', 8], ['Belgian Dubbels', 6],
  // a rare legitimate style one letter from a frequent one, too short to read as a typo
  ['APA', 2], ['IPA', 12],
];
/** row index → [dirty style, the spelling it came from] */
const VARIANTS: Array<[string, string]> = [
  ['AMERICAN PALE ALE (APA)', 'American Pale Ale (APA)'],
  ['American  IPA', 'American IPA'],
  ['\tAmerican Ipa ', 'American IPA'],
  ['american pale ale (apa)', 'American Pale Ale (APA)'],
  ['Engish Pale Ale', 'English Pale Ale'],
  ['Munich Helles Lagerr', 'Munich Helles Lager'],
];

function table(): { rows: string[][]; truth: Map<number, string> } {
  const rng = seeded(11);
  const styles = STYLES.flatMap(([s, n]) => Array.from({ length: n }, () => s));
  const rows = styles.map((s, i) => [String(i + 1), `Brew ${rng.int(0, 1e6)} ${i}`, s, i % 3 ? 'active' : 'retired']);
  // a name used several times among unique ones, with a case variant: free text is never read for
  // rare spellings, only for its form (an upper-case value among mixed-case ones, re-cased as the
  // column writes each word: 'Summer Ale')
  for (const i of [3, 50, 90, 120]) rows[i][1] = 'Summer Ale';
  rows[130][1] = 'SUMMER ALE';
  const truth = new Map<number, string>();
  VARIANTS.forEach(([dirty, clean], k) => {
    const id = rows.length + 1;
    rows.push([String(id), `Odd ${k}`, dirty, 'active']);
    truth.set(id, clean);
  });
  // an enum column's case variant is NOT_IN_SET's to report and repair
  rows.push([String(rows.length + 1), 'Enum row', 'American IPA', 'Active']);
  return { rows, truth };
}

async function runOn(styleProps: string, approval: 'all' | 'none' = 'all') {
  const { rows, truth } = table();
  const dir = tempDir('variants');
  const contractPath = join(dir, 'c.yaml');
  writeFileSync(contractPath, contract(styleProps));
  const engine = await openEngine(join(dir, 'ws'));
  const run = await runBatch(engine, { file: writeInput(dir, 'b.csv', csvText(['id', 'name', 'style', 'status'], rows)), contractPath, approval: { kind: approval }, remediation: { modelPath: null, embedderDir: null } });
  const st = streamTables(loadContractFile(contractPath));
  return { engine, run, st, rows, truth };
}

describe('variant spellings of a dominant value', () => {
  it('holds case, spacing and one-letter variants as LIKELY_VARIANT and maps them to the dominant spelling, nothing else', async () => {
    const { engine, run, st, rows, truth } = await runOn('');
    try {
      expect(run.reconciled).toBe(true);
      const conn = engine.duck.conn;
      const viol = await queryRows<{ row_id: number; column: string; reason: string; detail: string }>(conn,
        `SELECT row_id, "column", reason, detail FROM ${st.violations} WHERE run_id = '${run.runId}' ORDER BY row_id, "column"`);
      const variantRows = viol.filter((v) => v.reason === 'LIKELY_VARIANT' && v.column === 'style');
      // the one free text variant is the upper-case name, by its form
      expect(viol.filter((v) => v.reason === 'LIKELY_VARIANT' && v.column === 'name').map((v) => [Number(v.row_id), JSON.parse(v.detail).dominant]))
        .toEqual([[131, 'Summer Ale']]);
      expect(variantRows.map((v) => Number(v.row_id)).sort((a, b) => a - b)).toEqual([...truth.keys()]);
      for (const v of variantRows) {
        expect(v.column).toBe('style');
        expect(JSON.parse(v.detail).dominant).toBe(truth.get(Number(v.row_id)));
      }
      // the enum column's variant is reported by its closed set, not as a variant
      const enumRow = rows.length;
      expect(viol.filter((v) => Number(v.row_id) === enumRow).map((v) => v.reason)).toEqual(['NOT_IN_SET']);

      const changes = await queryRows<{ row_id: number; column: string; old_value: string; new_value: string; rule: string }>(conn,
        `SELECT row_id, "column", old_value, new_value, rule FROM ${st.changes} WHERE run_id = '${run.runId}' AND "column" = 'style' ORDER BY row_id`);
      expect(changes.map((c) => [Number(c.row_id), c.new_value])).toEqual([...truth].map(([id, clean]) => [id, clean]));
      // every other style, name and row is as it arrived
      const prod = await queryRows<{ id: number; name: string; style: string }>(conn, `SELECT id, name, style FROM ${st.prod} ORDER BY id`);
      expect(prod.length).toBe(rows.length);
      for (const p of prod) {
        const src = rows[Number(p.id) - 1];
        expect(p.name).toBe(Number(p.id) === 131 ? 'Summer Ale' : src[1]);
        expect(p.style).toBe(truth.get(Number(p.id)) ?? src[2]);
      }
      expect(prod.filter((p) => p.style === 'Belgian Dubbels').length).toBe(6);
      expect(prod.filter((p) => p.style === 'APA').length).toBe(2);
      expect(prod.filter((p) => p.name === 'SUMMER ALE').length).toBe(0);
      expect(prod.filter((p) => p.name === 'Summer Ale').length).toBe(5);
    } finally {
      engine.close();
    }
  }, 180_000);

  it('judges the variants after the run as the run did: a review approves the map, an analyst fixes a cell by hand', async () => {
    const { engine, run, st, truth } = await runOn('', 'none');
    try {
      const conn = engine.duck.conn;
      expect(Object.keys(run.variants ?? {})).toEqual(['name', 'style']);
      const [typo] = await queryRows<{ row_id: number; id: number }>(conn,
        `SELECT _airlock_row_id AS row_id, id FROM ${st.quarantine} WHERE _airlock_run_id = '${run.runId}' AND style = 'Engish Pale Ale'`);
      // the analyst's own value for one cell: verified against the run's LIKELY_VARIANT check
      const manual = await proposeManualEdit(engine, run.runId, 'style', [{ rowId: Number(typo.row_id), value: 'English Pale Ale' }], 'ana');
      expect(manual.status).toBe('verified');
      const maps = reviewState(engine, run.runId).proposals.filter((p) => p.proposer === 'synth:variant-spelling' && p.status === 'verified');
      expect(maps.length).toBeGreaterThan(0);
      for (const m of maps) decideProposal(engine, run.runId, m.id, 'approve', 'ana');
      await promoteReviewed(engine, run.runId);
      const prod = await queryRows<{ id: number; style: string }>(conn, `SELECT id, style FROM ${st.prod} WHERE id IN (${[...truth.keys()].join(', ')}) ORDER BY id`);
      expect(prod.map((r) => [Number(r.id), r.style])).toEqual([...truth]);
    } finally {
      engine.close();
    }
  }, 180_000);

  it("leaves a batch's variants out of the contract a dbt project exports (a later file is read afresh)", async () => {
    const { engine, run } = await runOn('');
    try {
      expect(Object.keys(run.variants ?? {})).toEqual(['name', 'style']);
      const out = join(tempDir('variants-dbt'), 'project');
      await exportDbt(engine, { contractId: 'beers', runId: run.runId, outDir: out });
      const files = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
      const text = files(out).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(text).toContain('NOT_IN_SET');
      expect(text).not.toContain('LIKELY_VARIANT');
    } finally {
      engine.close();
    }
  }, 180_000);

  it('is turned off for a column by customProperties variantCheck: false', async () => {
    const { engine, run, st, truth } = await runOn(', customProperties: [{property: variantCheck, value: false}]');
    try {
      const conn = engine.duck.conn;
      const [n] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${st.violations} WHERE run_id = '${run.runId}' AND reason = 'LIKELY_VARIANT' AND "column" = 'style'`);
      expect(Number(n.n)).toBe(0);
      const held = await queryRows<{ style: string }>(conn, `SELECT style FROM ${st.prod} WHERE id IN (${[...truth.keys()].join(', ')}) ORDER BY id`);
      expect(held.map((r) => r.style)).toEqual(VARIANTS.map(([dirty]) => dirty));
    } finally {
      engine.close();
    }
  }, 180_000);
});
