// A10 (remediation half): verification refuses a rule that passes every check but destroys the
// data: one constant written into many distinct values (every date became 'yyyy-MM-dd'), or
// values shaped like nothing the column's valid rows hold, unless the proposer brings evidence.
// Synthetic proposals, as a model could make them, are verified on generated batches.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { listClusters } from '../../main/remediate/proposalStore.js';
import { acceptable, createWorkingCopy, verifyRule } from '../../main/remediate/verify.js';
import { runTables, streamTables } from '../../main/store/tables.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

// The pattern admits the literal 'yyyy-MM-dd', as a misread date format did.
const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: days
name: days
version: 1.0.0
schema:
  - name: days
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: day, logicalType: string, logicalTypeOptions: {pattern: '[0-9A-Za-z]{4}-[0-9A-Za-z]{2}-[0-9A-Za-z]{2}'}}
`;

const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

const iso = (rand: () => number) => new Date(Date.UTC(1990 + Math.floor(rand() * 40), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28))).toISOString().slice(0, 10);

describe('the harm guard in verification (A10)', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: a constant over many dates and an unseen shape are refused; the real fix and evidence-backed rules are not`, async () => {
      const rand = seededRandom(seed);
      const nValid = 20 + Math.floor(rand() * 60), nBad = 5 + Math.floor(rand() * 45);
      const rows: string[][] = [];
      for (let i = 0; i < nValid; i++) rows.push([String(i + 1), iso(rand)]);
      for (let i = 0; i < nBad; i++) rows.push([String(nValid + i + 1), iso(rand).replace(/-/g, '/')]);
      const dir = tempDir('harm');
      const engine = await openEngine(join(dir, 'ws'));
      engines.push(engine);
      const cpath = writeInput(dir, 'days.odcs.yaml', CONTRACT);
      const summary = await runBatch(engine, { file: writeInput(dir, 'days.csv', csvText(['id', 'day'], rows)), contractPath: cpath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
      const contract = parseContract(CONTRACT, cpath);
      const s = { contract, runId: summary.runId, st: streamTables(contract), rt: runTables(summary.runId) };
      const cluster = listClusters(engine.sqlite, summary.runId).find((c) => c.column === 'day')!;
      expect(cluster).toBeDefined();
      const conn = engine.duck.conn;
      const work = await createWorkingCopy(conn, s, '_harm_work');
      const verify = (expr: string, proposer: string) => verifyRule(conn, s, work, cluster.id, 'day', { day: expr }, undefined, false, undefined, proposer);

      const constant = await verify("'yyyy-MM-dd'", 'llm:model.gguf');
      expect(constant.cellsFixed).toBe(cluster.size); // it passes every check...
      expect(constant.regressions).toBe(0);
      expect(constant.harm).toBeDefined(); // ...and is refused all the same
      expect(acceptable(constant)).toBe(false);

      const unseen = await verify("'ab' || substr(replace(day, '/', '-'), 3)", 'synth:date-format');
      expect(unseen.cellsFixed).toBe(cluster.size);
      expect(unseen.harm).toMatch(/shaped like no valid value/);
      expect(acceptable(unseen)).toBe(false);

      // A date-shaped constant no valid row holds, over more than two distinct values: refused.
      const dateConstant = await verify("'1899-12-31'", 'llm:model.gguf');
      const distinct = new Set(rows.slice(nValid).map((r) => r[1])).size;
      expect(dateConstant.harm !== undefined, `${distinct} distinct values`).toBe(distinct > 2);

      const real = await verify("replace(day, '/', '-')", 'llm:model.gguf');
      expect(real.harm).toBeUndefined();
      expect(acceptable(real)).toBe(true);

      // A dependency group's agreed value is evidence for writing one value into many cells.
      const agreed = await verify("'2000-01-01'", 'synth:fd-agreed-value');
      expect(agreed.harm).toBeUndefined();
      await conn.run(`DROP TABLE ${work}`);
    }, 60_000);
  }
});
