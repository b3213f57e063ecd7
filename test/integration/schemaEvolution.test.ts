// Schema evolution. Under `schemaEvolution: additive` a file with a new trailing column runs to
// completion and the stream gets a new contract version (a row in contract_versions) with the
// column; under `strict`, or when the new column is not trailing, the same kind of file halts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { count, csvText, PEOPLE_HEADER, peopleContract, peopleRows, tableExists, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const rows = peopleRows(1, 8);
const withEmail = (header: string[], at: number) => ({
  header: [...header.slice(0, at), 'email', ...header.slice(at)],
  rows: rows.map((r) => [...r.slice(0, at), `p${r[0]}@example.com`, ...r.slice(at)]),
});

async function runOnce(evolution: 'strict' | 'additive', header: string[], data: string[][]): Promise<{ engine: Engine; summary: RunSummary }> {
  const dir = tempDir('evolution');
  const contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract({ schemaEvolution: evolution }));
  const file = writeInput(dir, 'people.csv', csvText(header, data));
  const engine = await openEngine(join(dir, 'ws'));
  const summary = await runBatch(engine, { file, contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
  return { engine, summary };
}

describe('schemaEvolution: additive', () => {
  it('a new trailing column: the run completes and a new contract version is recorded', async () => {
    const f = withEmail(PEOPLE_HEADER, PEOPLE_HEADER.length);
    const { engine, summary } = await runOnce('additive', f.header, f.rows);
    try {
      expect(summary.status).toBe('completed');
      expect(summary).toMatchObject({ reconciled: true, sourceRows: rows.length, successRows: rows.length });
      expect(summary.contract.version).toBe('1.1.0');
      const versions = engine.sqlite.prepare('SELECT version, origin, signature, columns_json FROM contract_versions WHERE contract_id = ? ORDER BY created_at, rowid').all('people') as
        { version: string; origin: string; signature: string; columns_json: string }[];
      expect(versions.map((v) => [v.version, v.origin])).toEqual([['1.0.0', 'loaded'], ['1.1.0', 'additive-evolution']]);
      expect(JSON.parse(versions[1].columns_json).map((c: { name: string }) => c.name)).toEqual(f.header);
      expect(versions[1].signature).toBe(summary.contract.signature);
      expect(versions[1].signature).not.toBe(versions[0].signature);
      const drift = engine.audit.entries(summary.runId).filter((e) => e.kind === 'drift');
      expect(drift.map((e) => e.payload.decision)).toEqual(['additive']);
      // the new column's values reach production
      expect(await count(engine, `SELECT count(*) FROM prod.people WHERE email = 'p' || CAST(id AS VARCHAR) || '@example.com'`)).toBe(rows.length);
    } finally {
      engine.close();
    }
  });

  it('a new column that is not trailing halts the stream', async () => {
    const f = withEmail(PEOPLE_HEADER, 1);
    const { engine, summary } = await runOnce('additive', f.header, f.rows);
    try {
      expect(summary.status).toBe('halted');
      expect(engine.sqlite.prepare(`SELECT count(*) AS n FROM contract_versions WHERE origin = 'additive-evolution'`).get()).toEqual({ n: 0 });
      if (await tableExists(engine, 'prod', 'people')) expect(await count(engine, 'SELECT count(*) FROM prod.people')).toBe(0);
    } finally {
      engine.close();
    }
  });
});

describe('schemaEvolution: strict', () => {
  it('the same new trailing column halts the stream: no new version, nothing promoted', async () => {
    const f = withEmail(PEOPLE_HEADER, PEOPLE_HEADER.length);
    const { engine, summary } = await runOnce('strict', f.header, f.rows);
    try {
      expect(summary.status).toBe('halted');
      expect(summary.drift?.changes.map((c) => [c.kind, c.column])).toEqual([['added', 'email']]);
      expect(engine.sqlite.prepare(`SELECT count(*) AS n FROM contract_versions WHERE origin = 'additive-evolution'`).get()).toEqual({ n: 0 });
      expect(engine.sqlite.prepare(`SELECT code FROM alerts WHERE run_id = ?`).all(summary.runId)).toEqual([{ code: 'SCHEMA_DRIFT' }]);
      if (await tableExists(engine, 'prod', 'people')) expect(await count(engine, 'SELECT count(*) FROM prod.people')).toBe(0);
    } finally {
      engine.close();
    }
  });
});
