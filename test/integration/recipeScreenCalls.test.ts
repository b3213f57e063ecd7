// The recipe, as the analyst manages it through the API: rules approved on one file are listed,
// one is switched off (the next file's run leaves it out, and says so in the audit), the recipe
// is exported as JSON and imported into another workspace (the same rules, checked by the rule
// gate), and a hostile or broken recipe file is refused whole with a message naming the rule.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../main/api/handlers.js';
import type { ApiResult, RunSummary } from '../../main/api/contract.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const CONTRACT_ID = 'hospital-quality-measures';
const LINES = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');

let dir: string;
let a: Handlers;
let b: Handlers;
const open = (ws: string) => createHandlers({ workspace: join(dir, ws), modelsDir: join(dir, 'models'), analyst: 'unit-analyst', version: 'test', emit: () => undefined });
function value<T>(r: ApiResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const slice = (name: string, from: number, to: number) => {
  const p = join(dir, name);
  writeFileSync(p, [LINES[0], ...LINES.slice(from, to)].join('\n'));
  return p;
};
const run = (h: Handlers, file: string) => h.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false }).then(value);

beforeAll(async () => {
  dir = tempDir('recipe-calls');
  a = open('a');
  b = open('b');
  await run(a, slice('first.csv', 1, 301));
}, 180_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('the recipe through the API', () => {
  it('lists the rules approved on the first file, each with its sentence, all switched on', async () => {
    const contracts = value(await a.table.listRecipes({}));
    expect(contracts).toEqual([expect.objectContaining({ contractId: CONTRACT_ID, disabled: 0 })]);
    const rules = value(await a.table.recipeRules({ contractId: CONTRACT_ID }));
    expect(rules.length).toBe(contracts[0].rules);
    expect(rules.length).toBeGreaterThan(1);
    for (const r of rules) {
      expect(r.enabled).toBe(true);
      expect(r.sentence.length).toBeGreaterThan(10);
    }
  });

  it('a rule switched off is kept, listed as off, audited, and left out of the next file’s run', async () => {
    const [first] = value(await a.table.recipeRules({ contractId: CONTRACT_ID }));
    const off = value(await a.table.setRecipeRule({ contractId: CONTRACT_ID, proposalId: first.proposalId, enabled: false }));
    expect(off).toMatchObject({ enabled: false, disabledBy: 'unit-analyst' });
    const all = value(await a.table.recipeRules({ contractId: CONTRACT_ID }));
    const next: RunSummary = await run(a, slice('second.csv', 301, 601));
    // the audit of the second run names the recipe rules it applied: the one switched off is not among them
    const audit = value(await a.table.auditLog({ runId: next.runId, limit: 20_000 }));
    const recipe = audit.entries.find((e) => e.kind === 'recipe')!;
    const applied = (JSON.parse(recipe.detail) as { rules: string[]; waitingForReview: string[] });
    const sources = [...applied.rules, ...applied.waitingForReview];
    expect(sources.length).toBe(all.filter((r) => r.enabled).length);
    // the second run's history says, first, that it re-applied rules approved on earlier files
    const steps = value(await a.table.reviewHistory({ runId: next.runId }));
    expect(steps[0]).toMatchObject({ kind: 'recipe', undoable: false, label: `Rules approved on earlier files: ${applied.rules.length} applied${applied.waitingForReview.length ? `, ${applied.waitingForReview.length} waiting for your review` : ''}` });
    const log = value(await a.table.auditLog({ limit: 20_000 }));
    expect(log.entries.some((e) => e.kind === 'recipe' && /switched off by unit-analyst/.test(e.summary))).toBe(true);
    expect(log.chain.ok).toBe(true);
    value(await a.table.setRecipeRule({ contractId: CONTRACT_ID, proposalId: first.proposalId, enabled: true }));
  }, 180_000);

  it('exports as JSON and imports into another workspace: the same rules, in order; a second import adds nothing', async () => {
    const out = value(await a.table.exportRecipe({ contractId: CONTRACT_ID }));
    const doc = JSON.parse(readFileSync(out.path, 'utf8')) as { format: string; rules: Array<{ column: string; rule: unknown }> };
    expect(doc.format).toBe('airlock-recipe');
    const rulesA = value(await a.table.recipeRules({ contractId: CONTRACT_ID }));
    expect(doc.rules.length).toBe(rulesA.length);
    // workspace b has never run the contract: the import says what to do first
    const early = await b.table.importRecipe({ contractId: CONTRACT_ID, path: out.path });
    expect(early.ok).toBe(false);
    expect(!early.ok && early.error.message).toMatch(/run a file with it first/);
    await b.table.runFile({ file: slice('tiny.csv', 1, 3), contractPath: CONTRACT, approval: { kind: 'none' }, useModels: false }).then(value);
    const before = value(await b.table.recipeRules({ contractId: CONTRACT_ID })).length;
    const imp = value(await b.table.importRecipe({ contractId: CONTRACT_ID, path: out.path }));
    const rulesB = value(await b.table.recipeRules({ contractId: CONTRACT_ID }));
    expect(imp.added + imp.alreadyThere).toBe(rulesA.length);
    expect(rulesB.length).toBe(before + imp.added);
    expect(rulesB.slice(before).map((r) => [r.column, r.sentence])).toEqual(rulesA.slice(rulesA.length - imp.added).map((r) => [r.column, r.sentence]));
    const again = value(await b.table.importRecipe({ contractId: CONTRACT_ID, path: out.path }));
    expect(again).toEqual({ added: 0, alreadyThere: rulesA.length });
  }, 180_000);

  it('a hostile or broken recipe file is refused whole, naming the rule, and adds nothing', async () => {
    const count = () => b.table.recipeRules({ contractId: CONTRACT_ID }).then(value).then((r) => r.length);
    const before = await count();
    const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
    const good = { kind: 'map', column: 'city', match: 'exact', entries: [{ from: 'birmingxam', to: 'birmingham' }] };
    const cases: Array<[string, string, RegExp]> = [
      ['reads-a-file.json', JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'city', rule: good }, { column: 'city', rule: { kind: 'expression', set: { city: "(SELECT max(column0) FROM read_csv('/etc/passwd'))" } } }] }), /rule 2 \(city\) is refused: .*Nothing was imported/],
      ['unknown-column.json', JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'nope', rule: { ...good, column: 'nope' } }] }), /rule 1 \(nope\) is refused: "nope" is not a column/],
      ['not-json.json', '{"format": "airlock-recipe", ', /not a JSON recipe file/],
      ['other-format.json', JSON.stringify({ format: 'something', version: 1, rules: [] }), /not an Airlock recipe/],
      ['future.json', JSON.stringify({ format: 'airlock-recipe', version: 7, rules: [{ rule: good }] }), /format version 7/],
      ['no-kind.json', JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'city', rule: {} }] }), /rule 1 needs a "rule" with a "kind"/],
    ];
    for (const [name, text, message] of cases) {
      const r = await b.table.importRecipe({ contractId: CONTRACT_ID, path: write(name, text) });
      expect(r.ok, name).toBe(false);
      expect(!r.ok && r.error.code, name).toBe('USER');
      expect(!r.ok && r.error.message, name).toMatch(message);
    }
    expect(await count()).toBe(before);
  }, 120_000);
});
