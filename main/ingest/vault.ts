// The raw vault: every input's bytes, copied under their SHA-256 before anything else happens
// and never modified. Copy to a temp file, fsync, then rename: a crash leaves no partial entry.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, fsyncSync, openSync, closeSync, renameSync, statSync, unlinkSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { UserError } from '../contract/errors.js';

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

export async function storeInVault(inputPath: string, vaultDir: string): Promise<VaultEntry> {
  removeStaleIncoming(vaultDir);
  let size: number;
  try {
    const st = statSync(inputPath);
    if (!st.isFile()) throw new UserError(`${inputPath}: not a file. Pass a CSV or Parquet file.`, inputPath);
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${inputPath}: cannot read the input file (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check the path.`, inputPath);
  }
  const ext = extname(inputPath).toLowerCase() || '.csv';
  const tmp = join(vaultDir, `.incoming-${process.pid}-${Date.now()}`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(inputPath), tap, createWriteStream(tmp, { mode: 0o600 }));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new UserError(`${inputPath}: cannot copy the file into the vault (${(e as Error).message}).`, inputPath);
  }
  const sha256 = hash.digest('hex');
  const vaultPath = join(vaultDir, `${sha256}${ext}`);
  if (existsSync(vaultPath)) unlinkSync(tmp);
  else {
    renameSync(tmp, vaultPath);
    chmodSync(vaultPath, 0o400);
  }
  return { sha256, bytes: size, vaultPath, originalName: basename(inputPath), extension: ext };
}
