// A recipe file edited by hand (its keys in another order) or carrying fields no rule kind has
// imports as the same rule: fields outside the rule's kind are not stored, and a rule the recipe
// holds already, whatever the order of its keys, is not added a second time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { parseContract } from '../../main/contract/load.js';
import { importRecipe, listRecipe } from '../../main/remediate/recipeAdmin.js';
import { SHARED, tempDir } from '../helpers/tmp.js';

const contract = parseContract(readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8'));
let engine: Engine;
beforeAll(async () => { engine = await openEngine(join(tempDir('recipe-canon'), 'ws')); });
afterAll(() => engine?.close());

const doc = (rule: unknown) => JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'city', rule }] });
const imp = (text: string, name: string) => importRecipe(engine.sqlite, engine.audit, engine.duck.conn, contract, text, name, 't');

describe('importing a hand-edited recipe', () => {
  it('keeps only the fields of the rule kind, and adds a reordered copy of a rule it holds nothing', async () => {
    const first = await imp(doc({ kind: 'map', column: 'city', match: 'exact', entries: [{ from: 'birmingxam', to: 'birmingham', count: 3 }], junk: 'x'.repeat(1000), set: { city: "'pwned'" } }), 'a.json');
    expect(first).toEqual({ added: 1, alreadyThere: 0 });
    const [held] = listRecipe(engine.sqlite, contract.id);
    expect(held.rule).toEqual({ kind: 'map', column: 'city', match: 'exact', entries: [{ from: 'birmingxam', to: 'birmingham', count: 3 }] });
    const again = await imp(doc({ entries: [{ count: 3, to: 'birmingham', from: 'birmingxam' }], match: 'exact', column: 'city', kind: 'map' }), 'b.json');
    expect(again).toEqual({ added: 0, alreadyThere: 1 });
    expect(listRecipe(engine.sqlite, contract.id)).toHaveLength(1);
  });
});
