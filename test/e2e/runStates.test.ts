// Each way a run can end has its own look on the Run screen, and only a run whose rows add up is
// "Completed". A run whose accounting does not close (a Sev-1) is red and names its numbers,
// whatever its status says: outside testers saw "Completed: clean rows are in production" for a
// 1,000-line file read as 5 rows. Real runs give completed, already processed, held, rejected and
// halted; the Sev-1s are the engine's stored summary doctored the way such a run is recorded,
// read back through the same getRun call the app makes. Screenshots go to test/e2e/artifacts/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { csvText, PEOPLE_HEADER, peopleContract, peopleRows } from '../helpers/fixtures.js';
import type { Reconciliation, RunSummary } from '../../main/pipeline/types.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';

// The app's palette (renderer/src/styles/base.css), as the browser computes it.
const RED = 'rgb(200, 40, 45)';
const GREEN = 'rgb(21, 128, 61)';
const AMBER = 'rgb(180, 83, 9)';
const VIOLET = 'rgb(109, 63, 216)';
const BLUE = 'rgb(36, 75, 208)';
const GREY = 'rgb(59, 70, 87)';

let app: AppHarness;
let dir: string;
let ws: string;
const file: Record<string, string> = {};
const runs: Record<string, string> = {};

beforeAll(async () => {
  dir = tempDir('e2e-states');
  ws = join(dir, 'ws');
  const rows = peopleRows(1, 10);
  rows[2][2] = 'x1234';
  rows[6][2] = '123';
  const write = (name: string, text: string) => { file[name] = join(dir, name); writeFileSync(file[name], text); };
  write('people.csv', csvText(PEOPLE_HEADER, rows));
  write('people-later.csv', csvText(PEOPLE_HEADER, peopleRows(101, 110)));
  write('people-third.csv', csvText(PEOPLE_HEADER, peopleRows(301, 310)));
  write('people-fourth.csv', csvText(PEOPLE_HEADER, peopleRows(401, 410)));
  write('people-renamed.csv', csvText(['id', 'name', 'postcode'], peopleRows(201, 205)));
  write('people.odcs.yaml', peopleContract());
  write('people-gated.odcs.yaml', peopleContract({ id: 'people-gated', tableQuality: ['      - metric: rowCount', '        mustBeGreaterThan: 1000000'] }));
  app = await launchApp({ workspace: ws, modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

async function runThroughTheApp(input: string, contract: string): Promise<RunPage> {
  await new StartPage(app.page).dropFile(input);
  const page = new ContractPage(app.page);
  await app.page.locator('main[data-screen="contract"]').waitFor();
  await page.openContract(contract);
  await page.run('all');
  const run = new RunPage(app.page);
  await run.waitForResult(120_000);
  return run;
}

async function latestRunId(): Promise<string> {
  const list = await app.handlers.table.listRuns({});
  if (!list.ok) throw new Error(list.error.message);
  return list.value[0].runId;
}

/** Rewrites a run's stored summary (and status) as the engine records a run of that shape. */
function doctor(runId: string, change: (s: RunSummary) => RunSummary): void {
  const db = new Database(join(ws, 'airlock.sqlite'));
  try {
    const row = db.prepare('SELECT summary_json FROM runs WHERE run_id = ?').get(runId) as { summary_json: string };
    const s = change(JSON.parse(row.summary_json) as RunSummary);
    db.prepare('UPDATE runs SET status = ?, summary_json = ? WHERE run_id = ?').run(s.status, JSON.stringify(s), runId);
  } finally {
    db.close();
  }
}

const rec = (stage: string, source: number, success: number, quarantine: number, duplicates: number, pending: number, ok: boolean): Reconciliation =>
  ({ stage, sourceRows: source, successRows: success, quarantineRows: quarantine, duplicateRows: duplicates, pendingRows: pending, ok });

describe('the Run screen shows how a run ended', () => {
  it('completed: green, every stage balanced', async () => {
    const run = await runThroughTheApp(file['people.csv'], file['people.odcs.yaml']);
    runs.completed = await latestRunId();
    expect(await run.state()).toBe('completed');
    expect(await run.headline()).toBe('Completed: clean rows are in production');
    expect(await run.bannerColour()).toBe(GREEN);
    const [source, clean, quarantine, dup] = await run.equation();
    expect([source, clean + quarantine + dup]).toEqual([10, 10]);
    expect(quarantine).toBe(2);
    expect((await run.stageChecks()).every(([, check]) => check === 'balanced')).toBe(true);
    expect(await run.reconciled()).toBe(true);
    expect(await run.exportStep().isDisabled()).toBe(false);
    await run.screenshot('16-run-completed');
  });

  it('two more clean files complete too (their summaries are doctored below)', async () => {
    for (const name of ['third', 'fourth']) {
      const run = await runThroughTheApp(file[`people-${name}.csv`], file['people.odcs.yaml']);
      runs[name] = await latestRunId();
      expect(await run.state()).toBe('completed');
      expect(await run.equation()).toEqual([10, 10, 0, 0]);
    }
  });

  it('the same file again: already processed, blue, naming the earlier run, not a new Completed', async () => {
    const before = await app.handlers.table.listRuns({});
    const run = await runThroughTheApp(file['people.csv'], file['people.odcs.yaml']);
    expect(await run.state()).toBe('already-processed');
    expect(await run.headline()).toBe(`Already processed by ${runs.completed}: nothing changed`);
    expect(await run.headline()).not.toMatch(/Completed/);
    expect(await run.bannerColour()).toBe(BLUE);
    // No new run was recorded.
    const after = await app.handlers.table.listRuns({});
    expect(after.ok && before.ok && after.value.length === before.value.length).toBe(true);
    await run.screenshot('17-run-already-processed');
  });

  it('held by a gate: amber, the held rows counted as pending so every stage balances (B7)', async () => {
    const run = await runThroughTheApp(file['people-later.csv'], file['people-gated.odcs.yaml']);
    runs.held = await latestRunId();
    expect(await run.state()).toBe('held');
    expect(await run.headline()).toBe('Held by a quality gate: nothing promoted until you decide');
    expect(await run.bannerColour()).toBe(AMBER);
    expect(await run.equation()).toEqual([10, 0, 0, 0, 10]);
    const checks = await run.stageChecks();
    expect(checks.map(([stage]) => stage)).toContain('route');
    expect(checks.every(([, check]) => check === 'balanced')).toBe(true);
    expect(await run.numbers()).toContain('10 rows wait for release or rejection');
    await run.screenshot('18-run-held');
  });

  it('rejected: grey, nothing promoted', async () => {
    const run = new RunPage(app.page);
    await run.decide('Reject the batch');
    await expect.poll(() => run.state()).toBe('rejected');
    expect(await run.headline()).toBe('Rejected: nothing from this batch was promoted');
    expect(await run.bannerColour()).toBe(GREY);
    expect(await run.equation()).toEqual([10, 0, 10, 0]);
    await run.screenshot('19-run-rejected');
  });

  it('halted by a schema drift: violet, the file pending in the vault', async () => {
    const run = await runThroughTheApp(file['people-renamed.csv'], file['people.odcs.yaml']);
    runs.halted = await latestRunId();
    expect(await run.state()).toBe('halted');
    expect(await run.headline()).toBe('Halted: the file does not match the contract');
    expect(await run.bannerColour()).toBe(VIOLET);
    expect(await run.equation()).toEqual([5, 0, 0, 0, 5]);
    await run.drift().waitFor();
    await run.screenshot('20-run-halted');
  });

  it('a Sev-1 (status failed): red, naming source, success, quarantine, duplicates and pending', async () => {
    // The shape the engine records when ingest reads 5 records from a 1,000-line file.
    doctor(runs.completed, (s) => ({
      ...s, status: 'failed', reconciled: false, sourceRows: 1000, successRows: 0, quarantineRows: 0, duplicateRows: 0, pendingRows: 0,
      fastLaneRows: 0, malformedRows: 0, clusters: 0, proposals: 0, gates: [],
      reconciliation: [rec('ingest', 1000, 0, 0, 0, 5, false)],
      message: 'Sev-1: reconciliation failed after ingest: source 1000 != success 0 + quarantine 0 + duplicates 0 + pending 5. Nothing more is promoted.',
    }));
    const run = new RunPage(app.page);
    await run.open('run');
    await run.pickRun(runs.completed);
    await expect.poll(() => run.state()).toBe('sev1');
    expect(await run.result().getAttribute('data-status')).toBe('failed');
    expect(await run.headline()).toBe('Failed (Sev-1): the rows do not add up after ingest');
    expect(await run.numbers()).toBe('source 1,000, success 0, quarantine 0, duplicates 0, pending 5: 1,000 ≠ 0 + 0 + 0 + 5 (source = success + quarantine + duplicates + pending)');
    expect(await run.bannerColour()).toBe(RED);
    expect(await run.banner().getAttribute('role')).toBe('alert');
    expect(await run.equation()).toEqual([1000, 0, 0, 0, 5]);
    expect(await run.reconciled()).toBe(false);
    expect(await run.stageChecks()).toEqual([['ingest', 'broken']]);
    expect(await run.exportStep().isDisabled()).toBe(true);
    await run.screenshot('21-run-sev1-failed');
  });

  it('a Sev-1 whose status still says "completed" is red, never Completed', async () => {
    let run = new RunPage(app.page);
    // What the outside testers saw: status completed, 1,000 source rows, 5 accounted for at the end.
    doctor(runs.third, (s) => ({
      ...s, status: 'completed', reconciled: false, sourceRows: 1000, successRows: 5, quarantineRows: 0, duplicateRows: 0, pendingRows: 0, fastLaneRows: 1000,
      reconciliation: [rec('route', 1000, 0, 0, 0, 1000, true), rec('promote', 1000, 1000, 0, 0, 0, true), rec('final', 1000, 5, 0, 0, 0, false)],
    }));
    // Away and back: the screen reads the run from the workspace again.
    await run.pickRun(runs.halted);
    await expect.poll(() => run.state()).toBe('halted');
    await run.pickRun(runs.third);
    run = new RunPage(app.page);
    await expect.poll(() => run.state()).toBe('sev1');
    expect(await run.result().getAttribute('data-status')).toBe('completed');
    expect(await run.headline()).toBe('Failed (Sev-1): the rows do not add up after final');
    expect(await run.headline()).not.toMatch(/Completed/);
    expect(await run.numbers()).toContain('source 1,000, success 5, quarantine 0, duplicates 0, pending 0: 1,000 ≠ 5 + 0 + 0 + 0');
    expect(await run.bannerColour()).toBe(RED);
    expect(await run.equation()).toEqual([1000, 5, 0, 0, 0]);
    expect(await run.stageChecks()).toEqual([['route', 'balanced'], ['promote', 'balanced'], ['final', 'broken']]);
    // The run picker agrees with the screen.
    await expect.poll(() => app.page.locator('.run-picker .badge').innerText()).toBe('failed: Sev-1');
    await run.screenshot('22-run-sev1-said-completed');
  });

  it('an interrupted run (killed or cancelled) says so: not a Sev-1, and the screen still draws', async () => {
    // Exactly the summary recovery leaves for a run that did not finish (main/pipeline/recover.ts).
    doctor(runs.fourth, () => ({ runId: runs.fourth, status: 'failed', message: 'interrupted; its writes were undone' }) as RunSummary);
    const run = new RunPage(app.page);
    await run.pickRun(runs.fourth);
    await expect.poll(() => run.state()).toBe('interrupted');
    expect(await run.headline()).toBe('Interrupted: the run did not finish, and everything it wrote was undone');
    expect(await run.bannerColour()).toBe(GREY);
    expect(await app.page.getByTestId('run-banner').innerText()).toContain('people-fourth.csv · contract people 1.0.0');
    expect(await run.exportStep().isDisabled()).toBe(true);
    expect(await app.page.getByTestId('equation').locator('.verdict').innerText()).toBe('not counted: the run did not finish');
    await run.screenshot('24-run-interrupted');
  });

  it('the run list shows the Sev-1s red, and the others as they ended', async () => {
    // A fresh start of the window reads the runs from the workspace again.
    await app.page.reload({ waitUntil: 'load' });
    const start = new StartPage(app.page);
    await start.open('start');
    await expect.poll(() => start.recentRuns().count()).toBe(5);
    const byRun = new Map<string, { status: string; colour: string; check: string }>();
    for (const row of await start.recentRuns().all()) {
      const text = await row.innerText();
      const id = Object.entries(runs).find(([, r]) => text.includes(r.slice(-6)))?.[0] ?? text;
      const badge = row.locator('td').nth(6).locator('.badge');
      const check = await row.locator('td').nth(7).innerText();
      byRun.set(id, { status: await badge.innerText(), colour: await badge.evaluate((el) => getComputedStyle(el).color), check });
    }
    expect(byRun.get('completed')).toEqual({ status: 'failed: Sev-1', colour: RED, check: '✗ not reconciled' });
    expect(byRun.get('third')).toEqual({ status: 'failed: Sev-1', colour: RED, check: '✗ not reconciled' });
    expect(byRun.get('held')).toEqual({ status: 'rejected', colour: GREY, check: '✓ reconciled' });
    expect(byRun.get('halted')).toEqual({ status: 'halted: drift', colour: VIOLET, check: '✓ reconciled' });
    expect(byRun.get('fourth')).toEqual({ status: 'interrupted', colour: GREY, check: 'not counted' });
    await start.screenshot('23-start-run-states');
  });

  it('the Start screen says it is checking the models until it knows, not "none installed"', async () => {
    const slow = await launchApp({ workspace: join(dir, 'ws-slow'), modelsDir: join(dir, 'no-models'), browser: app.browser, delay: { modelStatus: 3_000 } });
    try {
      const card = slow.page.locator('.models-card');
      await card.waitFor();
      expect(await card.innerText()).toContain('checking the models folder…');
      expect(await card.innerText()).not.toContain('none installed');
      await expect.poll(() => card.innerText(), { timeout: 30_000 }).toContain('none installed: rule synthesis only');
      expect(slow.problems).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
