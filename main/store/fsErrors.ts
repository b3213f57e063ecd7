// A file system that refuses a write (read-only, full, a file where a folder should be, no
// permission) is the user's environment, not Airlock's bug: one line naming the path and what to
// do. Errors come from Node (err.code, err.path) and from DuckDB and SQLite (only a message).
import { UserError } from '../contract/errors.js';

interface Kind {
  test: RegExp;
  codes: string[];
  say: string;
}

const KINDS: Kind[] = [
  { codes: ['EROFS'], test: /read-only file system|SQLITE_READONLY|attempt to write a readonly database|read-only mode/i, say: 'is on a read-only file system: Airlock must write there. Use a writable folder (or copy the workspace to one)' },
  { codes: ['ENOSPC', 'EDQUOT'], test: /no space left on device|disk quota exceeded|SQLITE_FULL|database or disk is full|could not write all bytes/i, say: 'has no space left on the device: free some space (or use a folder on another disk) and try again; nothing half-written was kept' },
  { codes: ['ENOTDIR'], test: /not a directory/i, say: 'is (inside) a file, not a folder: pass a folder' },
  { codes: ['EISDIR'], test: /is a directory/i, say: 'is a folder, not a file: pass a file' },
  { codes: ['EACCES', 'EPERM'], test: /permission denied|operation not permitted/i, say: 'cannot be written: permission denied. Use a folder you may write to' },
  { codes: ['EEXIST'], test: /^$/, say: 'exists already and is in the way' },
];

/** The UserError for a file-system refusal, or null when `e` is something else. */
export function fsUserError(e: unknown, fallbackPath: string): UserError | null {
  if (e instanceof UserError) return e;
  const err = e as { code?: unknown; path?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return null;
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : '';
  const kind = KINDS.find((k) => k.codes.includes(code)) ?? KINDS.find((k) => k.test.test(message));
  if (!kind) return null;
  const path = typeof err.path === 'string' ? err.path : quotedPath(message) ?? fallbackPath;
  return new UserError(`${path} ${kind.say}.`, path);
}

/** DuckDB names the file in quotes: `Cannot open file "/x/y": Read-only file system`. */
function quotedPath(message: string): string | null {
  const m = /"(\/[^"]+)"/.exec(message);
  return m ? m[1] : null;
}

export function isDiskFull(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return !!err && (err.code === 'ENOSPC' || err.code === 'EDQUOT' || (typeof err.message === 'string' && KINDS[1].test.test(err.message)));
}
