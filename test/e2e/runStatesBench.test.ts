// Each run state on real runs of the public benchmark tables, not a generated table: hospital
// (1,000 rows) ends completed with rows in quarantine, and dropped again is already processed;
// beers (2,410 rows) with a copy of its contract that adds a table-level gate it fails is held,
// then released, and in a second workspace held, then rejected; a beers copy with a renamed
// column halts on drift; the Sev-1 look is the hospital run's stored summary doctored as the
// engine records such a run. The quarantine count is read from the workspace's DuckDB, not from
// the app's summary. Cancelled is not here: a 1,000-row run ends before a cancel lands reliably,
// so runStates.test.ts keeps it on a generated 300,000-row file. Screenshots go to
// test/e2e/artifacts/run-state-*.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { RunPage } from './pages/RunPage.js';
import { AMBER, BLUE, doctor, GOLD, GREY, latestRunId, rec, RED, runThroughTheApp, SLATE, VIOLET } from './runStatesHelpers.js';

const BENCH = join(SHARED, 'bench');
const RUN_TIMEOUT = 300_000;
const HOSPITAL_ROWS = 1000;
const BEERS_ROWS = 2410;

let app: AppHarness;
let dir: string;
let ws: string;
const file: Record<string, string> = {};
const runs: Record<string, string> = {};

/** One value read by the test's own SQL from the workspace's DuckDB file, opened read-only. */
async function fromStore(workspace: string, sql: string): Promise<unknown> {
  const db = await DuckDBInstance.create(join(workspace, 'data.duckdb'), { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRows()[0][0];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Rows of a run in the stream's quarantine table, counted in the workspace's own DuckDB file. */
async function quarantinedInStore(workspace: string, table: string, runId: string): Promise<number> {
  return Number(await fromStore(workspace, `SELECT count(*) FROM quarantine."${table}" WHERE _airlock_run_id = '${runId}'`));
}

/** The content of a stream's production table and its history: row count and an md5 over every row as text, in a fixed order. */
async function productionHash(workspace: string, table: string): Promise<string> {
  const digest = (t: string) => `(SELECT count(*) || ':' || md5(coalesce(string_agg(CAST(r AS VARCHAR), chr(10) ORDER BY CAST(r AS VARCHAR)), '')) FROM prod."${t}" r)`;
  return String(await fromStore(workspace, `SELECT ${digest(table)} || ' ' || ${digest(`${table}__history`)}`));
}

beforeAll(async () => {
  dir = tempDir('e2e-states-bench');
  ws = join(dir, 'ws');
  const write = (name: string, text: string) => { file[name] = join(dir, name); writeFileSync(file[name], text); };
  const beersCsv = readFileSync(join(BENCH, 'beers', 'dirty.csv'), 'utf8');
  // A contract as written, with its table-level rowCount gate raised past what the file holds.
  const gated = (table: string, id: string): string => {
    const text = readFileSync(join(BENCH, table, 'contract.odcs.yaml'), 'utf8')
      .replace(new RegExp(`^id: ${id}$`, 'm'), `id: ${id}-gated`)
      .replace(/(- metric: rowCount\n\s+mustBeGreaterThan: )0$/m, '$11000000');
    expect(text).toContain('mustBeGreaterThan: 1000000');
    expect(text).toContain(`id: ${id}-gated`);
    return text;
  };
  write('beers-gated.odcs.yaml', gated('beers', 'craft-beers'));
  write('hospital-gated.odcs.yaml', gated('hospital', 'hospital-quality-measures'));
  const hospitalCsv = readFileSync(join(BENCH, 'hospital', 'dirty.csv'), 'utf8');
  write('hospital-500.csv', `${hospitalCsv.split('\n').slice(0, 501).join('\n')}\n`);
  // The same file with one column renamed in its header: a schema drift against the contract.
  const [header, ...body] = beersCsv.split('\n');
  expect(header.endsWith(',state')).toBe(true);
  write('beers-renamed.csv', [header.replace(/,state$/, ',province'), ...body].join('\n'));
  file['hospital.csv'] = join(BENCH, 'hospital', 'dirty.csv');
  file['hospital.odcs.yaml'] = join(BENCH, 'hospital', 'contract.odcs.yaml');
  file['beers.csv'] = join(BENCH, 'beers', 'dirty.csv');
  file['beers.odcs.yaml'] = join(BENCH, 'beers', 'contract.odcs.yaml');
  app = await launchApp({ workspace: ws, modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

describe('the Run screen on real runs of hospital and beers', () => {
  it('hospital: completed with rows in quarantine, as many as the workspace holds for the run', async () => {
    const run = await runThroughTheApp(app, file['hospital.csv'], file['hospital.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
    runs.hospital = await latestRunId(app);
    const n = await quarantinedInStore(ws, 'hospital', runs.hospital);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(HOSPITAL_ROWS);
    expect(await run.state()).toBe('completed-with-quarantine');
    expect(await run.result().getAttribute('data-status')).toBe('completed');
    const rows = (k: number) => `${k.toLocaleString('en-US')} ${k === 1 ? 'row' : 'rows'}`;
    const [source, success, quarantine, duplicates] = await run.equation();
    expect(source).toBe(HOSPITAL_ROWS);
    expect(quarantine).toBe(n);
    expect(success + quarantine + duplicates).toBe(HOSPITAL_ROWS);
    expect(await run.headline()).toBe(`Completed with ${rows(n)} in quarantine: ${success.toLocaleString('en-US')} of 1,000 rows are in production`);
    expect(await run.bannerColour()).toBe(GOLD);
    expect(await run.reconciled()).toBe(true);
    expect(await run.banner().innerText()).not.toMatch(/--[a-z]|airlock [a-z]/);
    await run.screenshot('run-state-hospital-quarantine');
  }, RUN_TIMEOUT + 60_000);

  it('hospital again: already processed, naming the earlier run, and no new run recorded', async () => {
    const before = await app.handlers.table.listRuns({});
    const run = await runThroughTheApp(app, file['hospital.csv'], file['hospital.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
    expect(await run.state()).toBe('already-processed');
    expect(await run.headline()).toMatch(new RegExp(`^Already processed on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC by ${runs.hospital}: not run again$`));
    expect(await run.numbers()).toMatch(/^This file was run before with this contract version\. That run: Completed with [\d,]+ rows in quarantine/);
    expect(await run.bannerColour()).toBe(BLUE);
    const after = await app.handlers.table.listRuns({});
    expect(after.ok && before.ok && after.value.length === before.value.length).toBe(true);
    await run.screenshot('run-state-hospital-already-processed');
  }, RUN_TIMEOUT + 60_000);

  it('hospital cancelled once its clean rows are in production: nothing kept, production as it was', async () => {
    // A second workspace whose production holds the first 500 hospital records; the whole file
    // would add the rest, so a run that kept anything would change production's hash.
    const wsCancel = join(dir, 'ws-cancel');
    const other = await launchApp({ workspace: wsCancel, modelsDir: join(dir, 'no-models'), browser: app.browser });
    try {
      const first = await runThroughTheApp(other, file['hospital-500.csv'], file['hospital.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
      expect(await first.state()).toBe('completed-with-quarantine');
      const firstRun = await latestRunId(other);
      const before = await productionHash(wsCancel, 'hospital');
      expect(before).toMatch(/^[1-9]\d*:/);
      // Cancelled at remediation's first report: after the fast lane was promoted to production.
      other.cancelAtStage('cluster');
      const run = await runThroughTheApp(other, file['hospital.csv'], file['hospital.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
      const runId = await latestRunId(other);
      expect(runId).not.toBe(firstRun);
      expect(await run.state()).toBe('cancelled');
      expect(await run.headline()).toBe('Cancelled: nothing from this run was kept');
      expect(await run.numbers()).toBe('You stopped the run and everything it wrote was undone; the raw file stays in the vault and can be run again');
      expect(await run.bannerColour()).toBe(SLATE);
      expect(await run.banner().innerText()).toContain('dirty.csv');
      expect(await other.page.getByTestId('equation').locator('.verdict').innerText()).toBe('not counted: the run was cancelled');
      expect(await run.exportStep().isDisabled()).toBe(true);
      // nothing is held: the quarantine is not offered as a next step
      expect(await run.quarantineStep().isDisabled()).toBe(true);
      expect(await run.quarantineStep().innerText()).toContain('nothing held back');
      const detail = await other.handlers.table.getRun({ runId });
      expect(detail.ok && detail.value.summary.ended).toBe('cancelled');
      expect(await quarantinedInStore(wsCancel, 'hospital', runId)).toBe(0);
      expect(await productionHash(wsCancel, 'hospital')).toBe(before);
      await run.screenshot('run-state-cancelled-hospital');
      expect(other.problems).toEqual([]);
    } finally {
      await other.close();
    }
  }, 2 * RUN_TIMEOUT + 60_000);

  it('beers under a gate it fails: held, nothing in production, then released', async () => {
    const run = await runThroughTheApp(app, file['beers.csv'], file['beers-gated.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
    runs.held = await latestRunId(app);
    expect(await run.state()).toBe('held');
    expect(await run.headline()).toBe('Held by the rowCount gate: it measured 2,410, the contract needs more than 1,000,000');
    expect(await run.bannerColour()).toBe(AMBER);
    // Rows that fail a check wait in quarantine, the rest are held back as pending, none in
    // production. Every beers row's ounces ("12.0 oz") fails the contract's number type before
    // the gate, so here all of them are in quarantine and none pending.
    const heldQ = await quarantinedInStore(ws, 'beers', runs.held);
    const [hSource, hSuccess, hQuarantine, hDuplicates, hPending = 0] = await run.equation();
    expect([hSource, hSuccess, hQuarantine]).toEqual([BEERS_ROWS, 0, heldQ]);
    expect(hQuarantine + hDuplicates + hPending).toBe(BEERS_ROWS);
    expect((await run.stageChecks()).every(([, check]) => check === 'balanced')).toBe(true);
    expect(await run.numbers()).toMatch(new RegExp(`^Nothing is promoted until you release or reject the batch: ${hPending.toLocaleString('en-US')} rows wait; `));
    await run.screenshot('run-state-beers-held');

    await run.decide('Release the batch');
    await expect.poll(() => run.state(), { timeout: RUN_TIMEOUT }).not.toBe('held');
    const n = await quarantinedInStore(ws, 'beers', runs.held);
    const [source, success, quarantine, duplicates, pending] = await run.equation();
    expect(source).toBe(BEERS_ROWS);
    expect(pending ?? 0).toBe(0);
    expect(quarantine).toBe(n);
    expect(success + quarantine + duplicates).toBe(BEERS_ROWS);
    expect(await run.state()).toBe(n > 0 ? 'completed-with-quarantine' : 'completed');
    expect(await run.reconciled()).toBe(true);
    await run.screenshot('run-state-beers-released');
  }, RUN_TIMEOUT + 60_000);

  it('beers with a renamed column: halted by drift, violet, every row waiting in the vault', async () => {
    const run = await runThroughTheApp(app, file['beers-renamed.csv'], file['beers.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
    runs.halted = await latestRunId(app);
    expect(await run.state()).toBe('halted');
    expect(await run.headline()).toMatch(/^Halted: the file does not match the contract: .*"state"/);
    expect(await run.numbers()).toMatch(/^Nothing was promoted; 2,410 rows wait in the vault/);
    expect(await run.bannerColour()).toBe(VIOLET);
    expect(await run.equation()).toEqual([BEERS_ROWS, 0, 0, 0, BEERS_ROWS]);
    await run.drift().waitFor();
    await run.screenshot('run-state-beers-halted');
  }, RUN_TIMEOUT + 60_000);

  it('the hospital run recorded as a Sev-1: red, naming its numbers, never Completed', async () => {
    doctor(ws, runs.hospital, (s) => ({
      ...s, status: 'failed', reconciled: false, sourceRows: HOSPITAL_ROWS, successRows: 0, quarantineRows: 0, duplicateRows: 0, pendingRows: 0,
      fastLaneRows: 0, malformedRows: 0, clusters: 0, proposals: 0, gates: [],
      reconciliation: [rec('ingest', HOSPITAL_ROWS, 0, 0, 0, 5, false)],
      message: 'Sev-1: reconciliation failed after ingest: source 1000 != success 0 + quarantine 0 + duplicates 0 + pending 5. Nothing more is promoted.',
    }));
    const run = new RunPage(app.page);
    await run.open('run');
    await run.pickRun(runs.halted);
    await expect.poll(() => run.state()).toBe('halted');
    await run.pickRun(runs.hospital);
    await expect.poll(() => run.state()).toBe('sev1');
    expect(await run.headline()).toBe('Failed (Sev-1): the rows do not add up after ingest');
    expect(await run.headline()).not.toMatch(/Completed/);
    expect(await run.numbers()).toBe('source 1,000, success 0, quarantine 0, duplicates 0, pending 5: 1,000 ≠ 0 + 0 + 0 + 5 (source = success + quarantine + duplicates + pending)');
    expect(await run.bannerColour()).toBe(RED);
    expect(await run.banner().getAttribute('role')).toBe('alert');
    expect(await run.banner().innerText()).toContain('dirty.csv');
    expect(await run.reconciled()).toBe(false);
    expect(await run.exportStep().isDisabled()).toBe(true);
    await run.screenshot('run-state-hospital-sev1');
  });

  it('hospital under the gate in a second workspace: held with its passing rows pending, then rejected', async () => {
    const other = await launchApp({ workspace: join(dir, 'ws-reject'), modelsDir: join(dir, 'no-models'), browser: app.browser });
    try {
      const run = await runThroughTheApp(other, file['hospital.csv'], file['hospital-gated.odcs.yaml'], { approval: 'none', timeout: RUN_TIMEOUT });
      const runId = await latestRunId(other);
      expect(await run.state()).toBe('held');
      expect(await run.headline()).toBe('Held by the rowCount gate: it measured 1,000, the contract needs more than 1,000,000');
      expect(await run.bannerColour()).toBe(AMBER);
      const q = await quarantinedInStore(join(dir, 'ws-reject'), 'hospital', runId);
      const [source, success, quarantine, duplicates, pending] = await run.equation();
      expect([source, success, quarantine]).toEqual([HOSPITAL_ROWS, 0, q]);
      expect(pending).toBeGreaterThan(0);
      expect(quarantine + duplicates + pending).toBe(HOSPITAL_ROWS);
      expect(await run.numbers()).toMatch(new RegExp(`^Nothing is promoted until you release or reject the batch: ${pending.toLocaleString('en-US')} rows wait; `));
      await run.screenshot('run-state-hospital-held');
      await run.decide('Reject the batch');
      await expect.poll(() => run.state(), { timeout: RUN_TIMEOUT }).toBe('rejected');
      expect(await run.headline()).toBe('Rejected: nothing from this batch was promoted');
      expect(await run.bannerColour()).toBe(GREY);
      const after = await run.equation();
      expect(after.slice(0, 2)).toEqual([HOSPITAL_ROWS, 0]);
      expect(after[2] + after[3]).toBe(HOSPITAL_ROWS);
      expect(await quarantinedInStore(join(dir, 'ws-reject'), 'hospital', runId)).toBe(after[2]);
      await run.screenshot('run-state-hospital-rejected');
      expect(other.problems).toEqual([]);
    } finally {
      await other.close();
    }
  }, RUN_TIMEOUT + 60_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
