// Adversarial probes of the workspace lock (main/store/workspaceLock.ts): simultaneous runs on a
// new workspace, a lock file that is garbage / a folder / read-only, and in-process reference counting.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, cliRun, describeResult, runCli, summaryOf, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { openEngine } from '../../main/pipeline/context.js';

const STACK = /\n\s+at .+(\(|:\d+:\d+)/;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function inputs(): { dir: string; csv: string; contract: string } {
  const dir = tempDir('adv-workspace-lock');
  const csv = join(dir, 'people.csv');
  writeFileSync(csv, 'id,name\n1,Ann\n2,Bob\n3,\n');
  const contract = join(dir, 'people.odcs.yaml');
  writeFileSync(contract, `apiVersion: v3.1.0
kind: DataContract
id: people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - {name: id, logicalType: integer, required: true, primaryKey: true}
      - {name: name, logicalType: string, required: true}
`);
  return { dir, csv, contract };
}

function okOrRefused(r: CliResult): 'ran' | 'refused' {
  expect(r.stderr, describeResult(r)).not.toMatch(STACK);
  expect(r.stderr, describeResult(r)).not.toContain('internal error');
  if (r.code === 2) {
    expect(r.stderr, describeResult(r)).toContain('another Airlock process');
    return 'refused';
  }
  expect([0, 4], describeResult(r)).toContain(r.code);
  return 'ran';
}

/** A child process that opens the engine and reports whether it got it. */
function tryOpenInChild(ws: string): Promise<{ code: number | null; out: string; err: string }> {
  const code = `const m = await import(${JSON.stringify(join(REPO_ROOT, 'main/pipeline/context.ts'))});
    try { const e = await m.openEngine(${JSON.stringify(ws)}, [], { create: false }); e.close(); process.stdout.write('opened\\n'); process.exit(0); }
    catch (err) { process.stdout.write('refused: ' + err.message + '\\n'); process.exit(2); }`;
  const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  return new Promise((resolve) => {
    let out = '', err = '';
    c.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    c.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('adversarial workspace lock', () => {
  it('1. two runs started at once on a new workspace: never both at once, workspace reconciles', async () => {
    for (let round = 0; round < 5; round++) {
      const { dir, csv, contract } = inputs();
      const ws = join(dir, 'ws');
      const [a, b] = await Promise.all([cliRun(csv, contract, ws), cliRun(csv, contract, ws)]);
      const outcomes = [okOrRefused(a), okOrRefused(b)];
      expect(outcomes).toContain('ran');
      const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
      const runs = db.prepare('SELECT run_id, status, started_at, finished_at FROM runs ORDER BY started_at').all() as Array<{ status: string; started_at: string; finished_at: string | null }>;
      db.close();
      const ids = [a, b].filter((r) => r.code !== 2).map((r) => (summaryOf(r) as unknown as { runId: string }).runId);
      // a second run of the same file may be an idempotent replay of the first: same run id, one row
      expect(runs).toHaveLength(new Set(ids).size);
      if (runs.length === 2) expect(runs[0]!.finished_at! <= runs[1]!.started_at, JSON.stringify(runs)).toBe(true);
      const list = await runCli(['runs', '--workspace', ws, '--json']);
      expect(list.code, describeResult(list)).toBe(0);
      const listed = JSON.parse(list.stdout) as Array<{ status: string; reconciled: boolean }>;
      expect(listed.map((x) => [x.status, x.reconciled])).toEqual(runs.map(() => ['completed', true]));
    }
  }, 300_000);

  async function workspace(): Promise<string> {
    const { dir, csv, contract } = inputs();
    const ws = join(dir, 'ws');
    const r = await cliRun(csv, contract, ws);
    expect([0, 4], describeResult(r)).toContain(r.code);
    return ws;
  }

  function clearOrProceeds(r: CliResult): void {
    expect(r.stderr, describeResult(r)).not.toMatch(STACK);
    expect(r.stderr, describeResult(r)).not.toContain('internal error');
    expect([0, 2], describeResult(r)).toContain(r.code);
  }

  it('2a. workspace.lock.db of garbage bytes', async () => {
    const ws = await workspace();
    writeFileSync(join(ws, 'workspace.lock.db'), Buffer.from('this is not a sqlite database at all, just junk bytes '.repeat(200)));
    const r = await runCli(['runs', '--workspace', ws]);
    clearOrProceeds(r);
    // one message naming the file and what to do (before: exit 1, a stack trace)
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain('workspace.lock.db');
    expect(r.stderr).toContain('Remove');
  }, 120_000);

  it('2b. workspace.lock.db is a directory', async () => {
    const ws = await workspace();
    rmSync(join(ws, 'workspace.lock.db'), { force: true });
    mkdirSync(join(ws, 'workspace.lock.db'));
    const r = await runCli(['runs', '--workspace', ws]);
    clearOrProceeds(r);
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain('workspace.lock.db');
  }, 120_000);

  it('2c. workspace.lock.db is read-only (mode 0444; note: root ignores modes)', async () => {
    const ws = await workspace();
    const f = join(ws, 'workspace.lock.db');
    chmodSync(f, 0o444);
    const r = await runCli(['runs', '--workspace', ws]);
    chmodSync(f, 0o644);
    clearOrProceeds(r);
  }, 120_000);

  it('3. two engines in one process: the lock is held until the last closes', async () => {
    const ws = await workspace();
    const e1 = await openEngine(ws, [], { create: false });
    let e2;
    try {
      e2 = await openEngine(ws, [], { create: false });
    } catch (e) {
      e1.close();
      throw new Error(`second openEngine in the same process failed: ${(e as Error).message}`);
    }
    e1.close();
    const whileOne = await tryOpenInChild(ws);
    e2.close();
    const afterBoth = await tryOpenInChild(ws);
    expect(whileOne.code, whileOne.out + whileOne.err).toBe(2);
    expect(whileOne.out).toContain('another Airlock process');
    expect(afterBoth.code, afterBoth.out + afterBoth.err).toBe(0);
  }, 120_000);
});
