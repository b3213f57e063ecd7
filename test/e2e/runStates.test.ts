// Each way a run can end has its own look on the Run screen, and only a run with every row in
// production is "Completed". A run whose accounting does not close (a Sev-1) is red and names its
// numbers, whatever its status says: outside testers saw "Completed: clean rows are in
// production" for a 1,000-line file read as 5 rows, and for runs whose rows were all in
// quarantine. Real runs give completed, completed with rows in quarantine, already processed,
// held, rejected, halted and cancelled; the Sev-1s are the engine's stored summary doctored the
// way such a run is recorded, read back through the same getRun call the app makes. The run list
// says what the Run screen says. Screenshots go to test/e2e/artifacts/.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { csvText, PEOPLE_HEADER, peopleContract, peopleRows } from '../helpers/fixtures.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';
import { QuarantinePage } from './pages/QuarantinePage.js';
import { ReviewPage } from './pages/ReviewPage.js';
import { ExportPage } from './pages/ExportPage.js';
import { AMBER, BLUE, doctor as doctorIn, GOLD, GREEN, GREY, latestRunId as latest, rec, RED, runThroughTheApp as run, SLATE, VIOLET } from './runStatesHelpers.js';

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
  write('people-clean.csv', csvText(PEOPLE_HEADER, peopleRows(501, 510)));
  write('people-all-bad.csv', csvText(PEOPLE_HEADER, peopleRows(601, 610).map(([id, name]) => [id, name, 'no zip'])));
  // Big enough that a cancel lands while the run is still going.
  write('people-big.csv', csvText(PEOPLE_HEADER, peopleRows(100_001, 400_000)));
  write('people-renamed.csv', csvText(['id', 'name', 'postcode'], peopleRows(201, 205)));
  write('people.odcs.yaml', peopleContract());
  write('people-gated.odcs.yaml', peopleContract({ id: 'people-gated', tableQuality: ['      - metric: rowCount', '        mustBeGreaterThan: 1000000'] }));
  app = await launchApp({ workspace: ws, modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

const runThroughTheApp = (input: string, contract: string): Promise<RunPage> => run(app, input, contract);
const latestRunId = (): Promise<string> => latest(app);
const doctor = (runId: string, change: (s: RunSummary) => RunSummary): void => doctorIn(ws, runId, change);

describe('the Run screen shows how a run ended', () => {
  it('completed: green, every row in production, every stage balanced', async () => {
    const run = await runThroughTheApp(file['people-clean.csv'], file['people.odcs.yaml']);
    runs.clean = await latestRunId();
    expect(await run.state()).toBe('completed');
    expect(await run.headline()).toBe('Completed: all 10 clean rows are in production');
    expect(await run.bannerColour()).toBe(GREEN);
    expect(await run.equation()).toEqual([10, 10, 0, 0]);
    expect((await run.stageChecks()).every(([, check]) => check === 'balanced')).toBe(true);
    expect(await run.reconciled()).toBe(true);
    expect(await run.exportStep().isDisabled()).toBe(false);
    await run.screenshot('16-run-completed');
  });

  it('completed with rows in quarantine: gold, says how many and where they wait, never "Completed:"', async () => {
    const run = await runThroughTheApp(file['people.csv'], file['people.odcs.yaml']);
    runs.completed = await latestRunId();
    expect(await run.state()).toBe('completed-with-quarantine');
    expect(await run.result().getAttribute('data-status')).toBe('completed');
    expect(await run.headline()).toBe('Completed with 2 rows in quarantine: 8 of 10 rows are in production');
    expect(await run.numbers()).toMatch(/^2 rows wait in Quarantine and Review: no fix was proposed; edit the rows in Quarantine, then approve the edit in Review, to promote them\./);
    expect(await run.bannerColour()).toBe(GOLD);
    expect(await run.equation()).toEqual([10, 8, 2, 0]);
    expect(await run.reconciled()).toBe(true);
    // No command-line advice in the banner.
    expect(await run.banner().innerText()).not.toMatch(/--[a-z]|airlock [a-z]/);
    await run.screenshot('50-run-completed-with-quarantine');
  });

  it('every row in quarantine: nothing reached production, and the banner says so', async () => {
    const run = await runThroughTheApp(file['people-all-bad.csv'], file['people.odcs.yaml']);
    runs.allBad = await latestRunId();
    expect(await run.state()).toBe('completed-with-quarantine');
    expect(await run.headline()).toBe('Nothing reached production: 10 of 10 rows are in quarantine');
    expect(await run.headline()).not.toMatch(/Completed/);
    expect(await run.bannerColour()).toBe(GOLD);
    expect(await run.equation()).toEqual([10, 0, 10, 0]);
    await run.screenshot('51-run-all-quarantined');
  });

  it('two more clean files complete too (their summaries are doctored below)', async () => {
    for (const name of ['third', 'fourth']) {
      const run = await runThroughTheApp(file[`people-${name}.csv`], file['people.odcs.yaml']);
      runs[name] = await latestRunId();
      expect(await run.state()).toBe('completed');
      expect(await run.equation()).toEqual([10, 10, 0, 0]);
    }
  });

  it('the same file again: already processed, blue, saying when and by which run, not a new Completed', async () => {
    const before = await app.handlers.table.listRuns({});
    const run = await runThroughTheApp(file['people.csv'], file['people.odcs.yaml']);
    expect(await run.state()).toBe('already-processed');
    const headline = await run.headline();
    expect(headline).toMatch(new RegExp(`^Already processed on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC by ${runs.completed}: not run again$`));
    expect(headline).not.toMatch(/Completed/);
    // The day it names is the day the earlier run started.
    const started = before.ok ? before.value.find((r) => r.runId === runs.completed)!.startedAt : '';
    expect(headline).toContain(`${started.slice(0, 10)} ${started.slice(11, 16)} UTC`);
    expect(await run.numbers()).toBe('This file was run before with this contract version. That run: Completed with 2 rows in quarantine: 8 of 10 rows are in production');
    expect(await run.bannerColour()).toBe(BLUE);
    // No new run was recorded.
    const after = await app.handlers.table.listRuns({});
    expect(after.ok && before.ok && after.value.length === before.value.length).toBe(true);
    await run.screenshot('17-run-already-processed');
    // The run list names the earlier run by its own state: rows in quarantine, not a green Completed.
    const start = new StartPage(app.page);
    await start.open('start');
    const row = start.recentRuns().filter({ hasText: runs.completed.slice(-6) });
    const badge = row.locator('td').nth(6).locator('.badge');
    await expect.poll(() => badge.innerText()).toBe('rows in quarantine');
    expect(await badge.evaluate((el) => getComputedStyle(el).color)).toBe(GOLD);
    await start.screenshot('52-start-after-redrop');
  });

  it('after a quarantined row is fixed in Review and promoted, the banner counts again', async () => {
    const page = await app.handlers.table.quarantinePage({ runId: runs.completed, offset: 0, limit: 10, filter: {} });
    if (!page.ok) throw new Error(page.error.message);
    const bad = page.value.rows.find((r) => r.values.includes('x1234'))!;
    expect(bad).toBeDefined();
    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    await q.pickRun(runs.completed);
    await app.page.locator(`.grid-row[data-row-id="${bad.rowId}"]`).waitFor();
    await q.pickCell(bad.rowId, 'zip');
    expect(await q.proposeEdit('01234')).toBe('verified');
    await q.openInReview();
    const review = new ReviewPage(app.page);
    await expect.poll(() => review.selectedId()).toBe('manual:zip');
    await review.press('a');
    await expect.poll(() => review.statusOf('manual:zip')).toBe('approved');
    await review.promote();
    const run = new RunPage(app.page);
    await run.open('run');
    await expect.poll(() => run.headline()).toBe('Completed with 1 row in quarantine: 9 of 10 rows are in production');
    expect(await run.equation()).toEqual([10, 9, 1, 0]);
    expect(await run.numbers()).toMatch(/^1 row waits in Quarantine and Review/);
    // The run list reads the same count.
    const start = new StartPage(app.page);
    await start.open('start');
    const row = start.recentRuns().filter({ hasText: runs.completed.slice(-6) });
    await expect.poll(() => row.locator('td').nth(5).innerText()).toBe('1');
    await run.open('run');
    await run.screenshot('53-run-after-review-promote');
  }, 180_000);

  it('held by a gate: amber, the held rows counted as pending so every stage balances (B7)', async () => {
    const run = await runThroughTheApp(file['people-later.csv'], file['people-gated.odcs.yaml']);
    runs.held = await latestRunId();
    expect(await run.state()).toBe('held');
    // Which gate, what it measured, and what the contract asks.
    expect(await run.headline()).toBe('Held by the rowCount gate: it measured 10, the contract needs more than 1,000,000');
    expect(await run.bannerColour()).toBe(AMBER);
    expect(await run.banner().innerText()).not.toMatch(/--[a-z]|airlock [a-z]/);
    expect(await run.equation()).toEqual([10, 0, 0, 0, 10]);
    const checks = await run.stageChecks();
    expect(checks.map(([stage]) => stage)).toContain('route');
    expect(checks.every(([, check]) => check === 'balanced')).toBe(true);
    expect(await run.numbers()).toMatch(/^Nothing is promoted until you release or reject the batch: 10 rows wait; /);
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
    expect(await run.headline()).toMatch(/^Halted: the file does not match the contract: .*"zip"/);
    expect(await run.numbers()).toMatch(/^Nothing was promoted; 5 rows wait in the vault/);
    expect(await run.bannerColour()).toBe(VIOLET);
    expect(await run.equation()).toEqual([5, 0, 0, 0, 5]);
    await run.drift().waitFor();
    await run.screenshot('20-run-halted');
  });

  it('cancelled: nothing kept, its own look, and the previous file\'s banner is gone', async () => {
    const run = new RunPage(app.page);
    // The halted run is on screen before the next file starts.
    expect(await run.headline()).toMatch(/^Halted/);
    await new StartPage(app.page).dropFile(file['people-big.csv']);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.openContract(file['people.odcs.yaml']);
    await contract.run('all');
    // Cancel once the run has been recorded and is checking rows.
    await app.page.locator('.stage[data-stage="validate"].stage-active, .stage[data-stage="ingest"].stage-active').first().waitFor({ timeout: 60_000 });
    await app.page.getByTestId('cancel').click();
    await run.waitForResult(120_000);
    await expect.poll(() => run.state()).toBe('cancelled');
    runs.cancelled = await latestRunId();
    expect(await run.headline()).toBe('Cancelled: nothing from this run was kept');
    expect(await run.numbers()).toBe('You stopped the run and everything it wrote was undone; the raw file stays in the vault and can be run again');
    expect(await run.bannerColour()).toBe(SLATE);
    // One banner, and it is this file's: the halted run's is not left on screen.
    expect(await app.page.getByTestId('run-banner').count()).toBe(1);
    expect(await run.banner().innerText()).toContain('people-big.csv');
    expect(await run.banner().innerText()).not.toMatch(/people-renamed|Halted/);
    expect(await app.page.getByTestId('equation').locator('.verdict').innerText()).toBe('not counted: the run was cancelled');
    expect(await run.exportStep().isDisabled()).toBe(true);
    // The engine recorded a cancellation, not a failure or a crash.
    const detail = await app.handlers.table.getRun({ runId: runs.cancelled });
    expect(detail.ok && detail.value.summary.ended).toBe('cancelled');
    await run.screenshot('54-run-cancelled');
  }, 180_000);

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
    await expect.poll(() => start.recentRuns().count()).toBe(8);
    const byRun = new Map<string, { status: string; colour: string; check: string }>();
    const headlines = new Map<string, string | null>();
    for (const row of await start.recentRuns().all()) {
      const text = await row.innerText();
      const id = Object.entries(runs).find(([, r]) => text.includes(r.slice(-6)))?.[0] ?? text;
      const badge = row.locator('td').nth(6).locator('.badge');
      const check = await row.locator('td').nth(7).innerText();
      byRun.set(id, { status: await badge.innerText(), colour: await badge.evaluate((el) => getComputedStyle(el).color), check });
      headlines.set(id, await badge.getAttribute('title'));
    }
    expect(byRun.get('completed')).toEqual({ status: 'failed: Sev-1', colour: RED, check: '✗ not reconciled' });
    expect(byRun.get('third')).toEqual({ status: 'failed: Sev-1', colour: RED, check: '✗ not reconciled' });
    expect(byRun.get('held')).toEqual({ status: 'rejected', colour: GREY, check: '✓ reconciled' });
    expect(byRun.get('halted')).toEqual({ status: 'halted: drift', colour: VIOLET, check: '✓ reconciled' });
    expect(byRun.get('fourth')).toEqual({ status: 'interrupted', colour: GREY, check: 'not counted' });
    expect(byRun.get('clean')).toEqual({ status: 'completed', colour: GREEN, check: '✓ reconciled' });
    expect(byRun.get('allBad')).toEqual({ status: 'rows in quarantine', colour: GOLD, check: '✓ reconciled' });
    expect(byRun.get('cancelled')).toEqual({ status: 'cancelled', colour: SLATE, check: 'not counted' });
    // The list's words are the Run screen's: each badge carries the banner's headline.
    expect(headlines.get('allBad')).toBe('Nothing reached production: 10 of 10 rows are in quarantine');
    expect(headlines.get('cancelled')).toBe('Cancelled: nothing from this run was kept');
    expect(headlines.get('clean')).toBe('Completed: all 10 clean rows are in production');
    await start.screenshot('23-start-run-states');
  });

  it('the export opens its signed report through the app, in desktop words', async () => {
    const ex = new ExportPage(app.page);
    await ex.open('export');
    await ex.pickRun(runs.clean);
    await ex.exportAs('csv');
    const verdict = await ex.verification();
    expect(verdict).toContain('Bundle verified');
    expect(verdict).toContain("signed by this workspace's key");
    expect(verdict).not.toMatch(/--[a-z]/);
    expect(await ex.reportLink().innerText()).toMatch(/report\.html$/);
    await ex.openReport();
    await expect.poll(() => app.opened.length).toBe(1);
    expect(app.opened[0]).toMatch(/report\.html$/);
    expect(existsSync(app.opened[0])).toBe(true);
    // The report shows the state the app shows.
    const html = readFileSync(app.opened[0], 'utf8');
    expect(html).toContain('data-state="completed"');
    expect(html).toContain('Completed: all 10 clean rows are in production');
    // The engine opens only what it exported.
    const outside = await app.handlers.table.openPath({ path: file['people.csv'] });
    expect(outside).toMatchObject({ ok: false, error: { code: 'USER' } });
    await ex.screenshot('55-export-report-link');
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
