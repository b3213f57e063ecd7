// The analyst's workbench in the built renderer in Chromium, on the first 250 records of the
// public hospital table: picking a column opens its value, shape, number and date facets (their
// counts checked against the engine's grid totals); picking a value narrows the grid to exactly
// the facet's count; "Set these N cells" proposes one manual rule for the failing cells the
// facet counts, verified and audited as any manual edit. Screenshot 77 goes to test/e2e/artifacts/.
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

beforeAll(async () => {
  const dir = tempDir('e2e-valuefacet');
  file = join(dir, 'hospital-250.csv');
  const lines = readFileSync(join(SHARED, 'bench', 'hospital', 'dirty.csv'), 'utf8').split('\n').slice(0, RECORDS + 1);
  writeFileSync(file, `${lines.join('\n')}\n`);
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

describe('Quarantine: the value facet of a column, and an edit over it', () => {
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

  it('picks a column, sees its values counted, picks one: the grid holds exactly that many rows', async () => {
    const q = new QuarantinePage(app.page);
    await q.open('quarantine');
    const all = await q.total();
    await q.facet('column', 'city');
    const cityRows = await q.totalChangedFrom(all);
    await app.page.locator('[data-testid="column-facets"][data-column="city"]').waitFor();
    // The header keeps the whole quarantine's totals while a facet narrows the grid, nouns in number.
    const header = await app.page.locator('main[data-screen="quarantine"] .subtitle').textContent();
    expect(header).toMatch(new RegExp(`^${all.toLocaleString('en-US')} rows? held back, with [\\d,]+ failing cells?\\.`));
    expect(header).not.toMatch(/\b1 (rows|failing cells)\b/);

    // The facet's counts are the engine's, and together they are every row the grid shows.
    const shown = await q.facetCounts('value');
    const engine = await app.handlers.table.columnFacets({ runId, filter: { column: 'city', field: 'city' } });
    if (!engine.ok) throw new Error(engine.error.message);
    expect([...shown.values()]).toEqual(engine.value.values.map((v) => v.count));
    expect([...shown.values()].reduce((a, b) => a + b, 0)).toBe(cityRows);
    expect((await q.facetCounts('shape')).size).toBeGreaterThan(0);

    const top = engine.value.values.find((v) => v.value !== null)!;
    const n = await q.facet('value', top.value!);
    expect(n).toBe(top.count);
    if (n !== cityRows) await q.totalChangedFrom(cityRows);
    expect(await q.total()).toBe(n);
    // the page call agrees with the grid once the value is picked
    const page = await app.handlers.table.quarantinePage({ runId, offset: 0, limit: 1, filter: { column: 'city', field: 'city', value: top.value } });
    expect(page.ok && page.value.total).toBe(n);
    await q.screenshot('77-quarantine-value-facet');
  });

  it('sets the facet\'s cells by hand: one manual proposal for all of them, verified or not, in the audit with its count of cells', async () => {
    const q = new QuarantinePage(app.page);
    const total = await q.total();
    const n = await q.facetEdit();
    expect(n).toBe(total); // the column is picked: every row shown fails in city
    await expect.poll(async () => app.page.getByTestId('manual-edit').innerText()).toContain(`${n} cell${n === 1 ? '' : 's'} of city`);
    const status = await q.proposeEdit('Birmingham');
    expect(['verified', 'unverified']).toContain(status);
    const audit = await app.handlers.table.auditLog({ runId, limit: 200 });
    if (!audit.ok) throw new Error(audit.error.message);
    // The audit's entry for the manual proposal: its status, and the cells it changes are the facet's.
    const entry = audit.value.entries.filter((e) => e.kind === 'proposal' && e.summary.startsWith('Fix manual:city:')).at(-1)!;
    expect(entry.summary).toMatch(new RegExp(`: ${status}$`));
    const detail = JSON.parse(entry.detail) as { kind: string; status: string; verification: { changedRows: number } };
    expect({ kind: detail.kind, status: detail.status, changed: detail.verification.changedRows }).toEqual({ kind: 'manual', status, changed: n });
  }, 180_000);
});
