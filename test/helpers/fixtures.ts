// Input files and contracts for the integration tests, written into temp folders at test time
// (nothing binary is committed), and small readers to look at a workspace afterwards.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { openLockedDuckDB, sqlString } from '../../main/store/duckdb.js';
import { CUSTOMER_HEADER, customerRows } from '../../scripts/make-demo-sample.js';

// ---------------------------------------------------------------------------------------------
// Files

export function writeInput(dir: string, name: string, data: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface CsvOptions {
  delimiter?: string;
  eol?: string;
  bom?: boolean;
}

/** RFC 4180 text: fields with the delimiter, a quote or a line break are quoted. */
export function csvText(header: string[], rows: string[][], opts: CsvOptions = {}): string {
  const d = opts.delimiter ?? ',';
  const eol = opts.eol ?? '\n';
  const esc = (v: string) => (v.includes(d) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (opts.bom ? '\uFEFF' : '') + [header, ...rows].map((r) => r.map(esc).join(d)).join(eol) + eol;
}

/** Parses CSV text (RFC 4180, any line ending) into header and rows, values as written. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && s[i + 1] === '\n') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return { header: rows[0] ?? [], rows: rows.slice(1) };
}

export function readCsvFile(path: string): { header: string[]; rows: string[][]; records: Record<string, string>[] } {
  const { header, rows } = parseCsv(readFileSync(path, 'utf8'));
  return { header, rows, records: rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? '']))) };
}

/** Deterministic bytes from a seed (xorshift), for binary files. */
export function seededBytes(n: number, seed: number, avoid: number[] = []): Buffer {
  let x = seed >>> 0 || 1;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let b: number;
    do {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      b = x & 0xff;
    } while (avoid.includes(b));
    out[i] = b;
  }
  return out;
}

/** A gzip-compressed CSV, as a file saved with the wrong name would be. Contains NUL bytes. */
export function gzippedCsv(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'));
}

/** Writes rows to a Parquet file with DuckDB's COPY, through a locked connection allowed only `dir`. */
export async function writeParquet(dir: string, name: string, header: string[], rows: string[][]): Promise<string> {
  const path = join(dir, name);
  const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir] });
  try {
    const values = rows.map((r) => `(${r.map(sqlString).join(', ')})`).join(', ');
    const cols = header.map((h) => `"${h.replace(/"/g, '""')}"`).join(', ');
    await db.conn.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(${cols})) TO ${sqlString(path)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// The "people" stream: a small contract and clean rows for it

export const PEOPLE_HEADER = ['id', 'name', 'zip'];

export interface PeopleContractOptions {
  id?: string;
  version?: string;
  schemaEvolution?: 'strict' | 'additive';
  /** YAML list items (already indented by 6 spaces) for schema[0].quality */
  tableQuality?: string[];
  /** YAML list items (already indented by 10 spaces) for the zip column's quality */
  zipQuality?: string[];
}

/** id (integer, primary key, required), name (required), zip (optional, five digits). */
export function peopleContract(opts: PeopleContractOptions = {}): string {
  const lines = [
    'apiVersion: v3.1.0',
    'kind: DataContract',
    `id: ${opts.id ?? 'people'}`,
    'name: people',
    `version: ${opts.version ?? '1.0.0'}`,
    'status: active',
    'schema:',
    '  - name: people',
    '    properties:',
    '      - name: id',
    '        logicalType: integer',
    '        primaryKey: true',
    '        required: true',
    '      - name: name',
    '        logicalType: string',
    '        required: true',
    '      - name: zip',
    '        logicalType: string',
    "        logicalTypeOptions: { pattern: '\\d{5}' }",
  ];
  if (opts.zipQuality?.length) lines.push('        quality:', ...opts.zipQuality);
  if (opts.tableQuality?.length) lines.push('    quality:', ...opts.tableQuality);
  if (opts.schemaEvolution) lines.push('    customProperties:', `      - { property: schemaEvolution, value: ${opts.schemaEvolution} }`);
  return `${lines.join('\n')}\n`;
}

/** Clean people rows for ids from..to (inclusive): every value passes peopleContract(). */
export function peopleRows(from: number, to: number): string[][] {
  const rows: string[][] = [];
  for (let id = from; id <= to; id++) rows.push([String(id), `person ${id}`, String(10000 + ((id * 7919) % 89999)).padStart(5, '0')]);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The demo customers stream (resources/sample) with generated rows

export { CUSTOMER_HEADER };

/** Generated customer rows (scripts/make-demo-sample.ts) with ids shifted by `idOffset`. */
export function customerCsvWithIds(n: number, seed: number, idOffset: number): string {
  return csvText(CUSTOMER_HEADER, customerRows(n, seed).map((r) => [String(Number(r[0]) + idOffset), ...r.slice(1)]));
}

// ---------------------------------------------------------------------------------------------
// The "parts" stream: codes that no deterministic strategy can repair (for the model path)

export const PARTS_CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: parts
name: parts
version: 1.0.0
schema:
  - name: parts
    properties:
      - name: id
        logicalType: integer
        primaryKey: true
        required: true
      - name: code
        logicalType: string
        required: true
        logicalTypeOptions: { pattern: '[A-Z]{3}-\\d{3}' }
      - name: label
        logicalType: string
`;

/** Garbage codes with nothing to learn from: no other column, no shape, no reference. */
export const UNREPAIRABLE_CODES = ['~~', '#?', '@@!', '%%%', '^^'];

export function partsCsv(n = 60): { text: string; badIds: number[] } {
  const L = 'ABCDEFGHJK';
  const rows: string[][] = [];
  const badIds: number[] = [];
  for (let i = 1; i <= n; i++) {
    let code = `${L[i % 10]}${L[(i * 3) % 10]}${L[(i * 7) % 10]}-${String(100 + ((i * 7) % 900)).padStart(3, '0')}`;
    if (i % 12 === 0 && badIds.length < UNREPAIRABLE_CODES.length) {
      code = UNREPAIRABLE_CODES[badIds.length];
      badIds.push(i);
    }
    rows.push([String(i), code, `part ${i}`]);
  }
  return { text: csvText(['id', 'code', 'label'], rows), badIds };
}

// ---------------------------------------------------------------------------------------------
// Reading a workspace back

/** Files in `<ws>/vault` named `<sha256>.<ext>`. */
export function vaultFilesFor(workspace: string, sha: string): string[] {
  const dir = join(workspace, 'vault');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.startsWith(`${sha}.`)).map((n) => join(dir, n));
}

/** The vault holds exactly one copy of the input, named by its SHA-256, with identical bytes. */
export function expectVaulted(workspace: string, inputPath: string): void {
  const bytes = readFileSync(inputPath);
  const files = vaultFilesFor(workspace, sha256(bytes));
  expect(files, `vault of ${workspace} should hold ${inputPath}`).toHaveLength(1);
  expect(readFileSync(files[0]).equals(bytes)).toBe(true);
}

/** Opens the workspace in this process (the CLI must have exited), runs fn, closes it. */
export async function withEngine<T>(workspace: string, fn: (engine: Engine) => Promise<T> | T): Promise<T> {
  const engine = await openEngine(workspace);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

export async function count(engine: Engine, sql: string): Promise<number> {
  const reader = await engine.duck.conn.runAndReadAll(sql);
  return Number(reader.getRows()[0][0]);
}

export async function tableExists(engine: Engine, schema: string, table: string): Promise<boolean> {
  return (await count(engine, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ${sqlString(schema)} AND table_name = ${sqlString(table)}`)) > 0;
}

/** Row counts of every table a stream writes (all runs), and of the SQLite stores. */
export async function workspaceCounts(engine: Engine, table: string): Promise<Record<string, number>> {
  const q = (schema: string, t: string) => `${schema}."${t}"`;
  const out: Record<string, number> = {};
  const duck: Array<[string, string, string]> = [
    ['prod', 'prod', table], ['history', 'prod', `${table}__history`], ['changes', 'prod', `${table}__changes`],
    ['quarantine', 'quarantine', table], ['violations', 'quarantine', `${table}__violations`], ['duplicates', 'quarantine', `${table}__duplicates`],
  ];
  for (const [key, schema, t] of duck) out[key] = (await tableExists(engine, schema, t)) ? await count(engine, `SELECT count(*) FROM ${q(schema, t)}`) : 0;
  for (const t of ['runs', 'proposals', 'audit', 'alerts', 'recipes', 'contract_versions']) {
    out[`sqlite.${t}`] = Number((engine.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
  }
  return out;
}
