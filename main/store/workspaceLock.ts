// One Airlock process per workspace. The lock is an exclusive SQLite transaction held open on
// `workspace.lock.db` for as long as the process uses the workspace: the operating system drops
// it when the process ends, however it ends (a SIGKILL, a crash, a power cut), and two processes
// starting at once cannot both take it. A pid in a file was not enough: after a crash the pid is
// given to some unrelated process (after a reboot, soon), and the workspace stayed "in use by
// another Airlock process" for good; two processes that both found no file both went on.
// `workspace.lock` keeps the holder's pid, only to name it in the message.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../contract/errors.js';

interface Held { db: Database.Database; count: number; pidFile: string }

/** Locks this process holds, by workspace root: engines opened twice in one process share one. */
const held = new Map<string, Held>();

function holderPid(pidFile: string): string {
  try {
    return readFileSync(pidFile, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Takes the workspace's lock (or shares this process's); returns its release. */
export function acquireWorkspaceLock(root: string): () => void {
  const mine = held.get(root);
  if (mine) {
    mine.count++;
    return once(() => release(root));
  }
  const pidFile = resolve(root, 'workspace.lock');
  const lockFile = resolve(root, 'workspace.lock.db');
  let db: Database.Database | null = null;
  try {
    db = new Database(lockFile, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') {
      // Not a lock SQLite can hold (garbage bytes, a folder, no permission): it holds no data.
      throw new UserError(`${lockFile}: cannot take the workspace lock (${(e as Error).message}). Remove ${lockFile} (it holds no data) and try again.`, lockFile);
    }
    const pid = holderPid(pidFile);
    const who = pid ? `another Airlock process (pid ${pid})` : 'another Airlock process';
    throw new UserError(`${root}: ${who} is using this workspace. Wait for it to finish or pass another --workspace.`, root)
      .inTheApp(`${who[0]!.toUpperCase()}${who.slice(1)} is using this workspace, perhaps the command line. Wait for it to finish, then try again.`);
  }
  writeFileSync(pidFile, String(process.pid));
  held.set(root, { db: db!, count: 1, pidFile });
  return once(() => release(root));
}

function release(root: string): void {
  const h = held.get(root);
  if (!h || --h.count > 0) return;
  held.delete(root);
  try {
    if (holderPid(h.pidFile) === String(process.pid)) unlinkSync(h.pidFile);
  } finally {
    h.db.close(); // ends the transaction: the next process may take the workspace
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
