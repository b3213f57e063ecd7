// Reads an input file into a staging table of text columns, losing nothing: every record the
// CSV reader cannot parse (ragged, bad quoting, invalid UTF-8) lands in a malformed table with
// its raw line, and every record gets `_airlock_row_id`, its 1-based ordinal in the file.
import { openSync, readSync, closeSync, createReadStream, createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../contract/errors.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';

export interface IngestResult {
  /** column names exactly as in the file header */
  header: string[];
  goodRows: number;
  malformedRows: number;
  format: 'csv' | 'parquet';
  delimiter?: string;
}

const SNIFF_BYTES = 64 * 1024;

function leadingBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function detectFormat(path: string, displayName: string): 'csv' | 'parquet' {
  const head = leadingBytes(path);
  if (head.length === 0) throw new UserError(`${displayName}: the file is empty. Export the table again with a header row.`, displayName);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (/\.parquet$/i.test(displayName)) {
    throw new UserError(`${displayName}: not a Parquet file (no PAR1 magic). Check that the file was fully written.`, displayName);
  }
  // A NUL byte does not occur in text: this is a binary file with a .csv name.
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new UserError(`${displayName}: byte ${nul + 1} is a NUL, so this is a binary file, not CSV text. Export the data as CSV (UTF-8) or Parquet.`, displayName);
  }
  // Text has almost no control characters; compressed or binary data is full of them.
  let control = 0;
  for (const b of head) if (b < 0x09 || b === 0x0b || b === 0x0c || (b > 0x0d && b < 0x20) || b === 0x7f) control++;
  if (control > head.length * 0.02) {
    throw new UserError(`${displayName}: ${control} of the first ${head.length} bytes are control characters, so this is a binary file, not CSV text. Export the data as CSV (UTF-8) or Parquet.`, displayName);
  }
  const firstLine = head.subarray(0, Math.max(0, head.indexOf(0x0a)) || head.length);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(firstLine);
  } catch {
    throw new UserError(`${displayName}:1: the header row is not UTF-8 text. Save the file as UTF-8 CSV (or Parquet) and try again.`, displayName, 1);
  }
  return 'csv';
}

/** Stages `path` into `stage` (all VARCHAR + _airlock_row_id) and `malformed` tables. */
export async function readInput(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, scratchDir?: string): Promise<IngestResult> {
  const format = detectFormat(path, displayName);
  return format === 'parquet'
    ? readParquet(conn, path, displayName, stage, malformed)
    : readCsv(conn, path, displayName, stage, malformed, scratchDir);
}

async function readParquet(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string): Promise<IngestResult> {
  let cols: { column_name: string }[];
  try {
    cols = await queryRows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  } catch (e) {
    throw new UserError(`${displayName}: not a readable Parquet file (${firstLine(e)}). The file may be truncated: copy it again.`, displayName);
  }
  const header = cols.map((c) => c.column_name);
  const casts = header.map((h) => `CAST(${sqlIdent(h)} AS VARCHAR) AS ${sqlIdent(h)}`).join(', ');
  try {
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS
      SELECT ${casts}, CAST(row_number() OVER () AS BIGINT) AS _airlock_row_id FROM read_parquet(${sqlString(path)})`);
  } catch (e) {
    throw new UserError(`${displayName}: the Parquet data cannot be read (${firstLine(e)}). The file may be truncated or corrupt: copy it again.`, displayName);
  }
  await conn.run(`CREATE OR REPLACE TABLE ${malformed} (_airlock_row_id BIGINT, raw_line VARCHAR, error VARCHAR, byte_position BIGINT)`);
  const goodRows = Number(await queryValue(conn, `SELECT count(*) FROM ${stage}`));
  return { header, goodRows, malformedRows: 0, format: 'parquet' };
}

async function readCsv(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, scratchDir?: string): Promise<IngestResult> {
  let p = sqlString(path);
  const { header, delimiter } = parseHeaderLine(leadingBytes(path), displayName);
  // Standard CSV quoting is fixed and the delimiter comes from the header line. Everything is
  // read as text so that no value is lost to a cast; the contract's types are applied later.
  const opts = `all_varchar=true, quote='"', escape='"', max_line_size=8388608, strict_mode=true, auto_detect=false, delim=${sqlString(delimiter)}`;
  const cols = `columns={${header.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(', ')}}`;
  const read = async () => {
    await conn.run(`DROP TABLE IF EXISTS _rej; DROP TABLE IF EXISTS _rej_scan;`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE _raw AS SELECT * FROM read_csv(${p}, ${opts}, header=true, ${cols}, store_rejects=true, rejects_table='_rej', rejects_scan='_rej_scan')`);
  };
  let normalised: string | null = null;
  try {
    await read();
  } catch (e) {
    // Mixed line endings (CRLF and LF, or a stray CR) stop DuckDB's strict parser. The bytes are
    // then read from a copy with every line ending made LF; the vault keeps the original.
    if (!scratchDir || !/invalid state/i.test(String((e as Error).message))) {
      throw new UserError(`${displayName}: cannot read as CSV (${firstLine(e)}).`, displayName);
    }
    normalised = await normaliseLineEndings(path, scratchDir);
    p = sqlString(normalised);
    try {
      await read();
    } catch (e2) {
      throw new UserError(`${displayName}: cannot read as CSV (${firstLine(e2)}).`, displayName);
    } finally {
      rmSync(normalised, { force: true });
    }
  }
  // DuckDB's reject `line` counts records (header included), so `line - 1` is the record's ordinal.
  await conn.run(`CREATE OR REPLACE TEMP TABLE _rej_lines AS
    SELECT line - 1 AS ord, first(csv_line ORDER BY column_idx) AS raw_line,
           string_agg(DISTINCT error_type, '; ') AS error, min(byte_position) AS byte_position
    FROM _rej GROUP BY line`);
  const goodRows = Number(await queryValue(conn, `SELECT count(*) FROM _raw`));
  const badRows = Number(await queryValue(conn, `SELECT count(*) FROM _rej_lines`));
  const total = goodRows + badRows;
  const sane = Number(await queryValue(conn, `SELECT count(*) FROM _rej_lines WHERE ord BETWEEN 1 AND ${total}`)) === badRows;
  if (sane && badRows === 0) {
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT *, CAST(rowid + 1 AS BIGINT) AS _airlock_row_id FROM _raw`);
    await conn.run(`CREATE OR REPLACE TABLE ${malformed} (_airlock_row_id BIGINT, raw_line VARCHAR, error VARCHAR, byte_position BIGINT)`);
  } else if (sane) {
    // Good records take, in file order, the ordinals the rejected records did not. With reject
    // ordinals r_1 < r_2 < ..., a_j = r_j - j good records come before reject j, so the k-th good
    // record's ordinal is k plus the number of rejects with a_j < k: an ASOF join finds it.
    await conn.run(`CREATE OR REPLACE TEMP TABLE _rej_a AS
      SELECT a, max(j) AS j FROM (SELECT ord - row_number() OVER (ORDER BY ord) AS a, row_number() OVER (ORDER BY ord) AS j FROM _rej_lines) GROUP BY a`);
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS
      SELECT g.* EXCLUDE (_k, j), CAST(g._k + coalesce(g.j, 0) AS BIGINT) AS _airlock_row_id
      FROM (SELECT r.*, x.j FROM (SELECT *, rowid + 1 AS _k FROM _raw) r ASOF LEFT JOIN _rej_a x ON r._k > x.a) g
      ORDER BY _airlock_row_id`);
    await conn.run('DROP TABLE _rej_a');
    await conn.run(`CREATE OR REPLACE TABLE ${malformed} AS
      SELECT CAST(ord AS BIGINT) AS _airlock_row_id, raw_line, error, CAST(byte_position AS BIGINT) AS byte_position FROM _rej_lines ORDER BY ord`);
  } else {
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT *, CAST(rowid + 1 AS BIGINT) AS _airlock_row_id FROM _raw`);
    await conn.run(`CREATE OR REPLACE TABLE ${malformed} AS
      SELECT CAST(${goodRows} + row_number() OVER (ORDER BY ord) AS BIGINT) AS _airlock_row_id, raw_line, error, CAST(byte_position AS BIGINT) AS byte_position FROM _rej_lines`);
  }
  await conn.run(`DROP TABLE IF EXISTS _raw; DROP TABLE IF EXISTS _rej_lines; DROP TABLE IF EXISTS _rej; DROP TABLE IF EXISTS _rej_scan; `);
  return { header, goodRows, malformedRows: badRows, format: 'csv', delimiter };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);
}

const DELIMITERS = [',', ';', '\t', '|'];

/**
 * Splits the first record of the file (the header) on the delimiter that occurs most often in
 * it outside quotes. Only the header is parsed here; DuckDB reads the records.
 */
export function parseHeaderLine(head: Buffer, displayName: string): { header: string[]; delimiter: string } {
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let line = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) break;
    line += ch;
  }
  const outside = line.replace(/"[^"]*"/g, '');
  let delimiter = ',';
  let best = 0;
  for (const d of DELIMITERS) {
    const n = outside.split(d).length - 1;
    if (n > best) {
      best = n;
      delimiter = d;
    }
  }
  const header: string[] = [];
  let field = '';
  quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { header.push(field.trim()); field = ''; }
    else field += ch;
  }
  header.push(field.trim());
  if (header.length === 1 && header[0] === '') {
    throw new UserError(`${displayName}:1: the first line is empty. The first line must name the columns.`, displayName, 1);
  }
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw new UserError(`${displayName}:1: column ${i + 1} of the header has no name. Name every column in the first line.`, displayName, 1);
    const prev = seen.get(h.toLowerCase());
    if (prev !== undefined) throw new UserError(`${displayName}:1: the header names ${JSON.stringify(h)} twice (columns ${prev + 1} and ${i + 1}). Rename one of them.`, displayName, 1);
    seen.set(h.toLowerCase(), i);
  });
  return { header, delimiter };
}

/** A copy of the file with CRLF and lone CR line endings made LF (streamed, bytes not rows). */
async function normaliseLineEndings(path: string, scratchDir: string): Promise<string> {
  const out = join(scratchDir, `lf-${process.pid}-${Date.now()}.csv`);
  let pendingCr = false;
  const toLf = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let start = 0;
      const parts: Buffer[] = [];
      if (pendingCr) {
        parts.push(Buffer.from([0x0a]));
        if (chunk[0] === 0x0a) start = 1;
        pendingCr = false;
      }
      let from = start;
      for (let i = start; i < chunk.length; i++) {
        if (chunk[i] !== 0x0d) continue;
        parts.push(chunk.subarray(from, i));
        if (i + 1 === chunk.length) pendingCr = true;
        else {
          parts.push(Buffer.from([0x0a]));
          if (chunk[i + 1] === 0x0a) i++;
        }
        from = i + 1;
      }
      parts.push(chunk.subarray(from));
      done(null, Buffer.concat(parts));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from([0x0a]) : Buffer.alloc(0));
    },
  });
  await pipeline(createReadStream(path), toLf, createWriteStream(out));
  return out;
}
