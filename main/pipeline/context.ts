// Everything one run needs, opened once: workspace paths, the SQLite store and audit log, the
// locked DuckDB connection. Closing it releases the workspace lock.
import { resolve } from 'node:path';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { AuditLog } from '../audit/log.js';
import { openLockedDuckDB, type LockedDuckDB } from '../store/duckdb.js';
import { openSqlite, type Sqlite } from '../store/sqlite.js';
import { ensureWorkspace, type WorkspacePaths } from '../store/workspace.js';
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Opens a workspace for one process. A lock file keeps two processes from writing the same
 * DuckDB database; a lock left by a killed process is taken over.
 */
export async function openEngine(root: string, extraDirs: string[] = []): Promise<Engine> {
  const ws = ensureWorkspace(root);
  const lock = resolve(ws.root, 'workspace.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new UserError(`${ws.root}: another Airlock process (pid ${pid}) is using this workspace. Wait for it to finish or pass another --workspace.`, ws.root);
    }
  }
  writeFileSync(lock, String(process.pid));
  const sqlite = openSqlite(ws.sqlite);
  const audit = new AuditLog(sqlite);
  const duck = await openLockedDuckDB({
    path: ws.duckdb,
    allowedDirectories: [ws.root, ...extraDirs.map((d) => resolve(d))],
    tempDirectory: ws.tmp,
    // DuckDB spills beyond this; with Node and the models the process stays under 2 GB.
    memoryLimit: process.env.AIRLOCK_MEMORY_LIMIT ?? '1500MB',
  });
  const pii = new PiiProtector(sqlite, loadOrCreateWorkspaceSecret(ws.keys));
  let closed = false;
  return {
    ws, sqlite, audit, duck, pii,
    protect: (change, kind) => pii.protectChange(change, kind),
    close() {
      if (closed) return;
      closed = true;
      try { duck.close(); } catch { /* already closed */ }
      try { sqlite.close(); } catch { /* already closed */ }
      try { if (readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock); } catch { /* gone */ }
    },
  };
}
