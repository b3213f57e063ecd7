// Routing a staged batch: exact re-deliveries are set aside as duplicates, missing-value tokens
// of optional columns become NULL (each change recorded), the contract's checks run in one pass,
// rows without violations go to the fast lane and the rest to quarantine with every reason.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { distinctJoinSql } from '../store/distinctJoin.js';
import type { RunTables, StreamTables } from '../store/tables.js';
import { compileViolations } from './compileViolations.js';

/**
 * The identity of a row as it arrived: SHA-256 of an unambiguous encoding of its raw values.
 * Each value is written as `<byte length>:<bytes>` and a NULL as `-`, so no value can absorb a
 * separator or pass for another's NULL (`x\x1fy|z` vs `x|y\x1fz`, NUL vs empty vs NULL); a
 * separator-joined encoding made such rows collide and dropped one as a "re-delivery".
 */
export function rowHashSql(contract: Contract, alias = ''): string {
  const p = alias ? `${alias}.` : '';
  const fields = contract.columns.map((c) => {
    const v = `CAST(${p}${sqlIdent(c.name)} AS VARCHAR)`;
    return `coalesce(CAST(strlen(${v}) AS VARCHAR) || ':' || ${v}, '-')`;
  });
  return `sha256(${fields.length ? fields.join(' || ') : "''"})`;
}

/**
 * Records exact re-deliveries and returns their count. The stage's `_airlock_row_hash` is added
 * here unless staging computed it (`hashed`: the statement that read the file did, the usual case).
 */
export async function setAsideDuplicates(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, rt: RunTables, hashed = false): Promise<number> {
  // A rewrite of the table is much cheaper in DuckDB than an UPDATE of every row.
  if (!hashed) {
    await conn.run(`CREATE OR REPLACE TABLE ${rt.stage} AS SELECT * EXCLUDE (_airlock_row_hash), ${rowHashSql(contract)} AS _airlock_row_hash
      FROM (SELECT *, NULL::VARCHAR AS _airlock_row_hash FROM ${rt.stage})`);
  }
  // A row identical to one already in production, or to an earlier row of this batch.
  await conn.run(`INSERT INTO ${st.duplicates}
    SELECT ${sqlString(runId)}, s._airlock_row_id, s._airlock_row_hash, coalesce(p._airlock_run_id, ${sqlString(runId)}), coalesce(p._airlock_row_id, s._first)
    FROM (SELECT s._airlock_row_id, s._airlock_row_hash, g._first
          FROM ${rt.stage} s JOIN (SELECT _airlock_row_hash, min(_airlock_row_id) AS _first FROM ${rt.stage} GROUP BY 1) g USING (_airlock_row_hash)) s
    LEFT JOIN (SELECT _airlock_row_hash, any_value(_airlock_run_id) AS _airlock_run_id, min(_airlock_row_id) AS _airlock_row_id
               FROM ${st.prod} GROUP BY _airlock_row_hash) p USING (_airlock_row_hash)
    WHERE p._airlock_row_hash IS NOT NULL OR s._first <> s._airlock_row_id`);
  return Number(await queryValue(conn, `SELECT count(*) FROM ${st.duplicates} WHERE run_id = ${sqlString(runId)}`));
}

/** The batch's candidate rows: staged minus duplicates. */
export function candidatesSql(runId: string, st: StreamTables, rt: RunTables): string {
  return `(SELECT s.* FROM ${rt.stage} s ANTI JOIN (SELECT row_id FROM ${st.duplicates} WHERE run_id = ${sqlString(runId)}) d ON d.row_id = s._airlock_row_id)`;
}

/**
 * Missing-value tokens in optional columns become NULL by a deterministic rule. Every change
 * (row, column, old token) goes to the change table, for the audit. Returns how many.
 */
export async function normaliseMissingTokens(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, rt: RunTables): Promise<number> {
  const ts = new Date().toISOString();
  const replaced: string[] = [];
  for (const col of contract.columns) {
    if (col.required) continue;
    const tokens = col.missingTokens.filter((t) => t !== '');
    const v = sqlIdent(col.name);
    // Blank (white space only) values are also no value; an empty field already reads as NULL.
    const cond = `(${tokens.length ? `${v} IN (${tokens.map(sqlString).join(', ')}) OR ` : ''}(${v} IS NOT NULL AND trim(${v}) = ''))`;
    await conn.run(`INSERT INTO ${st.changes}
      SELECT ${sqlString(runId)}, _airlock_row_id, ${sqlString(col.name)}, ${v}, NULL, 'MISSING_VALUE', 'missing-token-to-null', 1.0, 'rule:missing-token', ${sqlString(ts)}
      FROM ${rt.stage} WHERE ${cond}`);
    replaced.push(`CASE WHEN ${cond} THEN NULL ELSE ${v} END AS ${v}`);
  }
  const total = Number(await queryValue(conn, `SELECT count(*) FROM ${st.changes} WHERE run_id = ${sqlString(runId)} AND rule = 'missing-token-to-null'`));
  // One rewrite of the table (much cheaper in DuckDB than an UPDATE per column).
  if (total > 0) await conn.run(`CREATE OR REPLACE TABLE ${rt.stage} AS SELECT * REPLACE (${replaced.join(', ')}) FROM ${rt.stage}`);
  return total;
}

/** Runs the compiled checks over the candidates; violations land in the stream's table. */
export async function validateBatch(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, rt: RunTables): Promise<number> {
  const { sql } = compileViolations(contract, candidatesSql(runId, st, rt));
  await conn.run(`INSERT INTO ${st.violations} SELECT ${sqlString(runId)}, row_id, "column", reason, rule, detail FROM (${sql})`);
  return Number(await queryValue(conn, `SELECT count(DISTINCT row_id) FROM ${st.violations} WHERE run_id = ${sqlString(runId)}`));
}

/**
 * Splits the candidates: rows with violations (and malformed records) into quarantine with their
 * reasons, the rest into the run's fast-lane table to await promotion. One transaction.
 */
export async function routeBatch(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, rt: RunTables): Promise<{ fast: number; quarantined: number }> {
  const r = sqlString(runId);
  const cols = contract.columns.map((c) => sqlIdent(c.name));
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`CREATE OR REPLACE TABLE ${rt.fast} AS
      SELECT c.* FROM ${candidatesSql(runId, st, rt)} c
      ANTI JOIN (SELECT DISTINCT row_id FROM ${st.violations} WHERE run_id = ${r}) v ON v.row_id = c._airlock_row_id`);
    // Its place in the vault goes with every quarantined row: remediation may change its values,
    // never the bytes it arrived as (a Parquet row has no byte span: NULL).
    const reasons = await distinctJoinSql(conn, { from: `(SELECT row_id, "column", reason FROM ${st.violations} WHERE run_id = ${r})`,
      keys: ['row_id'], value: `"column" || ':' || reason`, sep: `';'`, as: 'reasons' });
    await conn.run(`INSERT INTO ${st.quarantine} (${cols.join(', ')}, _airlock_row_id, _airlock_run_id, _airlock_reasons, _airlock_raw_line, _airlock_raw_offset, _airlock_raw_length, _airlock_raw_lineno)
      SELECT ${cols.map((c) => `c.${c}`).join(', ')}, c._airlock_row_id, ${r}, v.reasons, NULL, c._airlock_raw_offset, c._airlock_raw_length, c._airlock_raw_lineno
      FROM ${candidatesSql(runId, st, rt)} c
      JOIN ${reasons} v ON v.row_id = c._airlock_row_id`);
    await restoreArrivedTokens(conn, contract, runId, st);
    // A malformed record keeps its place in the vault (offset, length): its exact bytes, however large.
    await conn.run(`INSERT INTO ${st.quarantine} (_airlock_row_id, _airlock_run_id, _airlock_reasons, _airlock_raw_line, _airlock_raw_offset, _airlock_raw_length, _airlock_raw_lineno)
      SELECT _airlock_row_id, ${r}, 'record:MALFORMED_RECORD', raw_line, byte_position, byte_length, line FROM ${rt.malformed}`);
    await conn.run(`INSERT INTO ${st.violations} SELECT ${r}, _airlock_row_id, 'record', 'MALFORMED_RECORD', 'csv.' || coalesce(lower(reason), 'parse'),
      coalesce('line ' || line || ': ', '') || error FROM ${rt.malformed}`);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
  const [row] = await queryRows<Record<string, number>>(conn, `SELECT (SELECT count(*) FROM ${rt.fast}) AS f, (SELECT count(*) FROM ${st.quarantine} WHERE _airlock_run_id = ${r}) AS q`);
  return { fast: Number(row.f), quarantined: Number(row.q) };
}


/** Quarantine keeps rows as they arrived: missing-value tokens normalised in staging go back. */
export async function restoreArrivedTokens(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables): Promise<void> {
  const r = sqlString(runId);
  for (const col of contract.columns.filter((c) => !c.required)) {
    await conn.run(`UPDATE ${st.quarantine} q SET ${sqlIdent(col.name)} = ch.old_value FROM ${st.changes} ch
      WHERE q._airlock_run_id = ${r} AND ch.run_id = ${r} AND ch.rule = 'missing-token-to-null' AND ch."column" = ${sqlString(col.name)} AND ch.row_id = q._airlock_row_id`);
  }
}
