// Child processes for the proof suite: the real command line (bin/airlock.js) and the drivers in
// this folder, run with the repository as working directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const CLI = resolve(REPO, 'bin', 'airlock.js');
export const DEMO_CSV = resolve(REPO, 'resources', 'sample', 'customers.csv');
export const DEMO_CONTRACT = resolve(REPO, 'resources', 'sample', 'customers.odcs.yaml');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (or kills it after `timeoutMs`, which then shows as a signal). */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: REPO, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr });
    });
  });
}

/** `node bin/airlock.js ...args` to completion. */
export function airlock(args: string[], opts: { timeoutMs?: number } = {}): Promise<Finished> {
  return run(process.execPath, [CLI, ...args], opts);
}

/** Starts `node bin/airlock.js ...args`, handing back the child and each stderr line as it comes. */
export function startAirlock(args: string[], onLine: (line: string) => void): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    partial += d;
    let i: number;
    while ((i = partial.indexOf('\n')) >= 0) {
      onLine(partial.slice(0, i));
      partial = partial.slice(i + 1);
    }
  });
  const done = new Promise<Finished>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/**
 * The no-egress proof needs a network namespace with nothing but loopback. CI runs as root, where
 * `unshare --net` works; anywhere it does not, the proof fails loudly instead of being skipped.
 */
export function requireUnshare(): void {
  const r = spawnSync('unshare', ['--net', 'true'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${r.stderr.trim()}`;
    throw new Error(
      `'unshare --net true' failed (${why}). The no-egress proof runs the pipeline in a network namespace with only ` +
        'loopback, which needs root (or CAP_SYS_ADMIN) and util-linux; CI runs as root. Run the suite as root.',
    );
  }
}
