// The input's column names, read before ingest so that a header using Airlock's reserved column
// prefix is refused with a clear message instead of failing inside staging. (The new ingest is
// to call assertNoReservedColumns on the header it parses itself; this pre-check then becomes
// redundant but stays harmless.)
import { closeSync, openSync, readSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectFormat, parseHeaderLine } from '../ingest/readInput.js';
import { queryRows, sqlString } from '../store/duckdb.js';
import { assertNoReservedColumns } from '../validate/reservedColumns.js';

const HEAD_BYTES = 1 << 20;

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

export async function inputHeader(conn: DuckDBConnection, path: string, displayName: string): Promise<string[]> {
  if (detectFormat(path, displayName) === 'parquet') {
    try {
      const rows = await queryRows<{ name: string }>(conn, `SELECT column_name AS name FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(path)}))`);
      return rows.map((r) => String(r.name));
    } catch {
      // An unreadable Parquet file is ingest's to report (with its own clear message).
      return [];
    }
  }
  return parseHeaderLine(head(path), displayName).header;
}

/** Refuses (exit 2) an input whose header names a column with the reserved prefix. */
export async function assertInputHeaderNotReserved(conn: DuckDBConnection, path: string, displayName: string): Promise<void> {
  assertNoReservedColumns(await inputHeader(conn, path, displayName), displayName);
}
