// Everything one run needs, opened once: workspace paths, the SQLite store and audit log, the
// locked DuckDB connection. Closing it releases the workspace lock.
import { resolve } from 'node:path';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AuditLog } from '../audit/log.js';
import { openLockedDuckDB, type LockedDuckDB } from '../store/duckdb.js';
import { openSqlite, type Sqlite } from '../store/sqlite.js';
import { ensureWorkspace, workspacePaths, type WorkspacePaths } from '../store/workspace.js';
import { fsUserError } from '../store/fsErrors.js';
import { acquireWorkspaceLock } from '../store/workspaceLock.js';
import { UserError } from '../contract/errors.js';
import { PiiProtector, loadOrCreateWorkspaceSecret } from '../audit/pii.js';
import type { CellChange } from '../audit/log.js';
import type { PiiKind } from '../contract/types.js';

export interface Engine {
  ws: WorkspacePaths;
  sqlite: Sqlite;
  audit: AuditLog;
  duck: LockedDuckDB;
  pii: PiiProtector;
  /** personal data in a cell change becomes a keyed token before it reaches the audit log */
  protect(change: CellChange, columnKind?: PiiKind): CellChange;
  close(): void;
}

export interface OpenEngineOptions {
  /** false for commands that only use an existing workspace: a typo must not create one */
  create?: boolean;
  /** DuckDB's memory budget ('1.5GB', '800MB'); default $AIRLOCK_MEMORY_LIMIT, else DEFAULT_MEMORY_LIMIT */
  memoryLimit?: string;
  /** DuckDB's worker threads; default $AIRLOCK_THREADS, else every core the process may use */
  threads?: number;
}

/**
 * DuckDB's memory budget unless told otherwise. Past it DuckDB spills to the workspace's spill
 * folder, so a file of any size runs in bounded memory; with Node and the models beside it the
 * process stays near 2 GB on a laptop.
 */
export const DEFAULT_MEMORY_LIMIT = '1.5GB';

const MEMORY_SIZE = /^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;

/** The budget and thread count the engine opens DuckDB with: option, then environment, then default. */
export function duckResources(opts: OpenEngineOptions = {}): { memoryLimit: string; threads: number } {
  const memoryLimit = opts.memoryLimit ?? process.env.AIRLOCK_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT;
  const from = opts.memoryLimit !== undefined ? '--memory-limit' : process.env.AIRLOCK_MEMORY_LIMIT !== undefined ? 'AIRLOCK_MEMORY_LIMIT' : 'the default memory limit';
  if (!MEMORY_SIZE.test(memoryLimit)) throw new UserError(`${from} ${JSON.stringify(memoryLimit)} is not a memory size: write it as a number and a unit, e.g. 1.5GB or 800MB.`);
  const envThreads = process.env.AIRLOCK_THREADS;
  const threads = opts.threads ?? (envThreads !== undefined && envThreads !== '' ? Number(envThreads) : availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UserError(`${opts.threads !== undefined ? '--threads' : 'AIRLOCK_THREADS'} ${JSON.stringify(String(opts.threads ?? envThreads))} is not a thread count: give a whole number of at least 1.`);
  }
  return { memoryLimit: memoryLimit.trim(), threads };
}

/** Refuses a --workspace that is a file, or (when not creating) that holds no workspace. */
function checkWorkspaceRoot(root: string, create: boolean): void {
  const p = workspacePaths(root);
  if (existsSync(p.root) && !statSync(p.root).isDirectory()) throw new UserError(`--workspace ${p.root} is a file, not a folder: pass a workspace folder.`, p.root);
  if (!create && !existsSync(p.sqlite)) {
    throw new UserError(`there is no Airlock workspace at ${p.root} (no ${p.sqlite}): check --workspace, or create one by running a file: airlock run <file> --contract <c.odcs.yaml> --workspace DIR`, p.root);
  }
}

/**
 * Opens a workspace for one process. A lock file keeps two processes from writing the same
 * DuckDB database; a lock left by a killed process is taken over. A file system that refuses
 * (read-only, full) is one clear UserError naming the path, with nothing left open.
 */
export async function openEngine(root: string, extraDirs: string[] = [], opts: OpenEngineOptions = {}): Promise<Engine> {
  checkWorkspaceRoot(root, opts.create ?? true);
  const resources = duckResources(opts);
  const opened: Array<() => void> = [];
  try {
    return await openChecked(root, extraDirs, opened, resources);
  } catch (e) {
    for (const close of opened.reverse()) {
      try { close(); } catch { /* best effort */ }
    }
    throw fsUserError(e, workspacePaths(root).root) ?? e;
  }
}

async function openChecked(root: string, extraDirs: string[], opened: Array<() => void>, resources: { memoryLimit: string; threads: number }): Promise<Engine> {
  const ws = ensureWorkspace(root);
  const releaseLock = acquireWorkspaceLock(ws.root);
  opened.push(releaseLock);
  const sqlite = openSqlite(ws.sqlite);
  opened.push(() => sqlite.close());
  const audit = new AuditLog(sqlite);
  // The spill folder is this process's alone (the lock above): what a killed process left there
  // is removed before DuckDB opens, and the folder itself when the engine closes.
  rmSync(ws.spill, { recursive: true, force: true });
  mkdirSync(ws.spill, { recursive: true });
  opened.push(() => rmSync(ws.spill, { recursive: true, force: true }));
  const duck = await openLockedDuckDB({
    path: ws.duckdb,
    allowedDirectories: [ws.root, ...extraDirs.map((d) => resolve(d))],
    tempDirectory: ws.spill,
    memoryLimit: resources.memoryLimit,
    threads: resources.threads,
  });
  opened.push(() => duck.close());
  const pii = new PiiProtector(sqlite, loadOrCreateWorkspaceSecret(ws.keys));
  let closed = false;
  return {
    ws, sqlite, audit, duck, pii,
    protect: (change, kind) => pii.protectChange(change, kind),
    close() {
      if (closed) return;
      closed = true;
      try { duck.close(); } catch { /* already closed */ }
      try { rmSync(ws.spill, { recursive: true, force: true }); } catch { /* best effort: the next open clears it */ }
      try { sqlite.close(); } catch { /* already closed */ }
      try { releaseLock(); } catch { /* gone */ }
    },
  };
}
