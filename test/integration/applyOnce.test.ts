// One application of the approved rules changes a cell at most once. Each rule reaches every
// failing cell of its column, not only its cluster's, so without this a later rule re-read a cell
// an earlier rule had already fixed: '0,065' became '0.065' under one decimal-comma rule, and a
// second such rule read '0.065' as sixty-five thousandths grouped by a dot, wrote 65, and the
// harm guard then reverted the whole row, the right fix with it.
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
id: drinks
name: drinks
version: 1.0.0
schema:
  - name: drinks
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: abv, logicalType: number, logicalTypeOptions: {minimum: 0, maximum: 1}, description: 'alcohol by volume as a fraction'}
`;

describe('a cell takes at most one rule per application', () => {
  it('two decimal-comma clusters of one column both land, neither undoes the other', async () => {
    const dir = tempDir('apply-once');
    const contractPath = join(dir, 'drinks.odcs.yaml');
    writeFileSync(contractPath, CONTRACT);
    const valid = ['0.05', '0.055', '0.06', '0.065', '0.052', '0.045', '0.07', '0.048', '0.099', '0.042', '0.085', '0.04'];
    const comma = ['0,065', '0,055', '0,057', '0,072', '0,049', '0,063'];
    const plus = ['+0,05', '+0,046', '+0,042', '+0,045', '+0,08', '+0,092'];
    const all = [...valid, ...valid, ...comma, ...plus];
    const rows = all.map((v, i) => [String(i + 1), v]);
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const file = writeInput(dir, 'drinks.csv', csvText(['id', 'abv'], rows));
      const r = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(r.reconciled).toBe(true);
      const st = streamTables(loadContractFile(contractPath));
      const prod = await queryRows<{ id: string; abv: string }>(engine.duck.conn, `SELECT CAST(id AS VARCHAR) AS id, CAST(abv AS VARCHAR) AS abv FROM ${st.prod} ORDER BY id`);
      const got = new Map(prod.map((p) => [Number(p.id), Number(p.abv)]));
      const want = (v: string) => Number(v.replace('+', '').replace(',', '.'));
      all.forEach((v, i) => expect(got.get(i + 1), `row ${i + 1} '${v}'`).toBe(want(v)));
    } finally {
      engine.close();
    }
  }, 120_000);
});
