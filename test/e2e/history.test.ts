// History and undo on a real hospital run, through the page objects: a cell edited in the
// quarantine grid, approved and promoted; the history lists each step; Undo takes the promotion
// back and "Revert to here" / "Revert to the start" go further, each restoring production exactly
// (the clean export's SHA-256 against the one taken before). Screenshots go to test/e2e/artifacts/.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { QuarantinePage } from './pages/QuarantinePage.js';
import { ReviewPage } from './pages/ReviewPage.js';
import { HistoryPanelPage } from './pages/HistoryPanel.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
let app: AppHarness;
let runId: string;

beforeAll(async () => {
  const dir = tempDir('e2e-history');
  const lines = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');
  const file = join(dir, 'hospital-300.csv');
  writeFileSync(file, lines.slice(0, 301).join('\n'));
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
  const r = await app.handlers.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false });
  if (!r.ok) throw new Error(r.error.message);
  runId = r.value.runId;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** SHA-256 of the clean data the run exports: production's content for this run. */
async function productionHash(): Promise<string> {
  const ex = await app.handlers.table.exportRun({ runId, format: 'csv', includePii: true });
  if (!ex.ok) throw new Error(ex.error.message);
  return createHash('sha256').update(readFileSync(ex.value.files.find((f) => f.name === 'clean.csv')!.path)).digest('hex');
}

describe('history and undo', () => {
  it('a cell edit, its approval and promotion are steps; undo and revert restore production exactly', async () => {
    await app.page.reload();
    await app.page.locator('main').waitFor();
    const start = await productionHash();
    const review = async () => {
      const s = await app.handlers.table.reviewState({ runId });
      if (!s.ok) throw new Error(s.error.message);
      return s.value;
    };
    // a failing cell edited by hand, to the value its own fix would give
    const verified = (await review()).clusters.filter((c) => c.proposal?.status === 'verified');
    const source = verified.find((c) => c.column === 'city') ?? verified[0];
    const preview = await app.handlers.table.previewProposal({ runId, proposalId: source.proposal!.id });
    if (!preview.ok) throw new Error(preview.error.message);
    const fix = preview.value.find((d) => d.column === source.column && d.after !== null && d.after !== d.before)!;
    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    await q.pickRun(runId);
    const all = await q.total();
    await q.facet('column', source.column);
    await q.totalChangedFrom(all);
    await app.page.locator(`.grid-row[data-row-id="${fix.rowId}"]`).waitFor();
    await q.pickCell(fix.rowId, source.column);
    expect(await q.proposeEdit(fix.after!)).toBe('verified');
    await q.openInReview();

    const r = new ReviewPage(app.page);
    const h = new HistoryPanelPage(app.page);
    await h.waitForOpen(1);
    await r.select(`manual:${source.column}`);
    await app.page.getByTestId('approve').click();
    await h.waitForOpen(2);
    await r.promote();
    await h.waitForOpen(3);
    const steps = await h.list();
    expect(steps.map((s) => s.label)).toEqual([
      expect.stringMatching(/^Promoted the approved fixes: \d+ rows left in quarantine$/),
      expect.stringMatching(new RegExp(`^Approved the fix for ${source.column}`)),
      `Set 1 cell of ${source.column} by hand: verified`,
    ]);
    const promoted = await productionHash();
    expect(promoted).not.toBe(start);
    await r.screenshot('83-review-history');

    // Undo: the promotion goes, production is as it was, the approval stays
    await h.undo();
    await h.waitForOpen(2);
    expect(await productionHash()).toBe(start);
    expect((await review()).clusters.find((c) => c.id === `manual:${source.column}`)?.proposal?.status).toBe('approved');
    expect((await h.list())[0]).toMatchObject({ undone: true });

    // promote again, then revert to the cell edit: approval and promotion undone, the edit kept
    await r.promote();
    await h.waitForOpen(3);
    expect(await productionHash()).toBe(promoted);
    await h.revertToStep(/by hand/);
    await h.waitForOpen(1);
    expect(await productionHash()).toBe(start);
    expect((await review()).clusters.find((c) => c.id === `manual:${source.column}`)?.proposal?.status).toBe('verified');
    await r.screenshot('84-review-history-reverted');

    // revert to the start: the cell edit itself is gone
    await h.revertToStart();
    await h.waitForOpen(0);
    expect((await review()).clusters.some((c) => c.id === `manual:${source.column}`)).toBe(false);
    expect(await productionHash()).toBe(start);
    const audit = await app.handlers.table.auditLog({ runId, limit: 20_000 });
    expect(audit.ok && audit.value.chain.ok).toBe(true);
    // one undo entry per step undone: the promotion; the second promotion and the approval; the edit
    expect(audit.ok && audit.value.counts.undo).toBe(4);
  }, 240_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
