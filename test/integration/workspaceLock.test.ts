// One Airlock process per workspace (main/store/workspaceLock.ts), told apart from a pid that an
// unrelated process now has. A killed Airlock leaves its pid in `workspace.lock` and in the runs
// and jobs it owned; the system soon gives that pid to another process. Before, the workspace then
// stayed "in use by another Airlock process" and the run "running" for good. Here the pid of a
// live `sleep` stands for the reused pid; a real second Airlock process (a child holding an
// engine open) must still be refused, and its workspace freed when it is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, cliRun, describeResult, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A live process that is not Airlock: its pid plays a dead Airlock's reused pid. */
function unrelatedProcess(): number {
  const c = spawn('sleep', ['120'], { stdio: 'ignore' });
  children.push(c);
  return c.pid!;
}

/** A second Airlock process holding the workspace open (the engine, as every command opens it). */
async function holder(ws: string): Promise<ChildProcess> {
  const code = `const m = await import(${JSON.stringify(join(REPO_ROOT, 'main/pipeline/context.ts'))});
    await m.openEngine(${JSON.stringify(ws)}, [], { create: false });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);`;
  const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    c.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    c.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
    c.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
  return c;
}

async function workspaceWithOneRun(): Promise<string> {
  const dir = tempDir('workspace-lock');
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
  const ws = join(dir, 'ws');
  const r = await cliRun(csv, contract, ws);
  expect([0, 4], describeResult(r)).toContain(r.code);
  return ws;
}

describe('the workspace lock', () => {
  it('a pid left in workspace.lock that an unrelated process now has does not block the workspace', async () => {
    const ws = await workspaceWithOneRun();
    writeFileSync(join(ws, 'workspace.lock'), String(unrelatedProcess()));
    const r = await runCli(['runs', '--workspace', ws]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toContain('reconciled');
  }, 120_000);

  it('a live Airlock process holding the workspace is refused by name; killed, it frees the workspace', async () => {
    const ws = await workspaceWithOneRun();
    const h = await holder(ws);
    const refused = await runCli(['runs', '--workspace', ws]);
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain(`another Airlock process (pid ${h.pid}) is using this workspace`);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
    h.kill('SIGKILL');
    await new Promise((resolve) => h.once('exit', resolve));
    // its pid is still written in workspace.lock: the operating system's lock went with it
    const after = await runCli(['runs', '--workspace', ws]);
    expect(after.code, describeResult(after)).toBe(0);
  }, 120_000);

  it("a run left 'running' by a killed process whose pid is now another process's is listed as interrupted, not running", async () => {
    const ws = await workspaceWithOneRun();
    const pid = unrelatedProcess();
    const db = new Database(join(ws, 'airlock.sqlite'));
    try {
      // as a SIGKILL leaves it: status 'running', the owner's pid in the run's options
      db.prepare(`UPDATE runs SET status = 'running', options_json = json_set(coalesce(options_json, '{}'), '$.pid', ?)`).run(pid);
    } finally {
      db.close();
    }
    const r = await runCli(['runs', '--workspace', ws, '--json']);
    expect(r.code, describeResult(r)).toBe(0);
    const runs = JSON.parse(r.stdout) as Array<{ status: string }>;
    expect(runs.map((x) => x.status)).toEqual(['interrupted']);
  }, 120_000);
});
