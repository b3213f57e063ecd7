// The raw vault: every input's bytes, copied under their SHA-256 before anything else happens
// and never modified. Copy to a temp file, fsync, then rename: a crash leaves no partial entry.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, fsyncSync, openSync, closeSync, renameSync, statSync, unlinkSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, extname, join } from 'node:path';
import { UserError } from '../contract/errors.js';
import { fsUserError } from '../store/fsErrors.js';
import { CsvScanWriter, type CsvScan } from './csvScan.js';
import type { ScanLimits } from './recordScanner.js';
import { looksLikeUtf16 } from './encoding.js';

export interface VaultEntry {
  sha256: string;
  bytes: number;
  vaultPath: string;
  originalName: string;
  extension: string;
}

/** Partial copies left by a process that was killed mid-copy are removed (never a vault entry). */
function removeStaleIncoming(vaultDir: string): void {
  for (const name of readdirSync(vaultDir)) {
    const m = /^\.incoming-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(vaultDir, name), { force: true });
    }
  }
}

export interface VaultOptions {
  /** where the scan's derived files go; without it the file is copied and hashed only */
  scratchDir?: string;
  limits?: ScanLimits;
}

/** Text the scanner can read: not UTF-16, and not a .parquet file (whose first bytes are PAR1). */
function scannable(head: Buffer, ext: string): boolean {
  if (ext === '.parquet' && head.subarray(0, 4).toString('latin1') === 'PAR1') return false;
  return !looksLikeUtf16(head);
}

/**
 * Copies the file into the vault and, in the same read, hashes it, counts its bytes and (for
 * text) scans its records. Size and hash are of what was copied, not of a stat taken earlier:
 * a file that changes while it is read is vaulted as it was read.
 */
export async function storeInVault(inputPath: string, vaultDir: string, opts: VaultOptions = {}): Promise<VaultEntry & { scan?: CsvScan }> {
  removeStaleIncoming(vaultDir);
  try {
    const st = statSync(inputPath);
    if (!st.isFile()) throw new UserError(`${inputPath}: not a file. Pass a CSV or Parquet file.`, inputPath);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${inputPath}: cannot read the input file (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check the path.`, inputPath);
  }
  const ext = extname(inputPath).toLowerCase() || '.csv';
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = join(vaultDir, `.incoming-${stamp}`);
  const hash = createHash('sha256');
  let bytes = 0;
  let scanner: CsvScanWriter | null = null;
  let decided = false;
  const scratch = opts.scratchDir;
  const derived = scratch ? [join(scratch, `parse-${stamp}.csv`), join(scratch, `malformed-${stamp}.jsonl`)] : [];
  let scan: CsvScan | undefined;
  try {
    const out = createWriteStream(tmp, { mode: 0o600 });
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    failed.catch(() => {});
    for await (const raw of createReadStream(inputPath)) {
      const chunk = raw as Buffer;
      hash.update(chunk);
      bytes += chunk.length;
      if (!decided) {
        decided = true;
        if (scratch && scannable(chunk, ext)) scanner = new CsvScanWriter(derived[0], derived[1], opts.limits);
      }
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      if (scanner) await scanner.push(chunk);
    }
    out.end();
    await Promise.race([once(out, 'close'), failed]);
    if (scanner) scan = await scanner.end();
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    if (scanner) await scanner.abort();
    for (const f of [tmp, ...derived]) rmSync(f, { force: true });
    // A refusal of the file system (full, read-only) names the path it refused; the rest names the input.
    throw fsUserError(e, vaultDir) ?? new UserError(`${inputPath}: cannot copy the file into the vault (${(e as Error).message}).`, inputPath);
  }
  const sha256 = hash.digest('hex');
  const vaultPath = join(vaultDir, `${sha256}${ext}`);
  if (existsSync(vaultPath)) unlinkSync(tmp);
  else {
    renameSync(tmp, vaultPath);
    chmodSync(vaultPath, 0o400);
  }
  return { sha256, bytes, vaultPath, originalName: basename(inputPath), extension: ext, scan };
}
