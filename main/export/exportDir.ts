// The export folder: everything is written into a temporary sibling folder and swapped in at the
// end, so a failed export leaves nothing half-written; and only a folder that is empty, missing or
// an earlier Airlock export (it holds the marker this file writes, naming every file Airlock put
// there) is ever replaced. Anything else is the user's: refused, never deleted or overwritten.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../contract/errors.js';
import { BUNDLE_DIR, BUNDLE_PREDICATE_TYPE, STATEMENT_FILE } from '../audit/bundle.js';

export const EXPORT_MARKER = 'airlock-export.json';
const MARKER_FORMAT = 'airlock-export/v1';

interface Marker {
  format: string;
  runId: string;
  files: string[];
}

/** The temporary sibling an export into `out` is written to (the CLI lets DuckDB write there). */
export function stagingDirFor(out: string): string {
  const abs = resolve(out);
  return join(dirname(abs), `.${basename(abs)}.airlock-export-tmp`);
}

function readMarker(dir: string): Marker | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, EXPORT_MARKER), 'utf8')) as Marker;
    return m && m.format === MARKER_FORMAT && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

/** What an export written before the marker existed holds: recognised by its signed statement. */
const LEGACY_FILES = ['clean.csv', 'clean.parquet', 'quarantine.csv', 'bundle', 'bundle.zip'];

function legacyExport(dir: string, names: string[]): Marker | null {
  if (!names.every((n) => LEGACY_FILES.includes(n))) return null;
  try {
    const statement = JSON.parse(readFileSync(join(dir, BUNDLE_DIR, STATEMENT_FILE), 'utf8')) as { predicateType?: unknown };
    return statement.predicateType === BUNDLE_PREDICATE_TYPE ? { format: MARKER_FORMAT, runId: '', files: names } : null;
  } catch {
    return null;
  }
}

/** Refuses an --out that Airlock may not replace, before anything is written. */
export function checkExportTarget(out: string): void {
  const abs = resolve(out);
  if (!existsSync(abs)) return;
  if (!statSync(abs).isDirectory()) throw new UserError(`--out ${abs} is a file, not a folder: pass a folder to export into (a new or empty one).`, abs)
    .inTheApp(`${abs} is a file, not a folder: move it away and export again.`);
  const names = readdirSync(abs);
  if (names.length === 0) return;
  const marker = readMarker(abs) ?? legacyExport(abs, names);
  if (!marker) throw new UserError(`--out ${abs} is not empty and is not an earlier Airlock export: nothing was written. Export into a new or empty folder.`, abs)
    .inTheApp(`The export folder ${abs} is not empty and is not an earlier Airlock export: nothing was written. Move its files away and export again.`);
  const ours = new Set([...marker.files, EXPORT_MARKER]);
  const foreign = names.filter((n) => !ours.has(n));
  if (foreign.length > 0) {
    const list = `${foreign.length} file(s) Airlock did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`;
    throw new UserError(`--out ${abs} is an earlier Airlock export but also holds ${list}: move them away or export into another folder.`, abs)
      .inTheApp(`The export folder ${abs} is an earlier Airlock export but also holds ${list}: move them away and export again.`);
  }
}

/** A fresh, empty staging folder for `out` (a leftover one from a killed export is removed). */
export function createStagingDir(out: string): string {
  const staging = stagingDirFor(out);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  mkdirSync(staging);
  return staging;
}

export function writeMarker(staging: string, runId: string): void {
  const files = readdirSync(staging).filter((n) => n !== EXPORT_MARKER).sort();
  const marker: Marker = { format: MARKER_FORMAT, runId, files };
  writeFileSync(join(staging, EXPORT_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
}

/** Swaps the finished staging folder in as `out`; an earlier export there is removed only after. */
export function commitStagingDir(staging: string, out: string): void {
  const abs = resolve(out);
  checkExportTarget(abs);
  let previous: string | null = null;
  if (existsSync(abs)) {
    previous = `${staging}-old`;
    rmSync(previous, { recursive: true, force: true });
    renameSync(abs, previous);
  }
  try {
    renameSync(staging, abs);
  } catch (e) {
    if (previous) renameSync(previous, abs);
    throw e;
  }
  if (previous) rmSync(previous, { recursive: true, force: true });
}

export function discardStagingDir(out: string): void {
  rmSync(stagingDirFor(out), { recursive: true, force: true });
  rmSync(`${stagingDirFor(out)}-old`, { recursive: true, force: true });
}
