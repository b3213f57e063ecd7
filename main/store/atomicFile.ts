// Creates a file only if it does not exist, atomically: the bytes go to a temporary file (fsync)
// that is then hard-linked into place. A crash leaves either no file or the whole file, never an
// empty or partial one; of two processes racing, one wins and the other reads the winner's.
import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';

/** Returns true when this call created the file, false when it already existed. */
export function createFileOnce(path: string, bytes: Buffer | string, mode = 0o600): boolean {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}
