// Reconciliation, computed from the tables (never from counters kept in JavaScript):
// source = success + quarantine + duplicates (+ pending, for a held batch not yet promoted).
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/duckdb.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import type { Reconciliation } from './types.js';

async function tableExists(conn: DuckDBConnection, qualified: string): Promise<boolean> {
  const [schema, name] = qualified.split('.').map((s) => s.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const rows = await queryRows(conn, `SELECT 1 FROM information_schema.tables WHERE table_schema = ${sqlString(schema)} AND table_name = ${sqlString(name)}`);
  return rows.length > 0;
}

export async function reconcile(conn: DuckDBConnection, runId: string, stage: string, st: StreamTables, rt: RunTables): Promise<Reconciliation> {
  const r = sqlString(runId);
  const hasStage = await tableExists(conn, rt.stage);
  const hasFast = await tableExists(conn, rt.fast);
  const [row] = await queryRows<Record<string, number>>(conn, `SELECT
    ${hasStage ? `(SELECT count(*) FROM ${rt.stage}) + (SELECT count(*) FROM ${rt.malformed})` : '0'} AS source,
    (SELECT count(*) FROM ${st.prod} WHERE _airlock_run_id = ${r})
      + (SELECT count(*) FROM ${st.history} WHERE _airlock_run_id = ${r}) AS success,
    (SELECT count(*) FROM ${st.quarantine} WHERE _airlock_run_id = ${r}) AS quarantine,
    (SELECT count(*) FROM ${st.duplicates} WHERE run_id = ${r}) AS duplicates,
    ${hasFast ? `(SELECT count(*) FROM ${rt.fast})` : '0'} AS pending`);
  const out = {
    stage,
    sourceRows: Number(row.source),
    successRows: Number(row.success),
    quarantineRows: Number(row.quarantine),
    duplicateRows: Number(row.duplicates),
    pendingRows: Number(row.pending),
  };
  return { ...out, ok: out.sourceRows === out.successRows + out.quarantineRows + out.duplicateRows + out.pendingRows };
}

/** After ingest: ordinals 1..N, each exactly once, across the staged and malformed records. */
export async function reconcileIngest(conn: DuckDBConnection, rt: RunTables): Promise<{ ok: boolean; records: number; maxOrdinal: number; distinct: number }> {
  const [row] = await queryRows<Record<string, number>>(conn, `SELECT count(*) AS n, coalesce(max(id), 0) AS mx, count(DISTINCT id) AS d FROM (
    SELECT _airlock_row_id AS id FROM ${rt.stage} UNION ALL SELECT _airlock_row_id FROM ${rt.malformed})`);
  const n = Number(row.n), mx = Number(row.mx), d = Number(row.d);
  return { ok: n === mx && n === d, records: n, maxOrdinal: mx, distinct: d };
}
