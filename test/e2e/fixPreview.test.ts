// The full preview of a fix, in the built renderer in Chromium, on a real run of the public beers
// table: every change of a pattern is reachable by paging its distinct before → after groups and
// the counts agree (with the clustering's own counts of the failing values, and with the engine);
// the preview follows a rule while it is edited (an expression as typed, a value map as its lines
// are unticked); Approve is off, with its reason, on a rule that is not verified. Screenshots
// 60-69 go to test/e2e/artifacts/.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import type { ReviewCluster, ReviewState, RulePreview } from '../../main/api/contract.js';
import { saveProposal } from '../../main/remediate/proposalStore.js';
import type { MapRule } from '../../main/remediate/rules/ruleTypes.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';
import { ReviewPage } from './pages/ReviewPage.js';

const BEERS = join(SHARED, 'bench', 'beers', 'dirty.csv');
const CONTRACT = join(SHARED, 'bench', 'beers', 'contract.odcs.yaml');

let app: AppHarness;
let ws: string;
let runId: string;

beforeAll(async () => {
  const dir = tempDir('e2e-preview');
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

async function enginePreview(proposalId: string): Promise<Extract<RulePreview, { ok: true }>> {
  const r = await app.handlers.table.previewRule({ runId, proposalId, offset: 0, limit: 500 });
  if (!r.ok) throw new Error(r.error.message);
  if (!r.value.ok) throw new Error(r.value.reason);
  return r.value;
}

async function openReview(clusterId: string): Promise<ReviewPage> {
  const page = new ReviewPage(app.page);
  await page.open('start');
  await page.open('review');
  await page.selected().waitFor();
  await page.select(clusterId);
  return page;
}

/** Every group of the selected fix's preview, page after page, as the screen shows them. */
async function allGroups(page: ReviewPage): Promise<Array<{ before: string; after: string; cells: number }>> {
  const out = [...await page.previewGroups()];
  while (await page.nextChanges()) out.push(...await page.previewGroups());
  return out;
}

describe('the full preview of a fix, on the beers table', () => {
  it('runs the beers table', async () => {
    await new StartPage(app.page).dropFile(BEERS);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.openContract(CONTRACT);
    await contract.run('none');
    expect(await new RunPage(app.page).waitForResult(300_000)).toBe('completed');
    const runs = await app.handlers.table.listRuns({});
    if (!runs.ok) throw new Error(runs.error.message);
    runId = runs.value[0].runId;
  }, 360_000);

  it('shows every change of the largest pattern, with counts that match its failing values', async () => {
    const largest = (await review()).clusters.filter((c) => c.proposal)[0];
    const page = await openReview(largest.id);
    const n = await page.previewNumbers();
    const groups = await allGroups(page);
    expect(groups.length).toBe(n.groups);
    expect(new Set(groups.map((g) => `${g.before}\u0001${g.after}`)).size).toBe(groups.length);
    expect(groups.reduce((a, g) => a + g.cells, 0)).toBe(n.cells);
    // The clustering counted the pattern's failing values on its own: each changed value's group has that count.
    for (const s of largest.samples) {
      const g = groups.find((x) => x.before === (s.value ?? ''));
      if (g) expect(g.cells, String(s.value)).toBe(s.count);
    }
    expect(n.rows).toBeLessThanOrEqual(largest.size);
    expect(n.leave + n.still).toBe(largest.size);
    // The screen shows the engine's numbers, not numbers of its own.
    const e = await enginePreview(largest.proposal!.id);
    expect(n).toEqual({ cells: e.cellsChanged, rows: e.rowsChanged, leave: e.leaveQuarantine, still: e.stillFailing, regressions: e.regressions, groups: e.groupCount });
    if (n.still > 0) expect(await page.preview().getByTestId('still-failing').innerText()).toContain(e.stillFailingBy[0].reason);
  }, 120_000);

  it('pages through every change of the pattern with the most distinct changes, each exactly once', async () => {
    const state = await review();
    const previews = await Promise.all(state.clusters.filter((c) => c.proposal).map(async (c) => ({ c, e: await enginePreview(c.proposal!.id) })));
    const { c: widest, e } = previews.sort((a, b) => b.e.groupCount - a.e.groupCount)[0];
    expect(e.groupCount).toBeGreaterThan(20);
    const page = await openReview(widest.id);
    expect(await page.preview().getByTestId('preview-pager').innerText()).toContain(`1–20 of ${e.groupCount.toLocaleString('en-US')} distinct changes`);
    await page.preview().getByTestId('preview-pager').scrollIntoViewIfNeeded();
    await page.screenshot('60-review-full-preview');
    const groups = await allGroups(page);
    expect(groups.map((g) => `${g.before}\u0001${g.after}\u0001${g.cells}`)).toEqual(e.groups.map((g) => `${g.before ?? ''}\u0001${g.after ?? ''}\u0001${g.cells}`));
    expect(groups.reduce((a, g) => a + g.cells, 0)).toBe(e.cellsChanged);
    // Largest first across pages.
    expect(groups.map((g) => g.cells)).toEqual([...groups.map((g) => g.cells)].sort((a, b) => b - a));
    await page.preview().getByTestId('preview-pager').scrollIntoViewIfNeeded();
    await page.screenshot('63-review-full-preview-last-page');
  }, 180_000);

  it('follows an expression as it is typed: no change, a change, and a refusal by the sandbox', async () => {
    const largest = (await review()).clusters.filter((c) => c.proposal?.kind === 'expression')[0];
    const col = largest.column;
    const page = await openReview(largest.id);
    const stored = await page.previewNumbers();
    await page.edit();
    await page.rule().getByTestId('rule-editor').waitFor();
    await page.typeExpression(`"${col}"`);
    await expect.poll(async () => (await page.previewNumbers()).cells, { timeout: 30_000 }).toBe(0);
    expect(await page.preview().getAttribute('data-draft')).toBe('yes');
    expect(await page.preview().getByTestId('no-change').innerText()).toContain('changes no cell');
    await page.typeExpression(`'x' || "${col}"`);
    await expect.poll(async () => (await page.previewNumbers()).cells, { timeout: 30_000 }).toBe(largest.size);
    expect((await page.previewGroups())[0].after).toMatch(/^x/);
    expect(stored.cells).toBeGreaterThan(0);
    await page.screenshot('61-review-preview-editing');
    await page.typeExpression(`(SELECT max("${col}") FROM beers)`);
    await page.preview().getByTestId('preview-refused').waitFor({ timeout: 30_000 });
    expect(await page.preview().getByTestId('preview-refused').innerText()).toMatch(/^The sandbox refuses this rule: .+/);
    await page.screenshot('64-review-preview-refused');
    // While a rule is edited, Approve is off and says why.
    expect(await page.approveButton().isDisabled()).toBe(true);
    expect(await page.approveReason().innerText()).toContain('being edited');
    await page.editor().getByRole('button', { name: 'Cancel' }).click();
    await page.rule().getByTestId('rule-sentence').waitFor();
    expect(await page.previewNumbers()).toEqual(stored);
  }, 120_000);

  it('follows a value map as its lines are unticked in its table', async () => {
    const cluster = (await review()).clusters.filter((c) => c.proposal)[0];
    const e = await enginePreview(cluster.proposal!.id);
    storeMap(cluster, { kind: 'map', column: cluster.column, match: 'exact', entries: e.groups.map((g) => ({ from: g.before ?? '', to: g.after ?? '', count: g.cells, enabled: true })) });
    const page = await openReview(cluster.id);
    expect(await page.ruleKind()).toBe('map');
    const all = await page.previewNumbers();
    expect(all.cells).toBe(e.cellsChanged);
    await page.edit();
    await page.mapEditor().waitFor();
    const off = e.groups[0];
    await page.setApplied(off.before!, false);
    await expect.poll(async () => (await page.previewNumbers()).cells, { timeout: 30_000 }).toBe(e.cellsChanged - off.cells);
    expect((await page.previewGroups()).some((g) => g.before === off.before)).toBe(false);
    await page.screenshot('65-review-map-preview-editing');
    await page.mapEditor().getByRole('button', { name: 'Cancel' }).click();
  }, 120_000);

  it('turns Approve off, with the reason, on a rule that is not verified', async () => {
    const target = (await review()).clusters.filter((c) => c.proposal?.kind === 'expression' && c.proposal.status === 'verified')[0];
    const before = target.proposal!;
    const page = await openReview(target.id);
    expect(await page.approveButton().isDisabled()).toBe(false);
    expect(await page.page.getByTestId('cluster-detail').getByTestId('confidence').count()).toBe(1);
    await page.edit();
    await page.typeExpression(`"${target.column}"`);
    await page.rule().getByRole('button', { name: /Verify and save/ }).click();
    await page.page.waitForFunction((id) => document.querySelector('[data-testid="cluster-detail"]')?.getAttribute('data-proposal-id') !== id && !document.querySelector('[data-testid="rule-editor"]'), before.id, { timeout: 60_000 });
    const edited = (await review()).clusters.find((c) => c.id === target.id)!.proposal!;
    expect(edited.status).toBe('unverified');
    expect(edited.confidence).toBeNull();
    await page.previewSettled();
    expect(await page.approveButton().isDisabled()).toBe(true);
    const reason = await page.approveReason().innerText();
    expect(reason).toContain('Not verified');
    expect(reason).toContain(edited.approval.reason!);
    // No confidence for an analyst's edit, and the numbers say it changes nothing.
    expect(await page.page.getByTestId('cluster-detail').getByTestId('confidence').count()).toBe(0);
    expect((await page.previewNumbers()).cells).toBe(0);
    await page.screenshot('62-review-approve-disabled');
    // The shortcut holds to the button: nothing is approved, and the reason is shown.
    await page.press('a');
    await expect.poll(() => page.page.locator('main[data-screen="review"] [role="alert"]').first().innerText().catch(() => '')).toContain('Approve is off');
    expect((await review()).clusters.find((c) => c.id === target.id)!.proposal!.status).toBe('unverified');
  }, 120_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});

/** Stores a value map as the cluster's latest proposal, verified, as the synthesizer records one. */
function storeMap(cluster: ReviewCluster, op: MapRule): void {
  const p = cluster.proposal!;
  const db = new Database(join(ws, 'airlock.sqlite'));
  try {
    saveProposal(db, {
      id: `${runId}:${cluster.id}:map`, runId, clusterId: cluster.id, column: cluster.column,
      rule: { op, confidence: p.confidence ?? 1, reasoning: 'the changes of this pattern, as a table', patternType: 'map', proposer: 'synth:map' },
      proposer: 'synth:map', confidence: p.confidence ?? 1, status: 'verified', sandboxReason: null,
      coverage: p.coverage, fixedRows: p.fixedRows, clusterRows: p.clusterRows,
    });
  } finally {
    db.close();
  }
}
