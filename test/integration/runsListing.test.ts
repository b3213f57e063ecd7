// D: a run whose process was killed shows as interrupted (not "running") in the run list, before
// any later run recovers it; reconciliation lines always carry the pending count and add up.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { listRuns } from '../../main/pipeline/listRuns.js';
import { csvText, peopleContract, PEOPLE_HEADER, peopleRows, writeInput } from '../helpers/fixtures.js';
import { cliRun, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let engine: Engine;
let contractPath: string;

beforeAll(async () => {
  dir = tempDir('runs-listing');
  contractPath = writeInput(dir, 'people.odcs.yaml', peopleContract());
  engine = await openEngine(join(dir, 'ws'));
});
afterAll(() => engine?.close());

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('runs of a workspace', () => {
  it('a run left "running" by a dead process is listed as interrupted; one owned by a live process as running', async () => {
    const a = await runBatch(engine, { file: writeInput(dir, 'a.csv', csvText(PEOPLE_HEADER, peopleRows(1, 5))), contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
    const b = await runBatch(engine, { file: writeInput(dir, 'b.csv', csvText(PEOPLE_HEADER, peopleRows(6, 9))), contractPath, approval: { kind: 'none' }, remediation: { modelPath: null, embedderDir: null } });
    // What a killed process leaves behind: the row still says running, with its (dead) pid.
    const set = engine.sqlite.prepare("UPDATE runs SET status = 'running', options_json = json_set(options_json, '$.pid', ?) WHERE run_id = ?");
    set.run(deadPid(), a.runId);
    set.run(process.pid, b.runId);
    const byId = new Map(listRuns(engine).map((r) => [r.runId, r]));
    expect(byId.get(a.runId)?.status).toBe('interrupted');
    expect(byId.get(b.runId)?.status).toBe('running');
    // Legacy rows without a pid have no live owner either.
    engine.sqlite.prepare("UPDATE runs SET options_json = json_remove(options_json, '$.pid') WHERE run_id = ?").run(b.runId);
    expect(listRuns(engine).find((r) => r.runId === b.runId)?.status).toBe('interrupted');
  });

  it('the CLI run line and runs lines always show the pending count, and the terms add up', async () => {
    const ws = join(dir, 'ws-cli');
    const res = await cliRun(writeInput(dir, 'c.csv', csvText(PEOPLE_HEADER, [...peopleRows(1, 6), ['7', '', 'bad']])), contractPath, ws);
    const line = res.stderr.split('\n').find((l) => /· source \d+/.test(l))!;
    const m = /source (\d+) = success (\d+) \+ quarantine (\d+) \+ duplicates (\d+) \+ pending (\d+)/.exec(line);
    expect(m, line).not.toBeNull();
    const [src, ...terms] = m!.slice(1).map(Number);
    expect(terms.reduce((x, y) => x + y, 0)).toBe(src);
    const runs = await runCli(['runs', '--workspace', ws]);
    const m2 = /source (\d+) = success (\d+) \+ quarantine (\d+) \+ duplicates (\d+) \+ pending (\d+)/.exec(runs.stdout);
    expect(m2, runs.stdout).not.toBeNull();
    const [src2, ...terms2] = m2!.slice(1).map(Number);
    expect(terms2.reduce((x, y) => x + y, 0)).toBe(src2);
  }, 60_000);
});
