// The shell's log: every blocked request, denied permission, refused navigation or IPC call,
// and engine restart, with a timestamp, to stderr and to a file in the app's data folder.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

let file: string | null = null;

export function logToFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  file = join(dir, 'shell.log');
}

export function shellLog(message: string): void {
  const line = `${new Date().toISOString()} ${message}`;
  process.stderr.write(`[airlock] ${line}\n`);
  if (file) {
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      /* the log must never take the app down */
    }
  }
}
