// A row can be held only because of another row: in a dependency group of two that disagree, both
// rows are flagged (no clear majority), and a duplicate key flags every row that shares it. When a
// rule repairs the other row, the held row's violation is gone although nothing in it changed; it
// must then leave quarantine ("a row leaves when its last violation is gone"), and a row that
// still fails, or that was malformed on arrival, must not.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: sites
name: sites
version: 1.0.0
schema:
  - name: sites
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '[0-9]{5}'}}
      - {name: kind, logicalType: string, required: true, quality: [{metric: invalidValues, arguments: {validValues: [clinic, hospital, pharmacy]}}]}
      - {name: code, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [zip], dependent: [kind]}
`;
const HEADER = ['id', 'zip', 'kind', 'code'];

async function run(name: string, rows: string[][]) {
  const dir = tempDir(name);
  const contractPath = join(dir, 'sites.odcs.yaml');
  writeFileSync(contractPath, CONTRACT);
  const st = streamTables(loadContractFile(contractPath));
  const engine = await openEngine(join(dir, 'ws'));
  try {
    const file = writeInput(dir, 'sites.csv', csvText(HEADER, rows));
    const r = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
    const conn = engine.duck.conn;
    // counted here, apart from the run's own summary
    const held = (await queryRows<{ id: string; reasons: string }>(conn,
      `SELECT CAST(id AS VARCHAR) AS id, _airlock_reasons AS reasons FROM ${st.quarantine} WHERE _airlock_run_id = '${r.runId}' ORDER BY _airlock_row_id`));
    const prod = (await queryRows<{ id: string; kind: string }>(conn, `SELECT CAST(id AS VARCHAR) AS id, kind FROM ${st.prod} ORDER BY id`));
    return { r, held, prod };
  } finally {
    engine.close();
  }
}

/** Clean groups, so that every value is known and the contract's closed set has support. */
function clean(from: number, zip: string, kind: string, n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [String(from + i), zip, kind, 'c']);
}

describe('a row held only by its peer leaves quarantine when the peer is repaired', () => {
  it('a two-row group that disagreed only through a fixable value releases its clean row', async () => {
    const rows = [
      ...clean(1, '11111', 'clinic', 4), ...clean(5, '22222', 'hospital', 4),
      ['20', '33333', 'pharmacy', 'c'], // clean, but its group of two has no majority
      ['21', '33333', 'pharmacyy', 'c'], // not in the set: its typo fix makes the group agree
    ];
    const { r, held, prod } = await run('peer-release', rows);
    expect(r.reconciled).toBe(true);
    expect(held).toEqual([]);
    expect(prod.filter((p) => p.id === '20' || p.id === '21')).toEqual([{ id: '20', kind: 'pharmacy' }, { id: '21', kind: 'pharmacy' }]);
  }, 120_000);

  it('a peer that is still held keeps the other row held, and a malformed record never leaves', async () => {
    const rows = [
      ...clean(1, '11111', 'clinic', 4), ...clean(5, '22222', 'hospital', 4),
      ['20', '33333', 'pharmacy', 'c'],
      ['21', '33333', 'clinic', 'c'], // a real disagreement: no rule can tell which is right
      ['30', '44444', 'pharmacy', 'c'],
      ['31', '44444', 'pharmacyy', ''], // fixable kind, but the code is missing: it stays held
      ['32', '66666', 'hospital', ''], // held by its code, and by a group of two that disagreed
      ['33', '66666', 'hospitl', 'c'], // its typo fix ends 32's disagreement (and frees 33)
    ];
    const dirRows = [...rows, ['40', '55555', 'clinic', 'c', 'extra field']];
    const { r, held } = await run('peer-still-held', dirRows);
    expect(r.reconciled).toBe(true);
    const ids = held.map((h) => h.id);
    expect(ids).toEqual(expect.arrayContaining(['20', '21', '31', '32']));
    expect(ids).not.toContain('33');
    // 32 did not change, but the reason its peer caused is gone: only its own remains
    expect(held.find((h) => h.id === '32')?.reasons).toBe('code:REQUIRED_MISSING');
    // 30's group agrees once 31's typo is fixed (31 holds its value, only its code is missing)
    expect(ids).not.toContain('30');
    expect(held.find((h) => h.id === '31')?.reasons).toBe('code:REQUIRED_MISSING');
    // the malformed record (five fields) is still in quarantine: it has no id to show, so count it
    expect(held.length).toBe(5);
  }, 120_000);

  it('a determinant that fails its own check (N/A, a zip with a letter) forms no group with the others that do', async () => {
    const rows = [
      ...clean(1, '11111', 'clinic', 4),
      ['20', 'N/A', 'pharmacy', 'c'], ['21', 'N/A', 'clinic', 'c'], ['22', 'N/A', 'hospital', 'c'],
      ['23', '1111x', 'pharmacy', 'c'], ['24', '1111x', 'clinic', 'c'],
    ];
    const { r, held } = await run('peer-unusable-determinant', rows);
    expect(r.reconciled).toBe(true);
    // each is held for its zip alone: they are not one entity that disagrees about its kind
    expect(held).toEqual(['20', '21', '22', '23', '24'].map((id) => ({ id, reasons: 'zip:PATTERN_MISMATCH' })));
  }, 120_000);
});
