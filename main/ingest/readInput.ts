// Reads an input file into a staging table of text columns, losing nothing: every record the
// independent scan could not vouch for, or the CSV parser could not take, lands in a malformed
// table with its line and its place in the vault, and every record gets `_airlock_row_id`, its
// 1-based ordinal in the file as the scan counted it.
import { openSync, readSync, closeSync, fstatSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { UserError } from '../contract/errors.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { refetchRecords, scanCsvFile, type CsvScan } from './csvScan.js';
import { headerDelimiter } from './recordScanner.js';
import { LATIN1_ADVICE, UTF16_ADVICE, looksLikeUtf16 } from './encoding.js';

export interface IngestResult {
  /** column names exactly as in the file header */
  header: string[];
  goodRows: number;
  malformedRows: number;
  format: 'csv' | 'parquet';
  delimiter?: string;
  /** the source count, made apart from the parser: the record scan, or Parquet's own metadata */
  sourceRecords: number;
  /** set when the parser's rows cannot be matched to the scanned records (a Sev-1) */
  parserDisagreement: string | null;
  /** things the user should hear about the file (encoding, blank lines) */
  hints: string[];
  /** the stage already holds `_airlock_row_hash`, computed in the statement that read the file */
  rowHashed: boolean;
}

/**
 * The row-hash expression for a file with this header (over the stage's text columns), or null
 * when the caller cannot tell it yet (a header that differs from the contract's): then the stage
 * has no hash column and the caller adds it.
 */
export type RowHashFor = (header: string[]) => string | null;

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

function tailMagic(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 8) return '';
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, size - 4);
    return buf.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export function detectFormat(path: string, displayName: string): 'csv' | 'parquet' {
  // Opening a FIFO would wait for a writer forever; a folder cannot be read as a table.
  let regular = false;
  try { regular = statSync(path).isFile(); } catch { /* reported below as unreadable */ }
  if (!regular) throw new UserError(`${displayName}: not a regular file that can be read. Pass a CSV or Parquet file.`, displayName);
  const head = leadingBytes(path);
  if (head.length === 0) throw new UserError(`${displayName}: the file is empty. Export the table again with a header row.`, displayName);
  // Parquet starts and ends with PAR1; a CSV whose first column happens to be named PAR1 does not.
  if (head.subarray(0, 4).toString('latin1') === 'PAR1' && tailMagic(path) === 'PAR1') return 'parquet';
  if (/\.parquet$/i.test(displayName)) {
    throw new UserError(`${displayName}: not a complete Parquet file (a Parquet file starts and ends with PAR1). The file may be truncated: copy it again.`, displayName);
  }
  if (looksLikeUtf16(head)) throw new UserError(`${displayName}: ${UTF16_ADVICE}`, displayName);
  // Text has almost no control characters; compressed or binary data is full of them. NUL bytes
  // are left to the record scan (a record holding one is quarantined).
  let control = 0;
  for (const b of head) if ((b > 0 && b < 0x09) || b === 0x0b || b === 0x0c || (b > 0x0d && b < 0x20) || b === 0x7f) control++;
  if (control >= 4 && control > head.length * 0.02) {
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

/**
 * Stages `path` into `stage` (all VARCHAR + _airlock_row_id) and `malformed` tables. For CSV the
 * records are those the independent scan found (`scan`, made while the file was vaulted; scanned
 * here when not given): the parser reads the scan's copy, whose records carry their ordinals.
 */
export async function readInput(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, scratchDir?: string, scan?: CsvScan, rowHash?: RowHashFor): Promise<IngestResult> {
  const format = detectFormat(path, displayName);
  return format === 'parquet'
    ? readParquet(conn, path, displayName, stage, malformed, rowHash)
    : readCsv(conn, path, displayName, stage, malformed, scratchDir, scan, rowHash);
}

async function readParquet(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, rowHash?: RowHashFor): Promise<IngestResult> {
  let names: string[];
  let sourceRecords: number;
  try {
    // The schema's own leaf names: DESCRIBE would show DuckDB's de-duplicated names (A_1).
    names = (await queryRows<{ name: string }>(conn, `SELECT name FROM parquet_schema(${sqlString(path)}) WHERE num_children IS NULL OR num_children = 0`)).map((r) => String(r.name));
    sourceRecords = Number(await queryValue(conn, `SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(${sqlString(path)})`));
  } catch (e) {
    throw new UserError(`${displayName}: not a readable Parquet file (${firstLine(e)}). The file may be truncated: copy it again.`, displayName);
  }
  const seen = new Map<string, string>();
  for (const n of names) {
    const prev = seen.get(n.toLowerCase());
    if (prev !== undefined) throw new UserError(`${displayName}: the Parquet columns ${JSON.stringify(prev)} and ${JSON.stringify(n)} differ only in case, and column names are compared without case. Rename one of them and write the file again.`, displayName);
    seen.set(n.toLowerCase(), n);
  }
  const cols = await queryRows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  const header = cols.map((c) => c.column_name);
  if (header.length !== names.length || header.some((h, i) => h !== names[i])) {
    throw new UserError(`${displayName}: the Parquet file has nested columns (${names.filter((n) => !header.includes(n)).slice(0, 3).join(', ')}); Airlock reads flat tables. Flatten the file and try again.`, displayName);
  }
  const casts = header.map((h) => `CAST(${sqlIdent(h)} AS VARCHAR) AS ${sqlIdent(h)}`).join(', ');
  const hash = rowHash?.(header) ?? null;
  try {
    // The hash is of the text values the stage holds: computed over the casts, in the same statement.
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS
      SELECT *${hash ? `, ${hash} AS _airlock_row_hash` : ''} FROM (SELECT ${casts}, CAST(row_number() OVER () AS BIGINT) AS _airlock_row_id,
        NULL::BIGINT AS _airlock_raw_offset, NULL::BIGINT AS _airlock_raw_length, NULL::BIGINT AS _airlock_raw_lineno FROM read_parquet(${sqlString(path)}))`);
  } catch (e) {
    throw new UserError(`${displayName}: the Parquet data cannot be read (${firstLine(e)}). The file may be truncated or corrupt: copy it again.`, displayName);
  }
  await conn.run(`CREATE OR REPLACE TABLE ${malformed} (${MALFORMED_COLUMNS})`);
  const goodRows = Number(await queryValue(conn, `SELECT count(*) FROM ${stage}`));
  return { header, goodRows, malformedRows: 0, format: 'parquet', sourceRecords, parserDisagreement: null, hints: [], rowHashed: hash !== null };
}

/** The malformed table: one row per record the parser does not take, with where its bytes are. */
const MALFORMED_COLUMNS = '_airlock_row_id BIGINT, raw_line VARCHAR, error VARCHAR, byte_position BIGINT, byte_length BIGINT, line BIGINT, reason VARCHAR';

async function readCsv(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, scratchDir?: string, given?: CsvScan, rowHash?: RowHashFor): Promise<IngestResult> {
  let scan = given;
  const own: string[] = [];
  if (!scan) {
    if (!scratchDir) throw new Error('readInput: a scratch folder (that DuckDB may read) is needed for the record scan');
    const dir = scratchDir;
    const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    own.push(join(dir, `parse-${stamp}.csv`), join(dir, `malformed-${stamp}.jsonl`));
    scan = await scanCsvFile(path, own[0], own[1]);
  }
  try {
    return await stageScannedCsv(conn, path, displayName, stage, malformed, scan, rowHash);
  } finally {
    for (const f of [...own, scan.parsePath, scan.malformedPath]) rmSync(f, { force: true });
  }
}

async function stageScannedCsv(conn: DuckDBConnection, path: string, displayName: string, stage: string, malformed: string, scan: CsvScan, rowHash?: RowHashFor): Promise<IngestResult> {
  if (!scan.header) throw new UserError(`${displayName}: the file is empty. Export the table again with a header row.`, displayName);
  const { header, delimiter } = parseHeaderLine(Buffer.concat([scan.header, Buffer.from('\n')]), displayName);
  if (delimiter !== scan.delimiter) throw new UserError(`${displayName}:1: the header line's delimiter cannot be told (${JSON.stringify(delimiter)} or ${JSON.stringify(scan.delimiter)}). Check the quotes in the first line.`, displayName, 1);
  const n = scan.summary.records;
  // Standard CSV quoting is fixed and the delimiter comes from the header line. Everything is
  // read as text so that no value is lost to a cast; the contract's types are applied later.
  // Room for the longest record the scan handed on (plus its ordinal): DuckDB sizes buffers by
  // this per column, so a needlessly large value exhausts memory on wide tables.
  const maxLine = Math.max(scan.summary.longestGoodRecord, (scan.header?.length ?? 0)) + 1024;
  // A quoted empty field is the empty text, not NULL: the audited missing-value rule decides.
  const opts = `all_varchar=true, allow_quoted_nulls=false, quote='"', escape='"', max_line_size=${maxLine}, strict_mode=true, auto_detect=false, header=true, delim=${sqlString(delimiter)}`;
  const cols = `columns={'_airlock_row_id': 'VARCHAR', '_airlock_raw_offset': 'VARCHAR', '_airlock_raw_length': 'VARCHAR', '_airlock_raw_lineno': 'VARCHAR', ${header.map((h) => `${sqlString(h)}: 'VARCHAR'`).join(', ')}}`;
  await conn.run(`DROP TABLE IF EXISTS _rej; DROP TABLE IF EXISTS _rej_scan;`);
  // A record the parser cannot take is skipped and then found missing by its ordinal. The
  // parser's reasons are kept for tables of modest width (its reject store costs memory per
  // column: at 10,000 columns it exhausts 1.5 GB).
  const rejects = header.length <= 500 ? `store_rejects=true, rejects_table='_rej', rejects_scan='_rej_scan'` : 'ignore_errors=true';
  const select = header.map((h) => sqlIdent(h)).join(', ');
  const hash = rowHash?.(header) ?? null;
  // One pass: the statement that reads the file writes the stage, with the ordinals and byte
  // spans typed and the row hash computed (no intermediate copy of the batch).
  try {
    await conn.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT ${select}, TRY_CAST(_airlock_row_id AS BIGINT) AS _airlock_row_id,
      TRY_CAST(_airlock_raw_offset AS BIGINT) AS _airlock_raw_offset, TRY_CAST(_airlock_raw_length AS BIGINT) AS _airlock_raw_length, TRY_CAST(_airlock_raw_lineno AS BIGINT) AS _airlock_raw_lineno${hash ? `, ${hash} AS _airlock_row_hash` : ''}
      FROM read_csv(${sqlString(scan.parsePath)}, ${opts}, ${cols}, ${rejects})`);
  } catch (e) {
    throw new UserError(`${displayName}: cannot read as CSV (${firstLine(e)}).`, displayName);
  }
  await conn.run(`CREATE OR REPLACE TABLE ${malformed} (${MALFORMED_COLUMNS})`);
  const vaultName = basename(path);
  const ref = (offset: string, length: string) => `'vault:' || ${sqlString(vaultName)} || '@' || ${offset} || '+' || ${length}`;
  if (scan.summary.malformedRecords > 0) {
    await conn.run(`INSERT INTO ${malformed}
      SELECT ordinal, coalesce(text, ${ref('"offset"', '"length"')}), detail, "offset", "length", line, reason
      FROM read_json(${sqlString(scan.malformedPath)}, format='newline_delimited',
        columns={ordinal: 'BIGINT', line: 'BIGINT', "offset": 'BIGINT', "length": 'BIGINT', reason: 'VARCHAR', detail: 'VARCHAR', text: 'VARCHAR', base64: 'VARCHAR'})`);
  }
  // The parser's rows must be exactly the scanned records it was given, each once.
  const [check] = await queryRows<{ bad: number; dup: number }>(conn, `SELECT
      count(*) FILTER (WHERE _airlock_row_id IS NULL OR _airlock_row_id < 1 OR _airlock_row_id > ${n}
        OR _airlock_row_id IN (SELECT _airlock_row_id FROM ${malformed})) AS bad,
      count(*) - count(DISTINCT _airlock_row_id) AS dup
    FROM ${stage}`);
  const hints: string[] = [];
  let parserDisagreement: string | null = null;
  if (Number(check.bad) > 0 || Number(check.dup) > 0) {
    parserDisagreement = `the CSV parser returned ${Number(check.bad) + Number(check.dup)} row(s) that are not records of the independent scan: it split or merged records`;
  }
  // Records the scan vouched for that the parser did not return: quarantined with their bytes.
  const missing = (await queryRows<{ i: number }>(conn, `SELECT i FROM range(1, ${n + 1}) t(i)
      WHERE i NOT IN (SELECT _airlock_row_id FROM ${malformed}) AND i NOT IN (SELECT _airlock_row_id FROM ${stage} WHERE _airlock_row_id IS NOT NULL)
      ORDER BY i LIMIT 1000001`)).map((r) => Number(r.i));
  if (missing.length > 1_000_000) parserDisagreement = 'the CSV parser did not return over a million of the records the independent scan found';
  else if (missing.length > 0) await quarantineMissing(conn, path, malformed, scan, missing, ref);
  if (parserDisagreement) {
    // Nothing from a parse that cannot be trusted goes further.
    await conn.run(`DELETE FROM ${stage}`);
  }
  await conn.run(`DROP TABLE IF EXISTS _rej; DROP TABLE IF EXISTS _rej_scan;`);
  const goodRows = Number(await queryValue(conn, `SELECT count(*) FROM ${stage}`));
  const badRows = Number(await queryValue(conn, `SELECT count(*) FROM ${malformed}`));
  const notUtf8 = Number(await queryValue(conn, `SELECT count(*) FROM ${malformed} WHERE reason = 'NOT_UTF8'`));
  if (notUtf8 > 0) hints.push(`${notUtf8} record${notUtf8 === 1 ? '' : 's'} of ${displayName} ${notUtf8 === 1 ? 'is' : 'are'} quarantined because ${LATIN1_ADVICE}`);
  if (scan.summary.blankLines > 0) hints.push(`${scan.summary.blankLines} blank line${scan.summary.blankLines === 1 ? '' : 's'} (no data) skipped`);
  return { header, goodRows, malformedRows: badRows, format: 'csv', delimiter, sourceRecords: n, parserDisagreement, hints, rowHashed: hash !== null };
}

/** Records the parser rejected or dropped: fetched again from the file by ordinal, quarantined. */
async function quarantineMissing(conn: DuckDBConnection, path: string, malformed: string, scan: CsvScan, missing: number[], ref: (o: string, l: string) => string): Promise<void> {
  const found = await refetchRecords(path, scan, missing);
  const rows = missing.map((ord) => {
    const r = found.get(ord);
    const text = r?.bytes ? decodeText(r.bytes) : null;
    return { ordinal: ord, line: r?.line ?? null, offset: r?.offset ?? null, length: r?.length ?? null, text };
  });
  await conn.run(`CREATE OR REPLACE TEMP TABLE _missing (ordinal BIGINT, line BIGINT, "offset" BIGINT, "length" BIGINT, text VARCHAR)`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => `(${r.ordinal}, ${r.line ?? 'NULL'}, ${r.offset ?? 'NULL'}, ${r.length ?? 'NULL'}, ${r.text === null ? 'NULL' : sqlString(r.text)})`).join(', ');
    await conn.run(`INSERT INTO _missing VALUES ${values}`);
  }
  const hasRej = (await queryRows(conn, `SELECT 1 FROM duckdb_tables() WHERE table_name = '_rej'`)).length > 0;
  const why = hasRej
    ? `(SELECT TRY_CAST(regexp_extract(csv_line, '^([0-9]+)', 1) AS BIGINT) AS ord, string_agg(DISTINCT error_type, '; ') AS err FROM _rej GROUP BY 1)`
    : `(SELECT NULL::BIGINT AS ord, NULL::VARCHAR AS err WHERE false)`;
  await conn.run(`INSERT INTO ${malformed}
    SELECT m.ordinal, coalesce(m.text, ${ref('m."offset"', 'm."length"')}), 'the CSV parser could not read the record' || coalesce(' (' || w.err || ')', ''),
      m."offset", m."length", m.line, 'PARSER_REJECTED'
    FROM _missing m LEFT JOIN ${why} w ON w.ord = m.ordinal`);
  await conn.run('DROP TABLE _missing');
}

/** Text for people (bytes that are not UTF-8 shown as U+FFFD); the vault keeps the exact bytes. */
function decodeText(b: Buffer): string {
  return b.toString('utf8');
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);
}


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
  // The same choice of delimiter as the record scan's, and the same quoting rules: a quote opens
  // only at the start of a field and must close before the end of the header.
  const delimiter = String.fromCharCode(headerDelimiter(Buffer.from(line, 'utf8')));
  const header: string[] = [];
  let field = '';
  let closed = false;
  quoted = false;
  const bad = (what: string): never => {
    throw new UserError(`${displayName}:1: the header line has ${what} (column ${header.length + 1}). Fix the quotes in the first line: a quote may only open and close a whole name.`, displayName, 1);
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') { quoted = false; closed = true; }
      else field += ch;
    } else if (ch === '"') {
      if (field !== '' || closed) bad('a quote inside a name');
      quoted = true;
    } else if (ch === delimiter) { header.push(field.trim()); field = ''; closed = false; }
    else if (closed) bad('text after a closing quote');
    else field += ch;
  }
  if (quoted) bad('a quote that is never closed');
  header.push(field.trim());
  if (header.length === 1 && header[0] === '') {
    throw new UserError(`${displayName}:1: the first line is empty. The first line must name the columns.`, displayName, 1);
  }
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') throw new UserError(`${displayName}:1: column ${i + 1} of the header has no name. Name every column in the first line.`, displayName, 1);
    const prev = seen.get(h.toLowerCase());
    if (prev !== undefined) throw new UserError(`${displayName}:1: the header names ${JSON.stringify(h.length > 60 ? `${h.slice(0, 57)}...` : h)} twice (columns ${prev + 1} and ${i + 1}). Rename one of them.`, displayName, 1);
    seen.set(h.toLowerCase(), i);
  });
  return { header, delimiter };
}
