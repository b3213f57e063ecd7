// Filesystem snapshots for "nothing was written outside the workspace": every file and folder
// under a root (size and modification time), compared before and after.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Snapshot = Map<string, string>;

/** Every entry under `root`, except those whose path relative to root matches `skip`. */
export function snapshot(root: string, skip?: RegExp): Snapshot {
  const out: Snapshot = new Map();
  if (!existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (skip?.test(rel)) continue;
      const st = lstatSync(p);
      out.set(rel, st.isDirectory() ? 'dir' : `${st.size}:${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

/** Entries added, changed or removed between two snapshots, as readable lines. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of after) {
    if (!before.has(k)) out.push(`added ${k}`);
    else if (before.get(k) !== v) out.push(`changed ${k}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out;
}
