// Where a stream's data lives in the workspace's DuckDB database. Production holds typed rows,
// quarantine holds rows exactly as they arrived (text) with their reasons, history keeps every
// production row an upsert replaced (so an interrupted run can be undone), and staging holds one
// run's batch while it is processed.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { UserError } from '../contract/errors.js';
import { sqlIdent } from './duckdb.js';
import { duckType } from '../validate/typedValue.js';

export interface StreamTables {
  prod: string;
  history: string;
  quarantine: string;
  violations: string;
  duplicates: string;
  changes: string;
  /** the audited cell changes in their audit form (pii tokenised) with their Merkle leaves, by chain entry: append-only, undo keeps them */
  auditCells: string;
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
    auditCells: `prod.${sqlIdent(`${t}__audit_cells`)}`,
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

/** Types an existing production column may have for a contract type (numbers were DOUBLE before they kept their digits). */
function compatible(existing: string, wanted: string): boolean {
  return existing === wanted || (wanted === 'VARCHAR' && existing === 'DOUBLE');
}

/**
 * A table belongs to whichever contract created it. A second contract (or a new version) that
 * names the same table with another type for one of its columns would make promotion fail on a
 * conversion (defect C8), so it is refused before a run starts, naming the column and both types.
 */
export async function assertTableFitsContract(conn: DuckDBConnection, contract: Contract): Promise<void> {
  const rows = (await (await conn.runAndReadAll(`SELECT column_name, data_type FROM information_schema.columns
    WHERE table_schema = 'prod' AND table_name = $1`, [contract.table])).getRowObjectsJS()) as Array<{ column_name: string; data_type: string }>;
  if (rows.length === 0) return;
  const have = new Map(rows.map((r) => [String(r.column_name), String(r.data_type)]));
  for (const c of contract.columns) {
    const existing = have.get(c.name);
    const wanted = duckType(c);
    if (existing !== undefined && !compatible(existing, wanted)) {
      throw new UserError(`${contract.sourcePath}:${c.line}: table ${contract.table} already exists in this workspace with column ${JSON.stringify(c.name)} of type ${existing}, `
        + `but contract ${contract.id} declares it ${c.logicalType} (${wanted}). Give this contract its own table (schema[0].name), or use a new workspace.`, contract.sourcePath, c.line);
    }
  }
}

/** Creates the stream's tables if missing, and adds columns an additive contract version brought. */
/** The audited cells (pipeline/auditChanges.ts); also made on first use in a workspace older than it. */
export async function ensureAuditCellsTable(conn: DuckDBConnection, t: StreamTables): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${t.auditCells} (run_id VARCHAR, seq BIGINT, row_id BIGINT, "column" VARCHAR, old_value VARCHAR, new_value VARCHAR, reason VARCHAR, rule VARCHAR, confidence VARCHAR, proposer VARCHAR, ts VARCHAR, leaf VARCHAR)`);
}

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
  await ensureAuditCellsTable(conn, t);
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
