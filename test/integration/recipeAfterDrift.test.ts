// After a schema drift, the recipe rules the new version leaves behind are listed in its rule
// diff (a rule on the dropped column, a rule that reads it), and the others are not: the run
// would skip them, so the analyst sees them go before the next run instead of finding fewer fixes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { contractMatchingHeader } from '../../main/api/driftContract.js';
import { recipeRulesLost } from '../../main/api/recipeAfterDrift.js';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const HOSPITAL = readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8');
let engine: Engine;

beforeAll(async () => {
  engine = await openEngine(join(tempDir('recipe-drift'), 'ws'));
  const meta = { reasoning: 'test', confidence: 0.9, proposer: 'synth' };
  const rules = [
    { column: 'county', op: { kind: 'map', column: 'county', match: 'exact', entries: [{ from: 'jefersen', to: 'jefferson' }] } },
    { column: 'city', op: { kind: 'expression', set: { city: 'coalesce(county, city)' } } },
    { column: 'state', op: { kind: 'map', column: 'state', match: 'folded', entries: [{ from: 'AL', to: 'al' }] } },
  ];
  rules.forEach((r, i) => engine.sqlite.prepare('INSERT INTO recipes (contract_id, contract_sha256, proposal_id, rule_json, added_at) VALUES (?, ?, ?, ?, ?)')
    .run('hospital-quality-measures', 'x', `p${i}`, JSON.stringify({ ...meta, ...r }), `2026-01-0${i + 1}`));
});

afterAll(() => engine?.close());

describe('recipe rules after a drift', () => {
  it('lists the rule on the dropped column and the rule that reads it, not the others', async () => {
    const was = parseContract(HOSPITAL);
    const next = contractMatchingHeader(HOSPITAL, was.columns.map((c) => c.name).filter((n) => n !== 'county'), 'f.csv');
    const lost = await recipeRulesLost(engine.sqlite, engine.duck.conn, parseContract(next.yaml), was.id);
    expect(lost.map((l) => l.before?.split(':')[0])).toEqual(['county', 'city']);
    expect(lost.every((l) => l.kind === 'recipe' && l.after === null && /^no longer applies: /.test(l.why ?? ''))).toBe(true);
    expect(lost[0].why).toMatch(/county/);
  });

  it('lists nothing when the new version keeps every column', async () => {
    const was = parseContract(HOSPITAL);
    const next = contractMatchingHeader(HOSPITAL, [...was.columns.map((c) => c.name), 'notes'], 'f.csv');
    expect(await recipeRulesLost(engine.sqlite, engine.duck.conn, parseContract(next.yaml), was.id)).toEqual([]);
  });
});
