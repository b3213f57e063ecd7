// Python tools the interop tests call (datacontract-cli, PyYAML). They live in a venv OUTSIDE the
// repository, created from PyPI the first time a test needs it, so `npm test` works on a bare
// machine and the repository never holds a virtualenv.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DATACONTRACT_VENV = join(homedir(), '.cache', 'airlock', 'venv-datacontract');

/** The venv's directory of executables, created with datacontract-cli in it when missing. */
export function datacontractVenv(): { python: string; datacontract: string } {
  const bin = join(DATACONTRACT_VENV, 'bin');
  const python = join(bin, 'python');
  const datacontract = join(bin, 'datacontract');
  if (!existsSync(datacontract)) {
    mkdirSync(join(homedir(), '.cache', 'airlock'), { recursive: true });
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', DATACONTRACT_VENV], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', 'datacontract-cli'], { stdio: 'inherit', timeout: 900_000 });
  }
  return { python, datacontract };
}

/** Runs a command and returns its exit code and output, never throwing on a non-zero exit. */
export function run(cmd: string, args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
