// The column names of an input file, without reading its records: the CSV header line as the
// ingest reader splits it, or the Parquet schema. Used to rewrite a contract after a drift.
import { closeSync, openSync, readSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectFormat, parseHeaderLine } from '../ingest/readInput.js';
import { queryRows, sqlString } from '../store/duckdb.js';

const HEAD_BYTES = 64 * 1024;

export async function fileHeader(conn: DuckDBConnection, path: string, displayName: string): Promise<string[]> {
  if (detectFormat(path, displayName) === 'parquet') {
    const cols = await queryRows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
    return cols.map((c) => c.column_name);
  }
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return parseHeaderLine(buf.subarray(0, n), displayName).header;
  } finally {
    closeSync(fd);
  }
}
