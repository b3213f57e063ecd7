// The quarantine grid as a workbench, in the built renderer in Chromium, on the first 250
// records of the public hospital table (its dependency violations, in seconds): a row opens with
// its raw line and line number (checked against the file split here), its checks in words and
// the rows of its FD group side by side (checked against counts made here from the file); the
// facets count against each other (checked against the engine's grid totals); the row number and
// reasons stay in view when the grid scrolls sideways; the failing columns come first; a header
// sorts, hides and moves its column; a manual edit shows in the row's history. Screenshots 70-79
// go to test/e2e/artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';
import { QuarantinePage } from './pages/QuarantinePage.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const RECORDS = 250;
const RUN_TIMEOUT = 300_000;

let app: AppHarness;
let file: string;
let runId: string;
let lines: string[];

beforeAll(async () => {
  const dir = tempDir('e2e-rowpanel');
  file = join(dir, 'hospital-250.csv');
  lines = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n').slice(0, RECORDS + 1);
  writeFileSync(file, `${lines.join('\n')}\n`);
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

/** The file's rows whose `det` columns equal `key`, counted by `dep` (the hospital table has no quoted fields). */
function groupFromFile(det: string[], key: string[], dep: string): Map<string, number> {
  const header = lines[0].split(',');
  const counts = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (det.every((d, i) => f[header.indexOf(d)] === key[i])) counts.set(f[header.indexOf(dep)], (counts.get(f[header.indexOf(dep)]) ?? 0) + 1);
  }
  return counts;
}

/** Opens a row with an FD violation and checks the panel against the file: raw line, line number, words, group. */
async function checkFdRow(q: QuarantinePage, rowId: number): Promise<void> {
  await q.openRow(rowId);

  const line = await q.rawLineNumber();
  expect(line).toBeGreaterThan(1);
  expect(await q.rawLine()).toBe(lines[line - 1]);

  const checks = await q.checkSentences();
  const fd = checks.find((c) => c.reason === 'FD_VIOLATION')!;
  expect(fd.sentence).toMatch(/^[a-z_ +]+ → [a-z_0-9]+: this row says "[^"]*", \d+ rows? of the same /);
  expect(fd.expected).toContain('expected:');
  for (const c of checks) expect(c.sentence.length).toBeGreaterThan(10);

  // The engine's answer names the group; its counts must be the file's own.
  const detail = await app.handlers.table.quarantineRow({ runId, rowId });
  if (!detail.ok) throw new Error(detail.error.message);
  const group = detail.value.groups.find((g) => g.kind === 'dependency' && g.rule === detail.value.checks.find((c) => c.reason === 'FD_VIOLATION')!.rule)!;
  const fromFile = groupFromFile(group.key.map((k) => k.column), group.key.map((k) => k.value ?? ''), group.dependent!);
  const shownValues = await q.groupValues(group.rule);
  expect(new Map(shownValues.map((v) => [v.value, v.count]))).toEqual(fromFile);
  const shownRows = await q.groupRows(group.rule);
  expect(shownRows[0].rowId).toBe(rowId);
  expect(shownRows.length).toBe(Math.min(50, [...fromFile.values()].reduce((a, b) => a + b, 0)));
  for (const r of shownRows) expect(r.values.slice(0, group.key.length)).toEqual(group.key.map((k) => k.value));
  // The candidates are the engine's vote, as the panel lists them. In a group shown whole, the
  // winner's votes are its rows that pass (passing rows outvote held ones; one run, no earlier rows).
  for (const c of detail.value.candidates) {
    const g = detail.value.groups.find((x) => x.kind === 'dependency' && x.dependent === c.column && x.key.map((k) => k.column).join('+') === c.determinant);
    const winner = c.values.find((v) => v.winner);
    if (g && winner && g.more === 0 && g.rows.some((r) => !r.quarantined)) {
      expect(winner.count, `${c.column} by ${c.determinant}`).toBe(g.rows.filter((r) => !r.quarantined && r.values.at(-1) === winner.value).length);
    }
    const shown = await q.candidates(c.column, c.determinant);
    expect(shown).toEqual(c.values.map((v) => v.value ?? ''));
  }
  // Nothing was approved in this run: at most a missing-value token was read as no value.
  const history = detail.value.history;
  expect(history.every((h) => h.rule === 'missing-token-to-null')).toBe(true);
  if (history.length === 0) expect(await q.rowPanel().getByTestId('row-history').textContent()).toContain('Nothing has changed this row since it arrived.');
  else expect(await q.rowPanel().locator('[data-testid="row-history"] li').count()).toBe(history.length);
}

describe('the quarantine as a workbench', () => {
  it('runs the first 250 records of the hospital table', async () => {
    await new StartPage(app.page).dropFile(file);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.openContract(CONTRACT);
    await contract.run('none');
    expect(await new RunPage(app.page).waitForResult(RUN_TIMEOUT)).toBe('completed');
    const runs = await app.handlers.table.listRuns({});
    if (!runs.ok) throw new Error(runs.error.message);
    runId = runs.value[0].runId;
  }, RUN_TIMEOUT + 60_000);

  it('opens an FD row: its raw line and line number, its checks in words, its group side by side', async () => {
    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    const all = await q.total();
    await q.facet('reason', 'FD_VIOLATION');
    await q.totalChangedFrom(all);
    const [rowId] = await q.visibleRowIds();
    await checkFdRow(q, rowId);
    await q.screenshot('70-quarantine-row-panel');
    await q.closeRow();
    // A row whose city disagrees with its zip (or provider) group: short values, side by side.
    const filtered = await q.total();
    await q.facet('column', 'city');
    await q.totalChangedFrom(filtered);
    expect((await q.headerColumns())[0]).toBe('city');
    const [cityRow] = await q.visibleRowIds();
    await checkFdRow(q, cityRow);
    await q.scrollPanelTo('row-group');
    await q.screenshot('71-quarantine-fd-group');
    const cityDetail = await app.handlers.table.quarantineRow({ runId, rowId: cityRow });
    expect(cityDetail.ok && cityDetail.value.candidates.filter((c) => c.column === 'city' && c.source === 'vote').length).toBeGreaterThan(0);
    await q.scrollPanelTo('row-history');
    await q.screenshot('75-quarantine-row-candidates');
    await q.closeRow();
    await q.facet('column', 'city');
    await q.facet('reason', 'FD_VIOLATION');
  });

  it('counts each facet against the other facet\'s pick, as the grid shows it', async () => {
    const q = new QuarantinePage(app.page);
    await expect.poll(() => app.page.locator('.facet-list button.on').count()).toBe(0);
    const reasonsBefore = await q.facetCounts('reason');
    await q.facet('column', 'owner');
    const reasons = await q.facetCountsChangedFrom('reason', reasonsBefore);
    // owner fails for more than one reason, so the reason facet has a choice to count.
    expect(reasons.size).toBeGreaterThan(1);
    for (const [reason, n] of reasons) {
      const page = await app.handlers.table.quarantinePage({ runId, offset: 0, limit: 1, filter: { column: 'owner', reason } });
      expect(page.ok && page.value.total, reason).toBe(n);
      expect(n).toBeLessThanOrEqual(reasonsBefore.get(reason)!);
    }
    const columnsBefore = await q.facetCounts('column');
    const pick = [...reasons.keys()][0];
    const shown = reasons.get(pick)!;
    await q.facet('reason', pick);
    const columns = await q.facetCountsChangedFrom('column', columnsBefore);
    for (const [column, n] of columns) {
      const page = await app.handlers.table.quarantinePage({ runId, offset: 0, limit: 1, filter: { column, reason: pick } });
      expect(page.ok && page.value.total, column).toBe(n);
    }
    expect(await q.total()).toBe(shown);
    await q.screenshot('72-quarantine-facets');
    await q.facet('reason', pick);
    await q.facet('column', 'owner');
  });

  it('keeps the row number and reasons in view when the grid scrolls sideways, failing columns first', async () => {
    const q = new QuarantinePage(app.page);
    const headers = await q.headerColumns();
    const facets = await app.handlers.table.quarantineFacets({ runId, filter: {} });
    if (!facets.ok) throw new Error(facets.error.message);
    const failing = new Set(facets.value.byColumnReason.map((p) => p.column));
    expect(new Set(headers.slice(0, failing.size))).toEqual(new Set([...failing].filter((c) => headers.includes(c))));
    const before = await q.frozenCells();
    const moved = await q.scrollGridLeft(2000);
    expect(moved).toBeGreaterThan(500);
    const after = await q.frozenCells();
    expect(after).toEqual({ ...before, idVisible: true, reasonsVisible: true });
    await q.screenshot('73-quarantine-frozen-columns');
    await q.scrollGridLeft(0);
  });

  it('sorts by a column in the engine, hides a column and moves one', async () => {
    const q = new QuarantinePage(app.page);
    const first = (await q.headerColumns())[0];
    await q.sortBy(first);
    await app.page.locator(`.grid-head .gh-col[data-column="${first}"][aria-sort="ascending"]`).waitFor();
    const sorted = await app.handlers.table.quarantinePage({ runId, offset: 0, limit: 5, filter: {}, sort: { column: first, descending: false } });
    if (!sorted.ok) throw new Error(sorted.error.message);
    await app.page.waitForFunction((id) => document.querySelector('.grid-row[data-index="0"]')?.getAttribute('data-row-id') === String(id), sorted.value.rows[0].rowId);
    expect((await q.visibleRowIds()).slice(0, 5)).toEqual(sorted.value.rows.map((r) => r.rowId));
    const hidden = (await q.headerColumns()).at(-1)!;
    await q.hideColumn(hidden);
    expect(await q.headerColumns()).not.toContain(hidden);
    // The hide click scrolled the grid to the last column; back to the sorted one for the picture.
    await q.scrollGridLeft(0);
    await q.screenshot('74-quarantine-sorted-hidden');
    await app.page.getByTestId('show-columns').click();
    expect(await q.headerColumns()).toContain(hidden);
    // A header dragged onto another moves before it; the failing-first order comes back on request.
    const before = await q.headerColumns();
    await q.moveColumn(before[3], before[0]);
    expect(await q.headerColumns()).toEqual([before[3], ...before.filter((c) => c !== before[3])]);
    await app.page.getByTestId('reset-order').click();
    expect(await q.headerColumns()).toEqual(before);
  });

  it('shows a manual edit of a cell in the history of its row', async () => {
    const q = new QuarantinePage(app.page);
    const all = await q.total();
    await q.facet('reason', 'FD_VIOLATION');
    const fd = await q.totalChangedFrom(all);
    await q.facet('column', 'city');
    await q.totalChangedFrom(fd);
    const [rowId] = await q.visibleRowIds();
    // The value the engine's vote elects for the cell, typed by hand.
    const detail = await app.handlers.table.quarantineRow({ runId, rowId });
    if (!detail.ok) throw new Error(detail.error.message);
    const value = detail.value.candidates.find((c) => c.column === 'city' && c.decision !== null)?.decision ?? detail.value.candidates[0].values[0].value!;
    await q.pickCell(rowId, 'city');
    const status = await q.proposeEdit(value);
    expect(status).toMatch(/verified/);
    await q.openRow(rowId);
    const entry = q.rowPanel().locator('[data-testid="row-history"] li[data-source="manual"]');
    await entry.waitFor();
    expect(await entry.innerText()).toContain(`city set to ${JSON.stringify(value)} by hand, ${status}`);
    await q.scrollPanelTo('row-history');
    await q.screenshot('76-quarantine-row-history');
    await app.page.keyboard.press('Escape');
    await q.rowPanel().waitFor({ state: 'detached' });
  }, 180_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
