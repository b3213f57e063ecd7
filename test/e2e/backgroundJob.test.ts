// The app never waits on a remediation job (issue 13): a run answers with its fast lane and its
// quarantine's remediation goes on in the background, with its own bars; the analyst drops the
// next file of the stream meanwhile, which is vaulted and counted at once and waits for the job
// before its first write;
// both runs end completed, and production holds what the two files run one after the other give
// (hashed here by the test's own SQL). Screenshots: test/e2e/artifacts/job-*.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/api/handlers.js';
import type { ApiResult } from '../../main/api/contract.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');
const RUN_TIMEOUT = 300_000;

let app: AppHarness;
let dir: string;
let first: string;
let second: string;

function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Production's content, every column but the run id, read from the workspace's DuckDB file. */
async function productionOf(ws: string): Promise<string> {
  const db = await DuckDBInstance.create(join(ws, 'data.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    return String((await conn.runAndReadAll(`SELECT count(*) || ':' || md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)))
      FROM (SELECT * EXCLUDE (_airlock_run_id) FROM prod."hospital") t`)).getRows()[0][0]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function runInApp(file: string): Promise<RunPage> {
  await new StartPage(app.page).dropFile(file);
  await app.page.locator('main[data-screen="contract"]').waitFor();
  const contract = new ContractPage(app.page);
  await contract.openContract(CONTRACT);
  await contract.run('all');
  return new RunPage(app.page);
}

beforeAll(async () => {
  dir = tempDir('e2e-job');
  first = join(dir, 'first.csv');
  second = join(dir, 'second.csv');
  writeFileSync(first, [LINES[0], ...LINES.slice(1, 701)].join('\n'));
  writeFileSync(second, [LINES[0], ...LINES.slice(701, 1001)].join('\n'));
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('remediation in the background', () => {
  it('the next file is dropped and read while the first one is remediated, and both end completed', async () => {
    const run = await runInApp(first);
    expect(await run.waitForFastLane(RUN_TIMEOUT)).toBe('remediating');
    await run.job().waitFor();
    expect(await run.headline()).toMatch(/^Remediating: [\d,]+ clean rows are in production$/);
    await run.screenshot('job-1-remediating');

    // The app is free: the next file goes through the Start and Contract screens and runs.
    const next = await runInApp(second);
    // Vaulted and counted at once; it waits for the job before its first write.
    const ingest = app.page.locator('[data-testid="stages"] [data-stage="ingest"]');
    await expect.poll(() => ingest.innerText(), { timeout: RUN_TIMEOUT }).toMatch(/second\.csv is in the vault; waiting for the remediation of run_/);
    await next.screenshot('job-2-next-file-waits');
    expect(await next.waitForResult(RUN_TIMEOUT)).toBe('completed');
    expect(await next.banner().innerText()).toContain('second.csv');
    await next.screenshot('job-3-next-file-completed');

    const runs = value(await app.handlers.table.listRuns({}));
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const alone = join(dir, 'ws-alone');
    const h = createHandlers({ workspace: alone, modelsDir: join(dir, 'no-models'), analyst: 'e2e', version: 'test', emit: () => undefined });
    try {
      for (const f of [first, second]) value(await h.table.runFile({ file: f, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false }));
    } finally {
      await h.close();
    }
    expect(await productionOf(alone)).toMatch(/^[1-9]\d*:/);
    await app.handlers.close();
    expect(await productionOf(join(dir, 'ws'))).toBe(await productionOf(alone));
    expect(app.problems).toEqual([]);
  }, 3 * RUN_TIMEOUT);
});
