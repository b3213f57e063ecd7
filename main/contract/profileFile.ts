// `airlock profile <file>`: the file is staged in a throw-away, locked, in-memory DuckDB and a
// contract is proposed from it for the analyst to review.
import { dirname, basename, resolve } from 'node:path';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLockedDuckDB } from '../store/duckdb.js';
import { UserError } from './errors.js';
import { profileFile } from './profile.js';

export async function profileInputFile(path: string): Promise<string> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UserError(`${path}: no such file. Check the path.`, path);
  // A folder, a FIFO or a device is not a file to profile (a FIFO would block the read forever).
  if (!statSync(abs).isFile()) throw new UserError(`${path}: not a regular file. Pass a CSV or Parquet file.`, path);
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
  const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dirname(abs), scratch] });
  try {
    const proposal = await profileFile(db.conn, abs, basename(abs), { scratchDir: scratch });
    return proposal.yaml;
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
