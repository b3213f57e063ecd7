// A workspace is one folder: the raw vault, the DuckDB data, the SQLite run/audit store and the
// signing key. Everything Airlock writes lives here.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface WorkspacePaths {
  root: string;
  vault: string;
  duckdb: string;
  sqlite: string;
  tmp: string;
  /** DuckDB's temp_directory: where it spills past its memory budget (created and removed by openEngine) */
  spill: string;
  keys: string;
}

export function workspacePaths(root: string): WorkspacePaths {
  const abs = resolve(root);
  return {
    root: abs,
    vault: join(abs, 'vault'),
    duckdb: join(abs, 'data.duckdb'),
    sqlite: join(abs, 'airlock.sqlite'),
    tmp: join(abs, 'tmp'),
    spill: join(abs, 'tmp', 'duckdb-spill'),
    keys: join(abs, 'keys'),
  };
}

export function ensureWorkspace(root: string): WorkspacePaths {
  const p = workspacePaths(root);
  for (const dir of [p.root, p.vault, p.tmp]) mkdirSync(dir, { recursive: true });
  mkdirSync(p.keys, { recursive: true, mode: 0o700 });
  return p;
}

/** Removes what a stopped run left in the workspace's temporary folder (DuckDB spill files, scratch copies). */
export function clearWorkspaceTmp(p: WorkspacePaths): void {
  try {
    for (const name of readdirSync(p.tmp)) rmSync(`${p.tmp}/${name}`, { recursive: true, force: true });
  } catch {
    /* nothing there, or nothing removable */
  }
}
