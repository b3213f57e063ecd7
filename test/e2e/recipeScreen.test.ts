// The Recipe screen on a real hospital run: the rules approved on the first file are listed in
// words, one is switched off (and the engine's recipe says so), the recipe is exported as JSON,
// a hostile recipe file is refused with its rule named, and the exported file imported back adds
// nothing twice. Screenshots go to test/e2e/artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { RecipePage } from './pages/RecipePage.js';

const CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');
const CONTRACT_ID = 'hospital-quality-measures';
let app: AppHarness;
let dir: string;

beforeAll(async () => {
  dir = tempDir('e2e-recipe');
  const lines = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n');
  const file = join(dir, 'hospital-300.csv');
  writeFileSync(file, lines.slice(0, 301).join('\n'));
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
  // the first file of the stream, every verified fix approved: its rules make the recipe
  const r = await app.handlers.table.runFile({ file, contractPath: CONTRACT, approval: { kind: 'all' }, useModels: false });
  expect(r.ok).toBe(true);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('the recipe screen', () => {
  it('lists the rules in words, switches one off and on, exports, and refuses a hostile file naming its rule', async () => {
    const page = new RecipePage(app.page);
    await page.open('recipe');
    await page.rules().first().waitFor();
    const engineRules = await app.handlers.table.recipeRules({ contractId: CONTRACT_ID });
    if (!engineRules.ok) throw new Error(engineRules.error.message);
    expect(await page.rules().count()).toBe(engineRules.value.length);
    expect(await page.rules().first().innerText()).toContain(engineRules.value[0].sentence);
    await page.screenshot('80-recipe');

    await page.toggle(0);
    expect((await page.enabledStates())[0]).toBe(false);
    const after = await app.handlers.table.recipeRules({ contractId: CONTRACT_ID });
    expect(after.ok && after.value[0].enabled).toBe(false);
    expect(await page.count()).toBe(`${engineRules.value.length - 1} of ${engineRules.value.length} rules applied to the next file`);
    await page.screenshot('81-recipe-rule-off');
    await page.toggle(0);
    expect((await page.enabledStates()).every(Boolean)).toBe(true);

    expect(await page.exportJson()).toMatch(new RegExp(`Exported ${engineRules.value.length} rules to .*${CONTRACT_ID}\\.recipe\\.json`));
    const exported = join(dir, 'ws', 'exports', `${CONTRACT_ID}.recipe.json`);
    expect(JSON.parse(readFileSync(exported, 'utf8')).rules).toHaveLength(engineRules.value.length);

    const hostile = join(dir, 'hostile.recipe.json');
    writeFileSync(hostile, JSON.stringify({ format: 'airlock-recipe', version: 1, rules: [{ column: 'city', rule: { kind: 'expression', set: { city: "(SELECT max(column0) FROM read_csv('/etc/passwd'))" } } }] }));
    await page.importFile(hostile);
    const alert = app.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/hostile\.recipe\.json: rule 1 \(city\) is refused: .*Nothing was imported/);
    expect(await page.rules().count()).toBe(engineRules.value.length);
    await page.screenshot('82-recipe-import-refused');

    await page.importFile(exported);
    await page.page.getByTestId('recipe-note').filter({ hasText: 'Imported' }).waitFor();
    expect(await page.page.getByTestId('recipe-note').innerText()).toBe(`Imported ${CONTRACT_ID}.recipe.json: 0 rules added, ${engineRules.value.length} already in the recipe.`);
  }, 120_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
