// Where a stream's data lives in the workspace's DuckDB database. Production holds typed rows,
// quarantine holds rows exactly as they arrived (text) with their reasons, history keeps every
// production row an upsert replaced (so an interrupted run can be undone), and staging holds one
// run's batch while it is processed.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { sqlIdent } from './duckdb.js';
import { duckType } from '../validate/typedValue.js';

export interface StreamTables {
  prod: string;
  history: string;
  quarantine: string;
  violations: string;
  duplicates: string;
  changes: string;
}

export interface RunTables {
  stage: string;
  malformed: string;
  /** rows routed to the fast lane and waiting for promotion (a held batch keeps them here) */
  fast: string;
}

export function streamTables(contract: Contract): StreamTables {
  const t = contract.table;
  return {
    prod: `prod.${sqlIdent(t)}`,
    history: `prod.${sqlIdent(`${t}__history`)}`,
    quarantine: `quarantine.${sqlIdent(t)}`,
    violations: `quarantine.${sqlIdent(`${t}__violations`)}`,
    duplicates: `quarantine.${sqlIdent(`${t}__duplicates`)}`,
    changes: `prod.${sqlIdent(`${t}__changes`)}`,
  };
}

export function runTables(runId: string): RunTables {
  const safe = runId.replace(/[^A-Za-z0-9_]/g, '_');
  return {
    stage: `staging.${sqlIdent(`${safe}__stage`)}`,
    malformed: `staging.${sqlIdent(`${safe}__malformed`)}`,
    fast: `staging.${sqlIdent(`${safe}__fast`)}`,
  };
}

/** Creates the stream's tables if missing, and adds columns an additive contract version brought. */
export async function ensureStreamTables(conn: DuckDBConnection, contract: Contract): Promise<StreamTables> {
  await conn.run('CREATE SCHEMA IF NOT EXISTS prod; CREATE SCHEMA IF NOT EXISTS quarantine; CREATE SCHEMA IF NOT EXISTS staging;');
  const t = streamTables(contract);
  const typed = contract.columns.map((c) => `${sqlIdent(c.name)} ${duckType(c)}`).join(', ');
  const text = contract.columns.map((c) => `${sqlIdent(c.name)} VARCHAR`).join(', ');
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.prod} (${typed}, _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_row_hash VARCHAR)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.history} (${typed}, _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_row_hash VARCHAR, _airlock_superseded_by VARCHAR)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.quarantine} (${text}, _airlock_row_id BIGINT, _airlock_run_id VARCHAR, _airlock_reasons VARCHAR, _airlock_raw_line VARCHAR)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.violations} (run_id VARCHAR, row_id BIGINT, "column" VARCHAR, reason VARCHAR, rule VARCHAR, detail VARCHAR)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.duplicates} (run_id VARCHAR, row_id BIGINT, row_hash VARCHAR, first_run_id VARCHAR, first_row_id BIGINT)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.changes} (run_id VARCHAR, row_id BIGINT, "column" VARCHAR, old_value VARCHAR, new_value VARCHAR, reason VARCHAR, rule VARCHAR, confidence DOUBLE, proposer VARCHAR, ts VARCHAR)`);
  // Where a malformed record's bytes are in the vault, and its line (added to older workspaces).
  const qCols = new Set((await (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${t.quarantine})`)).getRowObjectsJS()).map((r) => String(r.column_name)));
  for (const c of ['_airlock_raw_offset', '_airlock_raw_length', '_airlock_raw_lineno']) {
    if (!qCols.has(c)) await conn.run(`ALTER TABLE ${t.quarantine} ADD COLUMN ${c} BIGINT`);
  }
  // Additive evolution: columns the table does not have yet are added (NULL for older rows).
  for (const [table, typedCols] of [[t.prod, true], [t.history, true], [t.quarantine, false]] as const) {
    const existing = new Set((await (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${table})`)).getRowObjectsJS()).map((r) => String(r.column_name)));
    for (const c of contract.columns) {
      if (!existing.has(c.name)) await conn.run(`ALTER TABLE ${table} ADD COLUMN ${sqlIdent(c.name)} ${typedCols ? duckType(c) : 'VARCHAR'}`);
    }
  }
  return t;
}
