// The stream's recipe: fixes approved on one file (--approve-all) are offered first to the next
// file of the same stream, under that run's approval mode (B4). A run with no approval flag
// applies none of them: they wait for review and the summary and audit say so. A re-run of that
// file with --approve-all approves what waits (D); a new file with --approve-all applies the
// recipe at once; --approve-min-confidence applies only the rules at or above its threshold.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { demoPaths } from '../../main/pipeline/demo.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { ApprovalMode, RunSummary } from '../../main/pipeline/types.js';
import { count, customerCsvWithIds, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { describeEntry } from '../../main/api/auditSummary.js';

let engine: Engine;
let first: RunSummary;
let second: RunSummary;
let rerun: RunSummary;
let third: RunSummary;
let fourth: RunSummary;
let dir: string;
let secondRecipe: ReturnType<typeof recipeProposals>;
let secondRecipeChanges: number;

const recipeProposals = (runId: string) => engine.sqlite.prepare(`SELECT proposal_id, proposer, status, decided_by, confidence FROM proposals WHERE run_id = ? AND proposer LIKE 'recipe:%'`)
  .all(runId) as { proposal_id: string; proposer: string; status: string; decided_by: string | null; confidence: number }[];
const recipeChanges = (runId: string) => count(engine, `SELECT count(DISTINCT row_id) FROM prod."customers__changes" WHERE run_id = '${runId}' AND proposer LIKE 'recipe:%'`);

beforeAll(async () => {
  dir = tempDir('recipe');
  const { contract } = demoPaths();
  engine = await openEngine(join(dir, 'ws'));
  const run = (name: string, csv: string, approval: ApprovalMode) =>
    runBatch(engine, { file: writeInput(dir, name, csv), contractPath: contract, approval, remediation: { modelPath: null, embedderDir: null } });
  first = await run('monday.csv', customerCsvWithIds(300, 7, 0), { kind: 'all' });
  second = await run('tuesday.csv', customerCsvWithIds(300, 11, 1000), { kind: 'none' });
  secondRecipe = recipeProposals(second.runId);
  secondRecipeChanges = await recipeChanges(second.runId);
  rerun = await run('tuesday.csv', customerCsvWithIds(300, 11, 1000), { kind: 'all' });
  third = await run('wednesday.csv', customerCsvWithIds(300, 13, 2000), { kind: 'all' });
  fourth = await run('thursday.csv', customerCsvWithIds(300, 17, 3000), { kind: 'min-confidence', min: 0.999 });
}, 240_000);

afterAll(() => engine?.close());

describe('a recipe learned on one file', () => {
  it('the first file, approved with --approve-all, leaves rules in the stream recipe', () => {
    expect(first.status).toBe('completed');
    expect(first.remediatedRows).toBeGreaterThan(0);
    const n = (engine.sqlite.prepare('SELECT count(*) AS n FROM recipes WHERE contract_id = ?').get('demo-customers') as { n: number }).n;
    expect(n).toBeGreaterThan(0);
  });

  it('a run without an approval flag applies none of it: the rules wait for review, and the summary and audit say so', async () => {
    const recipe = secondRecipe;
    expect(recipe.length).toBeGreaterThan(0);
    for (const p of recipe) {
      expect(p.status).toBe('verified');
      expect(p.decided_by).toBeNull();
    }
    expect(secondRecipeChanges).toBe(0);
    expect(second.successRows).toBe(second.fastLaneRows);
    expect(second.remediatedRows).toBe(0);
    expect(second.recipe).toEqual({ applied: 0, waiting: recipe.length });
    expect(second.waitingForReview).toBeGreaterThanOrEqual(recipe.length);
    expect(second.message).toMatch(/wait for review/);
    expect(second.message).toMatch(/--approve-all/);
    const entry = engine.audit.entries(second.runId).find((e) => e.kind === 'recipe');
    expect(entry?.payload.waitingForReview).toHaveLength(recipe.length);
    expect(entry?.payload.rules).toHaveLength(0);
    // The audit trail's one-line description (app and report) says they wait.
    expect(describeEntry(entry!)).toMatch(new RegExp(`${recipe.length} wait for review`));
    expect(second.sourceRows).toBe(second.successRows + second.quarantineRows + second.duplicateRows + second.pendingRows);
  });

  it('re-running that file with --approve-all approves what waits, and says so', async () => {
    expect(rerun.idempotent).toBe(true);
    expect(rerun.previousRunId).toBe(second.runId);
    expect(rerun.message).toMatch(/approved \d+ waiting fix/);
    for (const p of recipeProposals(second.runId)) expect(p.status).toBe('applied');
    const fixed = await recipeChanges(second.runId);
    expect(fixed).toBeGreaterThan(0);
    expect(rerun.successRows).toBeGreaterThan(second.successRows);
    expect(rerun.waitingForReview).toBe(0);
    expect(rerun.reconciled).toBe(true);
    expect(rerun.sourceRows).toBe(rerun.successRows + rerun.quarantineRows + rerun.duplicateRows + rerun.pendingRows);
  });

  it('a new file with --approve-all applies the recipe first, recorded against recipe rules', async () => {
    const recipe = recipeProposals(third.runId);
    expect(recipe.length).toBeGreaterThan(0);
    for (const p of recipe) {
      expect(p.status).toBe('applied');
      expect(p.decided_by).toBe('recipe (cli:--approve-all)');
    }
    expect(third.recipe?.applied).toBe(recipe.length);
    const fixed = await recipeChanges(third.runId);
    expect(fixed).toBeGreaterThan(0);
    const entries = engine.audit.entries(third.runId);
    const recipeAt = entries.findIndex((e) => e.kind === 'recipe');
    const firstProposal = entries.findIndex((e) => e.kind === 'proposal');
    if (firstProposal >= 0) expect(recipeAt).toBeLessThan(firstProposal);
  });

  it('--approve-min-confidence applies exactly the recipe rules at or above the threshold', () => {
    const recipe = recipeProposals(fourth.runId);
    expect(recipe.length).toBeGreaterThan(0);
    for (const p of recipe) expect(p.status, `${p.proposal_id} at ${p.confidence}`).toBe(p.confidence >= 0.999 ? 'applied' : 'verified');
    expect(fourth.recipe?.applied).toBe(recipe.filter((p) => p.confidence >= 0.999).length);
  });
});
