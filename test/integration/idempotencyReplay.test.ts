// The same file run twice with the same contract: the second run reports the first (idempotent,
// previousRunId), exits 0, and changes no data; the only trace is one 'idempotent' audit entry.
// A replay of the run from the vault gives the identical result and leaves production alone.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliRun, describeResult, jsonOf, runCli, summaryOf } from '../helpers/cli.js';
import { customerCsvWithIds, withEngine, workspaceCounts, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { demoPaths } from '../../main/pipeline/demo.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import type { ReplayResult } from '../../main/pipeline/replay.js';

const { contract } = demoPaths();
const ARGS = ['--approve-all', '--no-model', '--no-embedder'];
let ws: string;
let file: string;
let first: RunSummary;
let before: Record<string, number>;

beforeAll(async () => {
  const dir = tempDir('idempotent');
  ws = join(dir, 'ws');
  file = writeInput(dir, 'customers.csv', customerCsvWithIds(200, 5, 0));
  const res = await cliRun(file, contract, ws, ARGS);
  if (res.code !== 0) throw new Error(describeResult(res));
  first = summaryOf(res);
  before = await withEngine(ws, (e) => workspaceCounts(e, 'customers'));
});

describe('running the same file twice', () => {
  it('the first run did real work (so the second has something to repeat)', () => {
    expect(first.status).toBe('completed');
    expect(first.successRows).toBeGreaterThan(0);
    expect(first.idempotent).toBeUndefined();
    expect(before.prod).toBe(first.successRows);
  });

  it('the second run reports the first: idempotent, previousRunId, exit 0, no data changed, one audit entry', async () => {
    const res = await cliRun(file, contract, ws, ARGS);
    expect(res.code, describeResult(res)).toBe(0);
    const again = summaryOf(res);
    expect(again.idempotent).toBe(true);
    expect(again.previousRunId).toBe(first.runId);
    expect(again.runId).toBe(first.runId);
    expect({ sourceRows: again.sourceRows, successRows: again.successRows, quarantineRows: again.quarantineRows, duplicateRows: again.duplicateRows })
      .toEqual({ sourceRows: first.sourceRows, successRows: first.successRows, quarantineRows: first.quarantineRows, duplicateRows: first.duplicateRows });

    const { after, lastEntries } = await withEngine(ws, async (e) => ({ after: await workspaceCounts(e, 'customers'), lastEntries: e.audit.entries().slice(before['sqlite.audit']) }));
    expect({ ...after, 'sqlite.audit': before['sqlite.audit'] }).toEqual(before);
    expect(after['sqlite.audit']).toBe(before['sqlite.audit'] + 1);
    expect(lastEntries.map((x) => [x.kind, x.run_id])).toEqual([['idempotent', first.runId]]);
  });
});

describe('replay of a run', () => {
  it('re-runs the batch from the vault: identical counts and clean rows, production untouched', async () => {
    const countsBefore = await withEngine(ws, (e) => workspaceCounts(e, 'customers'));
    const res = await runCli(['replay', first.runId, '--workspace', ws, '--json']);
    expect(res.code, describeResult(res)).toBe(0);
    const r = jsonOf<ReplayResult>(res);
    expect(r.identical).toBe(true);
    expect(r.replay).toEqual(r.original);
    expect(r.original).toMatchObject({ sourceRows: first.sourceRows, successRows: first.successRows, quarantineRows: first.quarantineRows, duplicateRows: first.duplicateRows });
    expect(r.original.cleanDigest).toMatch(/^[0-9a-f]{64}$/);
    const countsAfter = await withEngine(ws, (e) => workspaceCounts(e, 'customers'));
    for (const k of ['prod', 'history', 'quarantine', 'violations', 'duplicates', 'changes', 'sqlite.runs']) expect(countsAfter[k], k).toBe(countsBefore[k]);
  });
});
