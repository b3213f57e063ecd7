// A14: replay is faithful for any run of a stream, not only its first: a run that used the
// recipe, a second delivery repeating and changing rows of the first, a run in a copied
// workspace (whose original is gone), each replays identical. An altered vault file is named as
// altered; a replay that differs says what differs and is not the Sev-1 exit code.
import { chmodSync, cpSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../main/contract/errors.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { demoPaths } from '../../main/pipeline/demo.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { replayRun } from '../../main/pipeline/replay.js';
import { vaultFileOf } from '../../main/pipeline/vaultFile.js';
import type { ApprovalMode, RunSummary } from '../../main/pipeline/types.js';
import { CUSTOMER_HEADER, customerRows } from '../../scripts/make-demo-sample.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let ws: string;
let engine: Engine;
const runs: RunSummary[] = [];
const rowsOf = (n: number, seed: number, offset: number) => customerRows(n, seed).map((r) => [String(Number(r[0]) + offset), ...r.slice(1)]);

beforeAll(async () => {
  dir = tempDir('replay-faithful');
  ws = join(dir, 'ws');
  const { contract } = demoPaths();
  engine = await openEngine(ws);
  const run = async (name: string, rows: string[][], approval: ApprovalMode) =>
    runs.push(await runBatch(engine, { file: writeInput(dir, name, csvText(CUSTOMER_HEADER, rows)), contractPath: contract, approval, remediation: { modelPath: null, embedderDir: null } }));
  const day1 = rowsOf(200, 7, 0);
  await run('day1.csv', day1, { kind: 'all' });
  // A second delivery: 60 rows of day 1 byte for byte, 20 of them changed (same keys), new rows.
  const changed = day1.slice(100, 120).map((r) => [r[0], `${r[1]} jr`, ...r.slice(2)]);
  await run('day2.csv', [...day1.slice(0, 60), ...changed, ...rowsOf(150, 11, 1000)], { kind: 'none' });
  await run('day3.csv', rowsOf(200, 13, 2000), { kind: 'all' });
}, 240_000);

afterAll(() => engine?.close());

describe('replay of any run (A14)', () => {
  it('the runs exercise the cases: re-delivered rows, the recipe waiting, the recipe applied', () => {
    expect(runs[1].duplicateRows).toBeGreaterThanOrEqual(60);
    expect(runs[1].recipe?.waiting).toBeGreaterThan(0);
    expect(runs[2].recipe?.applied).toBeGreaterThan(0);
  });

  for (const i of [0, 1, 2]) {
    it(`run ${i + 1} replays identical`, async () => {
      const res = await replayRun(engine, runs[i].runId);
      expect(res.differences).toEqual([]);
      expect(res.identical).toBe(true);
      expect(res.reconciled).toBe(true);
    }, 120_000);
  }

  it('a copied workspace replays from its own vault, with the original gone', async () => {
    engine.close();
    const copy = join(dir, 'ws-copy');
    cpSync(ws, copy, { recursive: true });
    rmSync(join(ws, 'vault'), { recursive: true, force: true });
    const copied = await openEngine(copy);
    try {
      const row = copied.sqlite.prepare('SELECT vault_path FROM runs WHERE run_id = ?').get(runs[1].runId) as { vault_path: string };
      expect(vaultFileOf(copied.ws, row.vault_path).startsWith(copied.ws.root)).toBe(true);
      const res = await replayRun(copied, runs[1].runId);
      expect(res.identical, res.message).toBe(true);

      // An altered vault file is named as altered, not replayed.
      const vault = vaultFileOf(copied.ws, row.vault_path);
      chmodSync(vault, 0o600);
      appendFileSync(vault, '9999,x,y\n');
      await expect(replayRun(copied, runs[1].runId)).rejects.toThrow(UserError);
      await expect(replayRun(copied, runs[1].runId)).rejects.toThrow(/was altered/);

      // A replay that differs (production edited behind Airlock's back) is reported, exit 1, not 10.
      await copied.duck.conn.run(`DELETE FROM prod.customers WHERE _airlock_run_id = '${runs[2].runId}' AND _airlock_row_id IN (SELECT min(_airlock_row_id) FROM prod.customers WHERE _airlock_run_id = '${runs[2].runId}')`);
    } finally {
      copied.close();
    }
    const cli = await runCli(['replay', runs[2].runId, '--workspace', copy, '--json'], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stderr).toMatch(/DIFFERENT from the original run: .*successRows|clean rows differ/);
    engine = await openEngine(copy);
  }, 240_000);
});
