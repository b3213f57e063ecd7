// Issue 10, "a row whose determinant is the likelier error", end to end through runBatch: a
// misspelt code whose name and topic are exactly those of one established code is quarantined as
// FD_DETERMINANT_SUSPECT, repaired by a value map (proposed, verified, approved, applied with its
// audit), and promoted; a rare legitimate zip where many zips share a city, and a new code with a
// name of its own, pass untouched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { listProposals, ruleOp } from '../../main/remediate/proposalStore.js';
import { describeRule } from '../../main/remediate/rules/describeRule.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: measures
name: measures
version: 1.0.0
schema:
  - name: measures
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: code, logicalType: string, required: true, logicalTypeOptions: {pattern: '[a-z]+(-[a-z]+)?-[0-9a-z]+'}}
      - {name: name, logicalType: string, required: true}
      - {name: topic, logicalType: string, required: true}
      - {name: zip, logicalType: string, required: true, logicalTypeOptions: {pattern: '[0-9]{5}'}}
      - {name: city, logicalType: string, required: true}
    customProperties:
      - property: functionalDependencies
        value:
          - {determinant: [code], dependent: [name, topic]}
          - {determinant: [zip], dependent: [city]}
`;

const MEASURES: Array<[string, string, string]> = [
  ['ami-4', 'aspirin at arrival', 'heart attack'], ['hf-2', 'discharge instructions', 'heart failure'],
  ['pn-3b', 'blood culture first', 'pneumonia'], ['scip-inf-4', 'glucose control', 'surgery'],
];
const TOWNS: Array<[string, string]> = [['12345', 'Springfield'], ['12355', 'Springfield'], ['54321', 'Shelbyville'], ['54331', 'Shelbyville']];

describe('a misspelt determinant is repaired by an audited value map', () => {
  it('quarantines and repairs the typo; a rare legitimate zip and a new code pass untouched', async () => {
    const dir = tempDir('det-typo');
    const contractPath = join(dir, 'measures.odcs.yaml');
    writeFileSync(contractPath, CONTRACT);
    const rows: string[][] = [];
    for (let i = 0; i < 24; i++) {
      const [code, name, topic] = MEASURES[i % MEASURES.length];
      const [zip, city] = TOWNS[i % TOWNS.length];
      rows.push([String(rows.length + 1), code, name, topic, zip, city]);
    }
    rows.push([String(rows.length + 1), 'scip-inx-4', 'glucose control', 'surgery', '12345', 'Springfield']); // 25: typo of scip-inf-4
    rows.push([String(rows.length + 1), 'hf-x', 'smoking advice', 'heart failure', '54321', 'Shelbyville']); // 26: a new code, its own name
    rows.push([String(rows.length + 1), 'ami-4', 'aspirin at arrival', 'heart attack', '12346', 'Springfield']); // 27: a rare zip, legitimate
    const file = writeInput(dir, 'measures.csv', csvText(['id', 'code', 'name', 'topic', 'zip', 'city'], rows));
    const st = streamTables(loadContractFile(contractPath));
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const run = await runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
      expect(run.reconciled).toBe(true);
      const conn = engine.duck.conn;
      // Validation held the typo back for its determinant (the change records the reason it fixed).
      const changes = await queryRows<{ row_id: number; column: string; old_value: string; new_value: string; reason: string; rule: string }>(conn,
        `SELECT row_id, "column", old_value, new_value, reason, rule FROM ${st.changes} WHERE run_id = '${run.runId}' ORDER BY row_id, "column"`);
      expect(changes.map((c) => [Number(c.row_id), c.column, c.old_value, c.new_value, c.reason])).toEqual([[25, 'code', 'scip-inx-4', 'scip-inf-4', 'FD_DETERMINANT_SUSPECT']]);
      // The rule is a value map, one line with its rows, rendered as a sentence and a table.
      const p = listProposals(engine.sqlite, run.runId).find((x) => x.id === changes[0].rule)!;
      expect(p.status).toBe('applied');
      expect(p.proposer).toBe('synth:fd-determinant-typo');
      const op = ruleOp(p.rule);
      expect(op).toEqual({ kind: 'map', column: 'code', match: 'exact', entries: [{ from: 'scip-inx-4', to: 'scip-inf-4', count: 1 }] });
      const d = describeRule(op);
      expect(d.sentence).toMatch(/^Replace 1 value of code by the table below, e\.g\. 'scip-inx-4' → 'scip-inf-4'\.$/);
      expect(d.table?.rows).toEqual([['scip-inx-4', 'scip-inf-4', 1, 'yes']]);
      // Every row is in production; only row 25 changed.
      const prod = await queryRows<{ id: number; code: string; zip: string }>(conn, `SELECT id, code, zip FROM ${st.prod} WHERE id IN (25, 26, 27) ORDER BY id`);
      expect(prod.map((r) => [Number(r.id), r.code, r.zip])).toEqual([[25, 'scip-inf-4', '12345'], [26, 'hf-x', '54321'], [27, 'ami-4', '12346']]);
      const [{ q }] = await queryRows<{ q: number }>(conn, `SELECT count(*) AS q FROM ${st.quarantine} WHERE _airlock_run_id = '${run.runId}'`);
      expect(Number(q)).toBe(0);
      // The audit names the proposal and its verification.
      const proposals = engine.audit.entries(run.runId).filter((e) => e.kind === 'proposal' && (e.payload as { proposer?: string }).proposer === 'synth:fd-determinant-typo');
      expect(proposals.map((e) => (e.payload as { status: string }).status)).toEqual(['verified']);
    } finally {
      engine.close();
    }
  }, 120_000);
});
