// A workspace with one contract for a test's batches: run a file, read production and
// quarantine as text keyed by id, count a proposer's applied rules, and check that every source
// row is in exactly one of the two.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { loadContractFile } from '../../main/contract/load.js';
import { streamTables } from '../../main/store/tables.js';
import { queryRows } from '../../main/store/duckdb.js';
import { listProposals } from '../../main/remediate/proposalStore.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { csvText, writeInput } from './fixtures.js';
import { tempDir } from './tmp.js';

export interface Session {
  engine: Engine;
  dir: string;
  contractPath: string;
  run(name: string, header: string[], rows: string[][]): Promise<RunSummary>;
  /** production rows as text, keyed by id */
  prod(cols: string[]): Promise<Map<string, Record<string, string | null>>>;
  held(cols: string[]): Promise<Map<string, Record<string, string | null>>>;
  applied(runId: string, proposer: string): number;
}

export async function session(prefix: string, contract: string, fn: (s: Session) => Promise<void>): Promise<void> {
  const dir = tempDir(prefix);
  const contractPath = join(dir, 'c.yaml');
  writeFileSync(contractPath, contract);
  const engine = await openEngine(join(dir, 'ws'));
  const st = streamTables(loadContractFile(contractPath));
  const read = async (table: string, cols: string[], where = 'TRUE') => {
    const rows = await queryRows<Record<string, unknown>>(engine.duck.conn,
      `SELECT CAST(id AS VARCHAR) AS id, ${cols.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ')} FROM ${table} WHERE ${where}`);
    return new Map(rows.map((r) => [String(r.id), Object.fromEntries(cols.map((c) => [c, r[c] === null ? null : String(r[c])]))]));
  };
  const s: Session = {
    engine, dir, contractPath,
    run: (name, header, rows) => runBatch(engine, { file: writeInput(dir, name, csvText(header, rows)), contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } }),
    prod: (cols) => read(st.prod, cols),
    held: (cols) => read(st.quarantine, cols),
    applied: (runId, proposer) => listProposals(engine.sqlite, runId).filter((p) => p.rule.proposer === proposer && p.status === 'applied').length,
  };
  try {
    await fn(s);
  } finally {
    if (process.env.ADV_DEBUG) {
      console.log(prefix, JSON.stringify(await queryRows(engine.duck.conn, `SELECT run_id, row_id, "column", old_value, new_value, proposer FROM ${st.changes} ORDER BY run_id, row_id`)));
    }
    engine.close();
  }
}

/** Every source row is in production or in quarantine, once. */
export async function noLoss(s: Session, ids: string[]): Promise<void> {
  const prod = await s.prod([]);
  const held = await s.held([]);
  const missing = ids.filter((id) => !prod.has(id) && !held.has(id));
  const twice = ids.filter((id) => prod.has(id) && held.has(id));
  expect({ missing, twice }).toEqual({ missing: [], twice: [] });
}
