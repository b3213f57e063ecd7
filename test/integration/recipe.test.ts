// The stream's recipe: fixes approved on one file (--approve-all) are applied first to the next
// file of the same stream with the same kinds of errors. The second run is made with no approval
// at all, so every row it promotes beyond the fast lane is the recipe's doing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { demoPaths } from '../../main/pipeline/demo.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import type { RunSummary } from '../../main/pipeline/types.js';
import { count, customerCsvWithIds, writeInput } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

let engine: Engine;
let first: RunSummary;
let second: RunSummary;

beforeAll(async () => {
  const dir = tempDir('recipe');
  const { contract } = demoPaths();
  engine = await openEngine(join(dir, 'ws'));
  const run = (name: string, csv: string, approval: { kind: 'all' } | { kind: 'none' }) =>
    runBatch(engine, { file: writeInput(dir, name, csv), contractPath: contract, approval, remediation: { modelPath: null, embedderDir: null } });
  first = await run('monday.csv', customerCsvWithIds(300, 7, 0), { kind: 'all' });
  second = await run('tuesday.csv', customerCsvWithIds(300, 11, 1000), { kind: 'none' });
});

afterAll(() => engine?.close());

describe('a recipe learned on one file', () => {
  it('the first file, approved with --approve-all, leaves rules in the stream recipe', () => {
    expect(first.status).toBe('completed');
    expect(first.remediatedRows).toBeGreaterThan(0);
    const n = (engine.sqlite.prepare('SELECT count(*) AS n FROM recipes WHERE contract_id = ?').get('demo-customers') as { n: number }).n;
    expect(n).toBeGreaterThan(0);
  });

  it('is applied first to the next file: recipe:* proposals, applied, and a recipe audit entry before any new proposal', () => {
    const recipe = engine.sqlite.prepare(`SELECT proposer, status, decided_by FROM proposals WHERE run_id = ? AND proposer LIKE 'recipe:%'`).all(second.runId) as { proposer: string; status: string; decided_by: string }[];
    expect(recipe.length).toBeGreaterThan(0);
    for (const p of recipe) expect(p.status).toBe('applied');
    const entries = engine.audit.entries(second.runId);
    const recipeAt = entries.findIndex((e) => e.kind === 'recipe');
    expect(recipeAt).toBeGreaterThanOrEqual(0);
    expect(Number(entries[recipeAt].payload.promotedRows)).toBeGreaterThan(0);
    const firstProposal = entries.findIndex((e) => e.kind === 'proposal');
    if (firstProposal >= 0) expect(recipeAt).toBeLessThan(firstProposal);
  });

  it('promotes the rows it fixed, with each change recorded against a recipe rule', async () => {
    const r = `'${second.runId}'`;
    const fixed = await count(engine, `SELECT count(DISTINCT row_id) FROM prod."customers__changes" WHERE run_id = ${r} AND proposer LIKE 'recipe:%'`);
    expect(fixed).toBeGreaterThan(0);
    expect(await count(engine, `SELECT count(*) FROM prod.customers WHERE _airlock_run_id = ${r}
      AND _airlock_row_id IN (SELECT row_id FROM prod."customers__changes" WHERE run_id = ${r} AND proposer LIKE 'recipe:%')`)).toBe(fixed);
    // with no approval, nothing but the fast lane and the recipe can promote
    expect(second.successRows).toBe(second.fastLaneRows + fixed);
    expect(second.remediatedRows).toBe(fixed);
    expect(second.reconciled).toBe(true);
    expect(second.sourceRows).toBe(second.successRows + second.quarantineRows + second.duplicateRows);
  });
});
