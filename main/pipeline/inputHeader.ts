// The input's column names, read before a run exists, so that a header using Airlock's reserved
// column prefix is refused with a clear message instead of failing inside staging. For CSV the
// header is the record scan's (read whole however long it is); for Parquet, its schema's names.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CsvScan } from '../ingest/csvScan.js';
import { detectFormat, parseHeaderLine } from '../ingest/readInput.js';
import { queryRows, sqlString } from '../store/duckdb.js';
import { assertNoReservedColumns } from '../validate/reservedColumns.js';

export async function inputHeader(conn: DuckDBConnection, path: string, displayName: string, scan?: CsvScan): Promise<string[]> {
  if (detectFormat(path, displayName) === 'parquet') {
    try {
      const rows = await queryRows<{ name: string }>(conn, `SELECT name FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL OR num_children = 0`);
      return rows.map((r) => String(r.name));
    } catch {
      // An unreadable Parquet file is ingest's to report (with its own clear message).
      return [];
    }
  }
  if (!scan?.header) return [];
  return parseHeaderLine(Buffer.concat([scan.header, Buffer.from('\n')]), displayName).header;
}

/** Refuses (exit 2) an input whose header names a column with the reserved prefix. */
export async function assertInputHeaderNotReserved(conn: DuckDBConnection, path: string, displayName: string, scan?: CsvScan): Promise<void> {
  assertNoReservedColumns(await inputHeader(conn, path, displayName, scan), displayName);
}
