// Promotion: rows (as text) are cast to the contract's types and upserted into production by
// primary key. A production row that an upsert replaces moves to history first, so every
// promotion can be undone, and the caller's transaction makes it all-or-nothing.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSpec, Contract } from '../contract/types.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import type { StreamTables } from '../store/tables.js';
import { castSql, sameKeySql } from '../validate/typedValue.js';

/** The cluster cells table of the stream (written by remediation; named here to undo it). */
function clusterCellsTable(st: StreamTables): string {
  return st.violations.replace(/__violations"$/, '__clusters"');
}

/**
 * The value production stores for the text `v` of a row being promoted: missing-value tokens of
 * optional columns are no value (the normalisation was audited at ingest; a quarantined row keeps
 * its token until it is promoted), then the contract's cast. The dbt export's clean model uses it too.
 */
export function promotedValueSql(c: ColumnSpec, v: string): string {
  return castSql(c, missingAsNullSql(c, v));
}

/** The text `v` with an optional column's missing-value tokens and blank text read as no value. */
export function missingAsNullSql(c: ColumnSpec, v: string): string {
  const tokens = c.required ? [] : c.missingTokens.filter((t) => t !== '');
  return tokens.length ? `CASE WHEN ${v} IN (${tokens.map(sqlString).join(', ')}) OR trim(${v}) = '' THEN NULL ELSE ${v} END` : v;
}

/** Upserts `source` (text columns + _airlock_row_id + _airlock_row_hash) for `runId`. Returns rows written. */
export async function upsertIntoProduction(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, source: string): Promise<number> {
  const r = sqlString(runId);
  const pk = contract.columns.filter((c) => c.primaryKey);
  const cols = contract.columns.map((c) => sqlIdent(c.name));
  const typed = contract.columns.map((c) => `${promotedValueSql(c, `s.${sqlIdent(c.name)}`)} AS ${sqlIdent(c.name)}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE _promote AS
    SELECT ${typed.join(', ')}, s._airlock_row_id, ${r} AS _airlock_run_id, s._airlock_row_hash FROM ${source} s`);
  if (pk.length > 0) {
    const on = sameKeySql(pk, 'p', 'n');
    await conn.run(`INSERT INTO ${st.history} SELECT p.*, ${r} FROM ${st.prod} p SEMI JOIN _promote n ON ${on}`);
    await conn.run(`DELETE FROM ${st.prod} p WHERE EXISTS (SELECT 1 FROM _promote n WHERE ${on})`);
  }
  await conn.run(`INSERT INTO ${st.prod} (${cols.join(', ')}, _airlock_row_id, _airlock_run_id, _airlock_row_hash) SELECT * FROM _promote`);
  const n = Number(await queryValue(conn, 'SELECT count(*) FROM _promote'));
  await conn.run('DROP TABLE _promote');
  return n;
}

/**
 * Undoes everything a run wrote to the stream's tables (an interrupted, rejected or cancelled run).
 * The run need not be the stream's latest: a cancelled run's undo can come after a later run wrote
 * some of the same keys. A key the later run superseded keeps the later run's row; the row the
 * undone run had superseded becomes the later run's predecessor in history, never production's
 * second row of that key.
 */
export async function undoRun(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables): Promise<void> {
  const r = sqlString(runId);
  const cols = [...contract.columns.map((c) => sqlIdent(c.name)), '_airlock_row_id', '_airlock_run_id', '_airlock_row_hash'];
  const pk = contract.columns.filter((c) => c.primaryKey);
  await conn.run('BEGIN TRANSACTION');
  try {
    if (pk.length > 0) {
      // The run's own rows that a later run superseded: that run's row stands, and what this run
      // had superseded is relinked to it before this run's version of the key is forgotten.
      await conn.run(`UPDATE ${st.history} h SET _airlock_superseded_by = x._airlock_superseded_by FROM ${st.history} x
        WHERE h._airlock_superseded_by = ${r} AND x._airlock_run_id = ${r} AND x._airlock_superseded_by <> ${r} AND ${sameKeySql(pk, 'h', 'x')}`);
      await conn.run(`DELETE FROM ${st.history} WHERE _airlock_run_id = ${r} AND _airlock_superseded_by <> ${r}`);
    }
    await conn.run(`DELETE FROM ${st.prod} WHERE _airlock_run_id = ${r}`);
    // What the run superseded comes back, but never its own earlier version of a key (its
    // remediation promoting a key its fast lane had written): that is the run's too.
    await conn.run(`INSERT INTO ${st.prod} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${st.history} WHERE _airlock_superseded_by = ${r} AND _airlock_run_id IS DISTINCT FROM ${r}`);
    await conn.run(`DELETE FROM ${st.history} WHERE _airlock_superseded_by = ${r} OR _airlock_run_id = ${r}`);
    await conn.run(`DELETE FROM ${st.quarantine} WHERE _airlock_run_id = ${r}`);
    await conn.run(`DELETE FROM ${st.violations} WHERE run_id = ${r}`);
    await conn.run(`DELETE FROM ${st.duplicates} WHERE run_id = ${r}`);
    await conn.run(`DELETE FROM ${st.changes} WHERE run_id = ${r}`);
    await conn.run(`CREATE TABLE IF NOT EXISTS ${clusterCellsTable(st)} (run_id VARCHAR, cluster_id VARCHAR, row_id BIGINT, "column" VARCHAR, reasons VARCHAR, shape VARCHAR, value VARCHAR)`);
    await conn.run(`DELETE FROM ${clusterCellsTable(st)} WHERE run_id = ${r}`);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}
