// The column names of an input file, without reading its records: the CSV header record as the
// record scan finds it (however long: 10,000 columns are not cut at some buffer's size), or the
// Parquet schema. Used to rewrite a contract after a drift.
import { createReadStream } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectFormat, parseHeaderLine } from '../ingest/readInput.js';
import { RecordScanner } from '../ingest/recordScanner.js';
import { queryRows, sqlString } from '../store/duckdb.js';

export async function fileHeader(conn: DuckDBConnection, path: string, displayName: string): Promise<string[]> {
  if (detectFormat(path, displayName) === 'parquet') {
    const cols = await queryRows<{ name: string }>(conn, `SELECT name FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL OR num_children = 0`);
    return cols.map((c) => String(c.name));
  }
  return parseHeaderLine(Buffer.concat([await headerRecord(path), Buffer.from('\n')]), displayName).header;
}

/** The bytes of a CSV file's first record, read only as far as it goes. */
export async function headerRecord(path: string): Promise<Buffer> {
  let header: Buffer | null = null;
  const scanner = new RecordScanner({ header: (b) => { header = b; }, good: () => {}, malformed: () => {} });
  const stream = createReadStream(path);
  for await (const chunk of stream) {
    scanner.push(chunk as Buffer);
    if (header) break;
  }
  stream.destroy();
  if (!header) scanner.end();
  return header ?? Buffer.alloc(0);
}
