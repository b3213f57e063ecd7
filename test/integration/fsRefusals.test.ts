// A file system that refuses is one line and exit 2, never a stack trace: a read-only workspace
// (run, runs, export, replay), --workspace or --out that is a file, --out on a read-only mount,
// profile into a missing folder or of a folder, a full disk during a run (no temporary file left),
// and a mistyped --workspace for a command that only reads (no workspace created).
// Read-only and full file systems are real mounts in a private mount namespace (`unshare -m`, a
// read-only bind mount, a 1 MB tmpfs): where that is not possible the test fails, it never skips.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, cliRun, expectUserError, runCli, type CliResult } from '../helpers/cli.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: t
name: t
version: 1.0.0
schema:
  - name: t
    properties:
      - {name: a, logicalType: integer, primaryKey: true, required: true}
      - {name: b, logicalType: string}
`;

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** `airlock <args>` inside a private mount namespace after `mountCmd`. */
function inNamespace(mountCmd: string, args: string[], after = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const script = `${mountCmd} || { echo "mount failed" >&2; exit 99; }; ${q(process.execPath)} ${q(AIRLOCK_BIN)} ${args.map(q).join(' ')}; rc=$?; ${after} exit $rc`;
    const child = spawn('unshare', ['-m', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 99) reject(new Error(`this test needs a private mount namespace (unshare -m, mount): ${stderr}`));
      else resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr, args });
    });
  });
}

let dir: string;
let ws: string;
let contract: string;
let input: string;
let runId: string;

beforeAll(async () => {
  dir = tempDir('fs-refusals');
  ws = join(dir, 'ws');
  contract = writeInput(dir, 't.odcs.yaml', CONTRACT);
  input = writeInput(dir, 't.csv', csvText(['a', 'b'], Array.from({ length: 30 }, (_, i) => [String(i + 1), `v${i}`])));
  const res = await cliRun(input, contract, ws, ['--approve-all', '--no-model', '--no-embedder']);
  expect(res.code).toBe(0);
  runId = (JSON.parse(res.stdout.trim()) as { runId: string }).runId;
});

describe('a read-only workspace', () => {
  it('run, runs, export and replay each say so in one line', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    cpSync(ws, join(ro, 'ws'), { recursive: true });
    const mount = `mount --bind -o ro ${q(ro)} ${q(ro)}`;
    const rows = join(ro, 'ws');
    for (const args of [
      ['run', input, '--contract', contract, '--workspace', rows, '--no-model'],
      ['runs', '--workspace', rows],
      ['export', '--workspace', rows, '--out', join(dir, 'ro-export')],
      ['replay', runId, '--workspace', rows],
    ]) {
      const line = expectUserError(await inNamespace(mount, args));
      expect(line).toMatch(/read-only file system/);
    }
  });

  it('--out on a read-only mount says so, and writes nothing', async () => {
    const ro = join(dir, 'ro-out');
    mkdirSync(ro);
    const line = expectUserError(await inNamespace(`mount --bind -o ro ${q(ro)} ${q(ro)}`, ['export', '--workspace', ws, '--out', join(ro, 'out')]));
    expect(line).toMatch(/--out .*read-only file system/);
    expect(readdirSync(ro)).toEqual([]);
  });
});

describe('a full disk during a run', () => {
  it('is one line, exit 2, and leaves no temporary file', async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    // Big enough for the vault copy, too small for DuckDB to load it.
    const big = writeInput(dir, 'big.csv', csvText(['a', 'b'], Array.from({ length: 200_000 }, (_, i) => [String(i + 1), `value-${i}-${'x'.repeat(20)}`])));
    const fullWs = join(full, 'ws');
    // Inside the namespace, after the run: what is left in the workspace's temporary folder.
    const res = await inNamespace(`mount -t tmpfs -o size=9m tmpfs ${q(full)}`, ['run', big, '--contract', contract, '--workspace', fullWs, '--no-model', '--approve-all'],
      `test -d ${q(join(fullWs, 'tmp'))} && echo "tmp:[$(ls -A ${q(join(fullWs, 'tmp'))} | tr '\\n' ' ')]";`);
    const line = expectUserError(res);
    expect(line).toMatch(/no space left on the device/);
    expect(res.stdout).toContain('tmp:[]');
  });
});

describe('a full disk during an export', () => {
  it('is one line, exit 2, and leaves neither the export nor its temporary folder', async () => {
    const full = join(dir, 'full-export');
    mkdirSync(full);
    const res = await inNamespace(`mount -t tmpfs -o size=24k tmpfs ${q(full)}`, ['export', '--workspace', ws, '--out', join(full, 'out')],
      `echo "left:[$(ls -A ${q(full)} | tr '\\n' ' ')]";`);
    expect(expectUserError(res)).toMatch(/no space left on the device/);
    expect(res.stdout).toContain('left:[]');
  });
});

describe('paths that are files, folders or missing', () => {
  it('--workspace or --out that is a file, profile into a missing folder or of a folder', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(expectUserError(await runCli(['runs', '--workspace', file]))).toMatch(/is a file, not a folder/);
    expect(expectUserError(await runCli(['export', '--workspace', ws, '--out', file]))).toMatch(/--out .* is a file, not a folder/);
    expect(expectUserError(await runCli(['profile', input, '--out', join(dir, 'missing', 'c.odcs.yaml')]))).toMatch(/does not exist/);
    expect(expectUserError(await runCli(['profile', dir]))).toMatch(/is a folder/);
  });

  it('a mistyped --workspace for a command that only reads creates nothing', async () => {
    const typo = join(dir, 'wokspace');
    for (const args of [['runs', '--workspace', typo], ['export', '--workspace', typo, '--out', join(dir, 'x')], ['replay', runId, '--workspace', typo], ['release', runId, '--workspace', typo]]) {
      expect(expectUserError(await runCli(args))).toMatch(/no Airlock workspace at/);
      expect(existsSync(typo)).toBe(false);
    }
  });
});
