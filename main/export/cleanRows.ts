// The clean rows of one run, as they were right after that run, and how each column is written.
// A later run that upserted the same key moved the run's row to history (superseded_by the later
// run), so the run's rows are its rows still in production plus its rows in history that a later
// run replaced; a row the run itself replaced (it was never production after the run) is not.
// Columns keep the types production holds (Parquet: BIGINT, DOUBLE/DECIMAL, BOOLEAN, DATE,
// TIMESTAMP WITH TIME ZONE, TIME, VARCHAR); CSV writes ISO 8601: dates as dates, timestamps in UTC
// with `Z` at one precision per column (the finest any value of it needs).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import type { StreamTables } from '../store/tables.js';

export function runRowsSql(contract: Contract, st: StreamTables, runId: string): string {
  const r = sqlString(runId);
  const cols = [...contract.columns.map((c) => sqlIdent(c.name)), '_airlock_row_id'].join(', ');
  return `(SELECT ${cols} FROM ${st.prod} WHERE _airlock_run_id = ${r}
    UNION ALL SELECT ${cols} FROM ${st.history} WHERE _airlock_run_id = ${r} AND _airlock_superseded_by IS DISTINCT FROM ${r})`;
}

/** The column types production holds (an evolved contract's columns included). */
async function prodTypes(conn: DuckDBConnection, st: StreamTables): Promise<Map<string, string>> {
  const rows = await queryRows<{ column_name: string; column_type: string }>(conn, `SELECT column_name, column_type FROM (DESCRIBE ${st.prod})`);
  return new Map(rows.map((r) => [r.column_name, r.column_type.toUpperCase()]));
}

const isTimestamp = (t: string) => t.startsWith('TIMESTAMP');

/** strftime fraction for the finest precision a timestamp column's values need. */
async function fractionOf(conn: DuckDBConnection, rows: string, col: string): Promise<string> {
  const c = sqlIdent(col);
  const level = Number(await queryValue(conn, `SELECT coalesce(max(CASE WHEN epoch_us(${c}) % 1000 <> 0 THEN 2 WHEN epoch_us(${c}) % 1000000 <> 0 THEN 1 ELSE 0 END), 0) FROM ${rows} t`));
  return ['', '.%g', '.%f'][level];
}

/**
 * A number column is stored as the text that was delivered (every digit kept). Parquet gets it as
 * DECIMAL(38, s) when every value of the run fits one exactly (s = the most decimals any value
 * has), and as DOUBLE only when none would (exponents, or over 38 digits).
 */
async function numberColumnSql(conn: DuckDBConnection, rows: string, col: string): Promise<string> {
  const c = sqlIdent(col);
  const [r] = await queryRows<{ s: number | null; i: number | null; e: number }>(conn, `SELECT
      max(length(regexp_extract(${c}, '\\.([0-9]*)', 1))) AS s,
      max(length(regexp_replace(regexp_extract(${c}, '^-?([0-9]*)', 1), '^0+', ''))) AS i,
      count(*) FILTER (WHERE regexp_matches(${c}, '[eE]')) AS e
    FROM ${rows} t WHERE ${c} IS NOT NULL`);
  const scale = Number(r.s ?? 0);
  const whole = Number(r.i ?? 0);
  if (Number(r.e) === 0 && scale <= 37 && whole + scale <= 38) return `CAST(${c} AS DECIMAL(38, ${scale}))`;
  return `CAST(${c} AS DOUBLE)`;
}

/** SELECT list of the exported clean file, in contract order, then _airlock_row_id. */
export async function cleanSelectList(conn: DuckDBConnection, contract: Contract, st: StreamTables, rows: string, format: 'csv' | 'parquet'): Promise<string> {
  const types = await prodTypes(conn, st);
  const list: string[] = [];
  for (const col of contract.columns) {
    const c = sqlIdent(col.name);
    const type = types.get(col.name) ?? 'VARCHAR';
    let expr: string;
    if (format === 'parquet' && col.logicalType === 'number' && type === 'VARCHAR') {
      expr = await numberColumnSql(conn, rows, col.name);
    } else if (format === 'parquet') {
      // A timestamp without a zone is UTC by convention (the connection's TimeZone is UTC).
      expr = type === 'TIMESTAMP' ? `timezone('UTC', ${c})` : c;
    } else if (isTimestamp(type)) {
      expr = `strftime(${c}, ${sqlString(`%Y-%m-%dT%H:%M:%S${await fractionOf(conn, rows, col.name)}Z`)})`;
    } else {
      expr = `CAST(${c} AS VARCHAR)`;
    }
    list.push(`${expr} AS ${c}`);
  }
  list.push('_airlock_row_id');
  return list.join(', ');
}
