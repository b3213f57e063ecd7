// Opens the workspace's DuckDB database with external access locked down: only the workspace
// and the input file's folder are readable or writable, no extension is installed or loaded,
// and the configuration is frozen so that no later SQL (a contract's check, a rule) can undo it.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { resolve } from 'node:path';

export interface LockedDuckDB {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface OpenOptions {
  /** database file, or ':memory:' */
  path: string;
  /** folders DuckDB may read or write; everything else is refused */
  allowedDirectories: string[];
  /** memory cap; DuckDB spills to tempDirectory beyond it */
  memoryLimit?: string;
  tempDirectory?: string;
  threads?: number;
}

export async function openLockedDuckDB(opts: OpenOptions): Promise<LockedDuckDB> {
  const dirs = [...new Set(opts.allowedDirectories.map((d) => resolve(d) + '/'))];
  const instance = await DuckDBInstance.create(opts.path, {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(opts.threads ? { threads: String(opts.threads) } : {}),
  });
  const conn = await instance.connect();
  const list = `[${dirs.map(sqlString).join(', ')}]`;
  await conn.run(`SET allowed_directories = ${list}`);
  if (opts.tempDirectory) await conn.run(`SET temp_directory = ${sqlString(resolve(opts.tempDirectory))}`);
  if (opts.memoryLimit) await conn.run(`SET memory_limit = ${sqlString(opts.memoryLimit)}`);
  // What DuckDB's allocator frees goes back to the system soon, not kept for reuse: the budget
  // bounds the buffer manager only, and freed memory held past it is resident all the same. At
  // 2.3M rows this took the peak from 1,927 to 1,814 MB (validate 1,624 to 1,397; docs/performance.md).
  await conn.run(`SET allocator_background_threads = true`);
  await conn.run(`SET allocator_flush_threshold = '16MB'`);
  await conn.run(`SET allocator_bulk_deallocation_flush_threshold = '16MB'`);
  // Timestamps without an offset are UTC, whatever the machine's zone: a value never moves with it.
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(`SET enable_external_access = false`);
  await conn.run(`SET lock_configuration = true`);
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs a query and returns plain JS objects (BigInts narrowed to numbers where safe). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((row) => normaliseRow(row)) as T[];
}

export async function queryValue<T = unknown>(conn: DuckDBConnection, sql: string): Promise<T> {
  const rows = await queryRows(conn, sql);
  const first = rows[0];
  return (first ? Object.values(first)[0] : undefined) as T;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  return out;
}

/** The resource settings in force on a connection, as DuckDB itself reports them (duckdb_settings()). */
export interface DuckResourceSettings { memory_limit: string; threads: string; temp_directory: string }

export async function duckResourceSettings(conn: DuckDBConnection): Promise<DuckResourceSettings> {
  const rows = await queryRows<{ name: string; value: string }>(conn, `SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', 'temp_directory')`);
  const get = (n: string) => String(rows.find((r) => r.name === n)?.value ?? '');
  return { memory_limit: get('memory_limit'), threads: get('threads'), temp_directory: get('temp_directory') };
}
