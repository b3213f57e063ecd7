// Do no harm, judged again after a revert. Found by an adversarial review: a row reverted because
// its change broke its own check had been counted, at its new value, when the other rows of its
// key group were judged, so a row could leave quarantine with a key the reverted row still holds.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { applyApproved } from '../../main/remediate/apply.js';
import type { StoredProposal } from '../../main/remediate/proposalStore.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: keyed
name: keyed
version: 1.0.0
schema:
  - name: keyed
    properties:
      - {name: n, logicalType: integer, required: true}
      - {name: id, logicalType: integer, unique: true, required: true, logicalTypeOptions: {maximum: 100}}
      - {name: email, logicalType: string, required: true, logicalTypeOptions: {pattern: '[a-z]+@[a-z]+\\.org'}}
`;

function proposal(runId: string, n: number, set: Record<string, string>): StoredProposal {
  return {
    id: `${runId}:test:${n}`, runId, clusterId: 'test', column: Object.keys(set)[0], proposer: 'synth:test', confidence: 1, status: 'approved',
    rule: { op: { kind: 'expression', set }, set, confidence: 1, reasoning: 'test', patternType: 'test', proposer: 'synth:test' },
    sandboxReason: null, coverage: null, fixedRows: null, clusterRows: null, decidedBy: 'test', decidedAt: null, createdAt: '',
  };
}

describe('a revert is followed by judging every changed row again', () => {
  it('a row whose key was freed only by a reverted change stays in quarantine', async () => {
    const dir = tempDir('revert');
    const contractPath = join(dir, 'c.yaml');
    writeFileSync(contractPath, CONTRACT);
    const rows = [['1', '1', 'ann@x.org'], ['2', '2', 'bob@x.org'], ['3', '7', 'CY@x.org'], ['4', '7', 'DEE@x.org']];
    const engine = await openEngine(join(dir, 'ws'));
    try {
      const run = await runBatch(engine, { file: writeInput(dir, 'k.csv', csvText(['n', 'id', 'email'], rows)), contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
      const contract = loadContractFile(contractPath);
      const s = { contract, runId: run.runId, st: streamTables(contract), rt: runTables(run.runId) };
      // R1 fixes e-mails and moves row 3's id out of range (harm: row 3 is reverted); R2 fixes row
      // 4's e-mail, whose only other failure, the duplicate id 7, R1 seemed to remove.
      const res = await applyApproved(engine, s, [
        proposal(run.runId, 1, { email: 'lower(email)', id: `CASE WHEN n = '3' THEN '999' ELSE id END` }),
        proposal(run.runId, 2, { email: 'lower(email)' }),
      ]);
      expect(res.reconciliation.ok).toBe(true);
      expect(res.reverted).toBeGreaterThanOrEqual(1);
      const prod = await queryRows<{ id: number }>(engine.duck.conn, `SELECT id FROM ${s.st.prod} ORDER BY id`);
      expect(prod.map((r) => Number(r.id))).toEqual([1, 2]);
      const held = await queryRows<{ n: string; id: string; email: string }>(engine.duck.conn, `SELECT n, id, email FROM ${s.st.quarantine} ORDER BY n`);
      expect(held.map((r) => [r.n, r.id])).toEqual([['3', '7'], ['4', '7']]);
    } finally {
      engine.close();
    }
  }, 120_000);
});
