// Rules read as typed operations on the hospital table, in the built renderer in Chromium: the
// longest rule of the run is a sentence of under 200 characters plus its table (or its SQL, cut),
// never a wall of generated SQL, and it opens in the editor of its kind; a value map is edited in
// its table (a line unticked and saved is a new proposal whose table shows it not applied); a
// failing cell set by hand in the quarantine grid is a verified manual proposal, approved in
// Review. Screenshots go to test/e2e/artifacts/.
//
// A run whose synthesizer emits no value map for the hospital table still exercises the map
// editor: the test stores a map for the longest rule's cluster, built from the fixes the run's
// own rule makes on that cluster's rows, as the synthesizer would propose it.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import type { ProposalView, ReviewCluster, ReviewState } from '../../main/api/contract.js';
import { saveProposal } from '../../main/remediate/proposalStore.js';
import type { MapRule, TypedRule } from '../../main/remediate/rules/ruleTypes.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';
import { QuarantinePage } from './pages/QuarantinePage.js';
import { ReviewPage } from './pages/ReviewPage.js';

const HOSPITAL = join(SHARED, 'bench', 'hospital', 'dirty.csv');
const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const RUN_TIMEOUT = 900_000;

let app: AppHarness;
let ws: string;
let runId: string;

beforeAll(async () => {
  const dir = tempDir('e2e-rules');
  ws = join(dir, 'ws');
  app = await launchApp({ workspace: ws, modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

async function review(): Promise<ReviewState> {
  const r = await app.handlers.table.reviewState({ runId });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const ruleSize = (p: ProposalView) => JSON.stringify(p.rule).length;

/** Opens Review afresh (the screen reads the engine's state when it opens). */
async function openReview(): Promise<ReviewPage> {
  const page = new ReviewPage(app.page);
  await page.open('start');
  await page.open('review');
  await page.selected().waitFor();
  return page;
}

/**
 * A value map for a real cluster: the distinct raw → fixed pairs the run's own rule makes on the
 * cluster's rows (its before → after preview), with each value's rows from the cluster's samples.
 * Stored as the cluster's latest proposal.
 */
async function storeMapFor(cluster: ReviewCluster): Promise<void> {
  const p = cluster.proposal!;
  const preview = await app.handlers.table.previewProposal({ runId, proposalId: p.id });
  if (!preview.ok) throw new Error(preview.error.message);
  const counts = new Map(cluster.samples.map((s) => [s.value, s.count]));
  const pairs = new Map<string, string>();
  for (const d of preview.value) if (d.before !== null && d.after !== null && d.before !== d.after && !pairs.has(d.before)) pairs.set(d.before, d.after);
  expect(pairs.size).toBeGreaterThanOrEqual(2);
  const op: MapRule = { kind: 'map', column: cluster.column, match: 'exact', entries: [...pairs].map(([from, to]) => ({ from, to, count: counts.get(from) ?? 1, enabled: true })) };
  const fixed = op.entries.reduce((n, e) => n + (e.count ?? 0), 0);
  store(cluster, op, `the values this pattern's rule fixes, as a table (${pairs.size} lines)`, fixed);
}

/** Stores a rule as the cluster's latest proposal, verified, as the synthesizer records one. */
function store(cluster: ReviewCluster, op: TypedRule, reasoning: string, fixed: number): void {
  const p = cluster.proposal!;
  const proposer = `synth:${op.kind}`;
  const db = new Database(join(ws, 'airlock.sqlite'));
  try {
    saveProposal(db, {
      id: `${runId}:${cluster.id}:${op.kind}`, runId, clusterId: cluster.id, column: cluster.column,
      rule: { op, confidence: p.confidence ?? 1, reasoning, patternType: op.kind, proposer },
      proposer, confidence: p.confidence ?? 1, status: 'verified', sandboxReason: null,
      coverage: p.clusterRows ? fixed / p.clusterRows : null, fixedRows: fixed, clusterRows: p.clusterRows,
    });
  } finally {
    db.close();
  }
}

describe('rules as typed operations, on the hospital table', () => {
  it('runs the hospital table', async () => {
    await new StartPage(app.page).dropFile(HOSPITAL);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.openContract(CONTRACT);
    await contract.run('none');
    const run = new RunPage(app.page);
    expect(await run.waitForResult(RUN_TIMEOUT)).toBe('completed');
    const runs = await app.handlers.table.listRuns({});
    if (!runs.ok) throw new Error(runs.error.message);
    runId = runs.value[0].runId;
  }, RUN_TIMEOUT + 60_000);

  it('shows the longest rule of the run as a sentence under 200 characters plus its table, and opens it in its editor', async () => {
    const state = await review();
    const longest = state.clusters.filter((c) => c.proposal).sort((a, b) => ruleSize(b.proposal!) - ruleSize(a.proposal!))[0];
    const p = longest.proposal!;
    const page = await openReview();
    await page.select(longest.id);
    expect(await page.ruleKind()).toBe(p.kind);
    const sentence = await page.sentence();
    expect(sentence).toBe(p.description.sentence);
    expect(sentence.length).toBeLessThan(200);
    if (p.description.table) {
      // Its lines in a paged table: never more than a page on screen, however long the rule.
      const rows = await page.ruleTable().locator('tbody tr').count();
      expect(rows).toBe(Math.min(20, p.description.table.rows.length));
      expect(await page.ruleTable().getByTestId('rule-pager').innerText()).toContain(`${p.description.table.rows.length.toLocaleString('en-US')} line`);
    } else if (p.description.sql !== undefined) {
      // An expression shows as its SQL, cut to a few lines when it is long.
      const shown = await page.rule().getByTestId('rule-sql').innerText();
      expect(shown.length).toBeLessThanOrEqual(601);
      if (p.description.sql.length > 600) expect(await page.rule().getByTestId('rule-sql').getAttribute('data-clipped')).toBe('yes');
    } else {
      expect(await page.rule().getByTestId('rule-params').innerText()).toContain(p.column);
    }
    // Nothing of the rule spills out of its card.
    const spill = await app.page.getByTestId('cluster-detail').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(spill).toBeLessThanOrEqual(0);
    await page.diff().waitFor({ timeout: 60_000 });
    await page.screenshot('25-review-longest-rule');

    await page.edit();
    await page.editor().waitFor();
    expect(await page.editor().getAttribute('data-testid')).toBe({ map: 'map-editor', expression: 'rule-editor', manual: 'manual-editor', agreedValue: 'params-editor', lookup: 'params-editor' }[p.kind]);
    if (p.rule.kind === 'expression' && Object.values(p.rule.set).some((e) => e.length > 20_000)) {
      // Too long to edit as text: the editor says so and what to do, and does not offer to save.
      expect(await page.editor().getByTestId('too-long').innerText()).toContain('more than the 20,000');
      expect(await page.editor().getByRole('button', { name: /Verify and save/ }).isDisabled()).toBe(true);
    }
    await page.screenshot('25b-review-longest-rule-editor');
    await page.editor().getByRole('button', { name: 'Cancel' }).click();
    await page.rule().getByTestId('rule-sentence').waitFor();
  }, 120_000);

  it('edits a value map in its table: a line unticked and saved is a new proposal that shows it not applied', async () => {
    let state = await review();
    const maps = state.clusters.filter((c) => c.proposal?.kind === 'map' && c.proposal.status === 'verified' && (c.proposal.rule as MapRule).entries.length >= 2);
    let target = maps.sort((a, b) => ruleSize(b.proposal!) - ruleSize(a.proposal!))[0];
    if (!target) {
      // No map from the synthesizer on this run: one for the longest rule's cluster whose fixes are a table.
      const candidates = state.clusters.filter((c) => c.proposal?.status === 'verified').sort((a, b) => ruleSize(b.proposal!) - ruleSize(a.proposal!));
      await storeMapFor(candidates[0]);
      state = await review();
      target = state.clusters.find((c) => c.id === candidates[0].id)!;
    }
    const before = target.proposal!;
    expect(before.kind).toBe('map');
    const line = (before.rule as MapRule).entries.find((e) => e.enabled !== false)!;

    const page = await openReview();
    await page.select(target.id);
    expect(await page.ruleKind()).toBe('map');
    expect((await page.sentence()).length).toBeLessThan(200);
    expect(await page.applied(line.from)).toBe('yes');
    await page.filterLines('');
    await page.diff().waitFor({ timeout: 60_000 });
    await page.screenshot('26-review-map-rule');

    await page.edit();
    await page.mapEditor().waitFor();
    await page.setApplied(line.from, false);
    expect(await page.mapEditor().innerText()).toContain('1 changed');
    await page.screenshot('27-review-map-editor');
    await page.saveMap(before.id);

    // The edit is a new proposal of the same pattern, verified (or not, with its reason) by the engine.
    const after = (await review()).clusters.find((c) => c.id === target.id)!.proposal!;
    expect(after.id).not.toBe(before.id);
    expect(after.kind).toBe('map');
    expect(after.proposer).toBe('analyst:e2e-analyst');
    expect((after.rule as MapRule).entries.find((e) => e.from === line.from)?.enabled).toBe(false);
    expect(['verified', 'unverified']).toContain(after.status);
    expect(await app.page.getByTestId('cluster-detail').getAttribute('data-proposal-id')).toBe(after.id);
    if (after.status === 'unverified') expect(await app.page.getByTestId('cluster-detail').innerText()).toContain(after.sandboxReason!);
    expect(await page.applied(line.from)).toBe('no');
    await page.filterLines('');
    await page.diff().waitFor({ timeout: 60_000 });
    await page.screenshot('28-review-map-edited');
  }, 180_000);

  it('sets a failing cell by hand in the quarantine grid: a verified manual proposal, approved in Review', async () => {
    // The value the run's own fix gives a failing cell (a zip, if the run has a fix for one): a
    // value the contract accepts.
    const verified = (await review()).clusters.filter((c) => c.proposal?.status === 'verified' && !c.id.startsWith('manual:'));
    const source = verified.find((c) => c.column === 'zip') ?? verified[0];
    expect(source).toBeDefined();
    const column = source.column;
    const preview = await app.handlers.table.previewProposal({ runId, proposalId: source.proposal!.id });
    if (!preview.ok) throw new Error(preview.error.message);
    const fix = preview.value.find((d) => d.column === column && d.after !== null && d.after !== d.before)!;
    const manual = `manual:${column}`;

    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    const all = await q.total();
    expect(await app.page.getByTestId('manual-hint').innerText()).toContain('Click a failing');
    await q.facet('column', column);
    await q.totalChangedFrom(all);
    await app.page.locator(`.grid-row[data-row-id="${fix.rowId}"]`).waitFor();
    await q.pickCell(fix.rowId, column);
    expect(await app.page.getByTestId('manual-edit').innerText()).toContain(`row ${fix.rowId}`);
    const status = await q.proposeEdit(fix.after!);
    expect(status).toBe('verified');
    expect(await q.manualOutcome().innerText()).toMatch(/Verified[\s\S]*approve it in Review/);
    await q.screenshot('29-quarantine-manual-edit');

    const mine = (await review()).clusters.find((c) => c.id === manual)!;
    expect(mine.proposal?.kind).toBe('manual');
    expect(mine.proposal?.status).toBe('verified');
    expect(mine.proposal?.rule).toMatchObject({ kind: 'manual', column, cells: [{ rowId: fix.rowId, value: fix.after }] });

    await q.openInReview();
    const page = new ReviewPage(app.page);
    await expect.poll(() => page.selectedId()).toBe(manual);
    expect(await page.ruleKind()).toBe('manual');
    expect(await page.sentence()).toBe(`The analyst set 1 cell of ${column} by hand.`);
    expect(await page.ruleTable().locator('tbody tr').first().innerText()).toContain(fix.after!);
    await page.press('a');
    await expect.poll(() => page.statusOf(manual)).toBe('approved');
    await page.select(manual);
    await page.diff().waitFor({ timeout: 60_000 });
    // The full preview shows the one change the edit makes: the cell's value before → the value typed, once.
    expect(await page.previewNumbers()).toMatchObject({ cells: 1, rows: 1, groups: 1 });
    expect(await page.previewGroups()).toEqual([expect.objectContaining({ after: fix.after, cells: 1 })]);
    await page.screenshot('30-review-manual-approved');
  }, 180_000);

  it('pages a map of thousands of lines and finds a line with the filter, in the table and in its editor', async () => {
    // A stress case: a provider-number map as long as a big file's typo table (made-up keys).
    const withProposal = (await review()).clusters.filter((c) => c.proposal && !c.id.startsWith('manual:'));
    const cluster = withProposal.find((c) => c.column === 'provider_number') ?? withProposal[withProposal.length - 1];
    const entries = Array.from({ length: 3_000 }, (_, i) => ({ from: `1x${String(i).padStart(4, '0')}`, to: `1${String(i).padStart(5, '0')}`, count: 1 + (i % 3), enabled: true }));
    store(cluster, { kind: 'map', column: 'provider_number', match: 'exact', entries }, 'a long map (3,000 lines)', 0);
    const page = await openReview();
    await page.select(cluster.id);
    expect(await page.ruleKind()).toBe('map');
    expect((await page.sentence()).length).toBeLessThan(200);
    expect(await page.ruleTable().locator('tbody tr').count()).toBe(20);
    expect(await page.ruleTable().getByTestId('rule-pager').innerText()).toMatch(/1–20 of 3,000 lines[\s\S]*page 1 of 150/);
    await page.ruleTable().getByRole('button', { name: 'Next page' }).click();
    expect(await page.ruleTable().locator('tbody tr').first().getAttribute('data-key')).toBe('1x0020');
    await page.filterLines('1x2999');
    expect(await page.ruleTable().locator('tbody tr').count()).toBe(1);
    expect(await page.ruleTable().getByTestId('rule-pager').innerText()).toContain('matching (3,000 in all)');
    const spill = await app.page.getByTestId('cluster-detail').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(spill).toBeLessThanOrEqual(0);
    await page.filterLines('');
    await page.screenshot('31-review-long-map');

    await page.edit();
    await page.mapEditor().waitFor();
    expect(await page.mapEditor().locator('tbody tr').count()).toBe(20);
    await page.setApplied('1x2999', false);
    expect(await page.mapEditor().innerText()).toContain('2,999 of 3,000 lines applied · 1 changed');
    await page.mapEditor().getByRole('button', { name: 'Cancel' }).click();
  }, 120_000);

  it('shows an agreed value and a lookup as their parameters in words, and opens them', async () => {
    const clusters = (await review()).clusters.filter((c) => c.proposal && !c.id.startsWith('manual:'));
    const county = clusters.find((c) => c.column === 'city') ?? clusters[0];
    const state = clusters.find((c) => c.column === 'state') ?? clusters[1];
    store(county, { kind: 'agreedValue', column: 'city', determinants: [['provider_number'], ['zip']], minSupport: 2, minMargin: 0.5, sourceColumn: 'owner' }, 'city follows provider_number and zip', 0);
    store(state, { kind: 'lookup', column: 'state', table: 'us_state', form: 'code', style: 'lower' }, 'states by their postal code', 0);
    const page = await openReview();

    await page.select(county.id);
    expect(await page.ruleKind()).toBe('agreedValue');
    const params = await page.rule().getByTestId('rule-params').innerText();
    expect(params).toMatch(/provider_number[\s\S]*or[\s\S]*zip/);
    expect(params).toContain('leads the runner-up by 50%');
    expect(params).toContain('source column owner');
    expect((await page.sentence()).length).toBeLessThan(200);
    await page.previewSettled();
    await page.screenshot('32-review-agreed-value');
    await page.edit();
    expect(await page.editor().getAttribute('data-testid')).toBe('params-editor');
    expect(await page.editor().locator('textarea').first().inputValue()).toBe('"city"');
    await page.editor().getByRole('button', { name: 'Cancel' }).click();

    await page.select(state.id);
    expect(await page.ruleKind()).toBe('lookup');
    expect(await page.rule().getByTestId('rule-params').innerText()).toMatch(/us_state[\s\S]*code, in lower case/);
    await page.edit();
    expect(await page.editor().getAttribute('data-testid')).toBe('params-editor');
    await page.previewSettled();
    await page.screenshot('33-review-lookup-editor');
    await page.editor().getByRole('button', { name: 'Cancel' }).click();
  }, 120_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
