// Reconciliation, computed from the tables (never from counters kept in JavaScript):
// source = success + quarantine + duplicates (+ pending, for a held batch not yet promoted).
// The source is counted apart from the parser: the record scan made while the file was vaulted
// (or Parquet's own row count), kept in ledger.source_counts, so a parser that loses records
// cannot balance the books.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/duckdb.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import type { Reconciliation } from './types.js';

async function tableExists(conn: DuckDBConnection, qualified: string): Promise<boolean> {
  const [schema, name] = qualified.split('.').map((s) => s.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const rows = await queryRows(conn, `SELECT 1 FROM information_schema.tables WHERE table_schema = ${sqlString(schema)} AND table_name = ${sqlString(name)}`);
  return rows.length > 0;
}

const SOURCE_COUNTS = 'ledger.source_counts';

/** Records the independent source count of a run, once, before anything is parsed into tables. */
export async function recordSourceCount(conn: DuckDBConnection, runId: string, records: number, countedBy: string): Promise<void> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ledger; CREATE TABLE IF NOT EXISTS ${SOURCE_COUNTS} (run_id VARCHAR PRIMARY KEY, source_records BIGINT NOT NULL, counted_by VARCHAR NOT NULL)`);
  await conn.run(`INSERT OR REPLACE INTO ${SOURCE_COUNTS} VALUES (${sqlString(runId)}, ${Math.trunc(records)}, ${sqlString(countedBy)})`);
}

/** An undone run leaves nothing behind, its source count included. */
export async function forgetSourceCount(conn: DuckDBConnection, runId: string): Promise<void> {
  if (await tableExists(conn, SOURCE_COUNTS)) await conn.run(`DELETE FROM ${SOURCE_COUNTS} WHERE run_id = ${sqlString(runId)}`);
}

export async function reconcile(conn: DuckDBConnection, runId: string, stage: string, st: StreamTables, rt: RunTables): Promise<Reconciliation> {
  const r = sqlString(runId);
  const hasFast = await tableExists(conn, rt.fast);
  const hasCounts = await tableExists(conn, SOURCE_COUNTS);
  const [row] = await queryRows<Record<string, number>>(conn, `SELECT
    ${hasCounts ? `(SELECT source_records FROM ${SOURCE_COUNTS} WHERE run_id = ${r})` : 'NULL'} AS source,
    (SELECT count(*) FROM ${st.prod} WHERE _airlock_run_id = ${r})
      + (SELECT count(*) FROM ${st.history} WHERE _airlock_run_id = ${r}) AS success,
    (SELECT count(*) FROM ${st.quarantine} WHERE _airlock_run_id = ${r}) AS quarantine,
    (SELECT count(*) FROM ${st.duplicates} WHERE run_id = ${r}) AS duplicates,
    ${hasFast ? `(SELECT count(*) FROM ${rt.fast})` : '0'} AS pending`);
  // No independent count (it was never recorded) cannot balance: source stays -1.
  const out = {
    stage,
    sourceRows: row.source === null || row.source === undefined ? -1 : Number(row.source),
    successRows: Number(row.success),
    quarantineRows: Number(row.quarantine),
    duplicateRows: Number(row.duplicates),
    pendingRows: Number(row.pending),
  };
  return { ...out, ok: out.sourceRows === out.successRows + out.quarantineRows + out.duplicateRows + out.pendingRows };
}

/**
 * After ingest: the staged and malformed records together are ordinals 1..N, each exactly once,
 * where N is the independent source count.
 */
export async function reconcileIngest(conn: DuckDBConnection, rt: RunTables, sourceRecords: number): Promise<{ ok: boolean; records: number; staged: number; maxOrdinal: number; distinct: number }> {
  const [row] = await queryRows<Record<string, number>>(conn, `SELECT count(*) AS n, coalesce(max(id), 0) AS mx, count(DISTINCT id) AS d, min(id) AS mn FROM (
    SELECT _airlock_row_id AS id FROM ${rt.stage} UNION ALL SELECT _airlock_row_id FROM ${rt.malformed})`);
  const n = Number(row.n), mx = Number(row.mx), d = Number(row.d), mn = row.mn === null ? 1 : Number(row.mn);
  return { ok: n === sourceRecords && n === mx && n === d && mn >= 1, records: sourceRecords, staged: n, maxOrdinal: mx, distinct: d };
}
