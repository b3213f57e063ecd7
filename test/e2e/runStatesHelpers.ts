// What the run-state browser tests share: the palette each state is drawn in, a run driven
// through the Start and Contract screens, and a stored summary rewritten the way the engine
// records a run of a given shape (for the Sev-1 looks no honest run can produce).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Reconciliation, RunSummary } from '../../main/pipeline/types.js';
import type { AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';

// The app's palette (renderer/src/styles/base.css), as the browser computes it.
export const RED = 'rgb(200, 40, 45)';
export const GREEN = 'rgb(21, 128, 61)';
export const AMBER = 'rgb(180, 83, 9)';
export const VIOLET = 'rgb(109, 63, 216)';
export const BLUE = 'rgb(36, 75, 208)';
export const GREY = 'rgb(59, 70, 87)';
export const GOLD = 'rgb(122, 92, 0)';
export const SLATE = 'rgb(71, 85, 105)';

/** Drops a file, opens its contract, runs it and waits for the result on the Run screen. */
export async function runThroughTheApp(app: AppHarness, input: string, contract: string, opts: { approval?: 'none' | 'min-confidence' | 'all'; timeout?: number } = {}): Promise<RunPage> {
  await new StartPage(app.page).dropFile(input);
  const page = new ContractPage(app.page);
  await app.page.locator('main[data-screen="contract"]').waitFor();
  await page.openContract(contract);
  await page.run(opts.approval ?? 'all');
  const run = new RunPage(app.page);
  await run.waitForResult(opts.timeout ?? 120_000);
  return run;
}

export async function latestRunId(app: AppHarness): Promise<string> {
  const list = await app.handlers.table.listRuns({});
  if (!list.ok) throw new Error(list.error.message);
  return list.value[0].runId;
}

/** Rewrites a run's stored summary (and status) in workspace ws as the engine records a run of that shape. */
export function doctor(ws: string, runId: string, change: (s: RunSummary) => RunSummary): void {
  const db = new Database(join(ws, 'airlock.sqlite'));
  try {
    const row = db.prepare('SELECT summary_json FROM runs WHERE run_id = ?').get(runId) as { summary_json: string };
    const s = change(JSON.parse(row.summary_json) as RunSummary);
    db.prepare('UPDATE runs SET status = ?, summary_json = ? WHERE run_id = ?').run(s.status, JSON.stringify(s), runId);
  } finally {
    db.close();
  }
}

export const rec = (stage: string, source: number, success: number, quarantine: number, duplicates: number, pending: number, ok: boolean): Reconciliation =>
  ({ stage, sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending, ok });
