// Evidence the analyst confirms, in the real renderer on the beers table: the proposal shows each
// inferred rule with the share it holds for, its evidence and values that break it, marked
// unconfirmed; a tick writes confirmed: true into the YAML and the count drops by one; a run of
// the proposal says how many inferred rules it enforced that nobody confirmed, and which.
// Screenshots go to test/e2e/artifacts/ (34-36).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';

const BEERS = join(SHARED, 'bench', 'beers', 'dirty.csv');

let app: AppHarness;

beforeAll(async () => {
  const dir = tempDir('e2e-evidence');
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

// Markers only: the proposal's header comment speaks of `confirmed: false` and `confirmed: true` too.
const markers = (yaml: string, value: boolean) => yaml.split('\n').filter((l) => !l.trimStart().startsWith('#') && l.includes(`confirmed: ${value}`)).length;
const confirmedTrue = (yaml: string) => markers(yaml, true);

describe('inferred rules on the beers proposal', () => {
  let before = 0;

  it('are shown with their evidence and marked unconfirmed', async () => {
    await new StartPage(app.page).dropFile(BEERS);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    const contract = new ContractPage(app.page);
    await contract.propose();

    before = await contract.unconfirmedCount();
    const yaml = await contract.yaml();
    // Every marker of the proposal is unconfirmed, and the header counts them all.
    expect(before).toBe(markers(yaml, false));
    expect(before).toBeGreaterThan(10);
    expect(await contract.inferredBar().innerText()).toContain(`${before} inferred rules unconfirmed`);
    expect(await contract.runUnconfirmed().innerText()).toBe(`The run will enforce ${before} inferred rules nobody has confirmed.`);
    expect(await app.page.getByTestId('run').isEnabled()).toBe(true);

    // A rule that does not hold for every value starts open: its share, evidence and counterexamples.
    const abv = contract.rule('abv', 'type');
    await abv.waitFor();
    const abvText = await abv.innerText();
    expect(abvText).toContain('unconfirmed');
    expect(abvText).toMatch(/percent sign/);
    expect(abvText).toMatch(/Breaking it:/);
    // The column's facts: its top values and value shapes.
    const facts = await contract.evidence('abv').getByTestId('column-facts').innerText();
    expect(facts).toMatch(/Top values/i);
    expect(facts).toMatch(/Shapes/i);

    // A column whose rules hold everywhere opens on a click.
    expect(await contract.evidence('state').count()).toBe(0);
    await contract.openEvidence('state');
    expect(await contract.rule('state', 'pattern').innerText()).toMatch(/\[A-Z\]\{2\}/);
    // Dependencies carry theirs too.
    expect(await contract.dependencyRule('brewery_id -> brewery_name, city, state').innerText()).toMatch(/unconfirmed[\s\S]*dependency[\s\S]*rows/);
    await contract.scrollToColumn('ounces');
    await contract.screenshot('34-contract-evidence');
  }, 120_000);

  it('a tick confirms one rule: the YAML says confirmed: true for it, and the count drops by one', async () => {
    const contract = new ContractPage(app.page);
    const yaml = await contract.yaml();
    expect(confirmedTrue(yaml)).toBe(0);
    await contract.confirmRule('state', 'pattern');
    await expect.poll(async () => confirmedTrue(await contract.yaml())).toBe(1);
    const after = await contract.yaml();
    expect(after).toMatch(/\{ rule: pattern, [^\n]*confirmed: true \}/);
    // Nothing else in the YAML moved.
    expect(after.replace(/(\{ rule: pattern, [^\n]*)confirmed: true \}/, '$1confirmed: false }')).toBe(yaml);
    await expect.poll(() => contract.unconfirmedCount()).toBe(before - 1);
    expect(await contract.rule('state', 'pattern').getAttribute('data-confirmed')).toBe('true');
    expect(await contract.rule('state', 'pattern').innerText()).toContain('confirmed');
    expect(await contract.runUnconfirmed().innerText()).toBe(`The run will enforce ${before - 1} inferred rules nobody has confirmed.`);
    await contract.scrollToColumn('city');
    expect(await contract.showYamlLine(/rule: pattern, .*confirmed: true/)).toBeGreaterThan(0);
    await contract.screenshot('35-contract-rule-confirmed');
  });

  it('a run of it says how many inferred rules nobody confirmed it enforced, and lists them', async () => {
    const contract = new ContractPage(app.page);
    await contract.run('none');
    const run = new RunPage(app.page);
    expect(await run.waitForResult(300_000)).toBe('completed');
    const note = run.unconfirmedRules();
    expect(await note.innerText()).toContain(`This run enforced ${before - 1} inferred rules nobody has confirmed.`);
    const list = await run.unconfirmedList();
    expect(list).toHaveLength(before - 1);
    expect(list).toContain('abv: type');
    expect(list).toContain('index: primary key');
    expect(list).toContain('brewery_id → brewery_name, city, state');
    expect(list).not.toContain('state: pattern');
    // Words for a desktop user: no YAML, no command-line flags.
    expect(await note.innerText()).not.toMatch(/yaml|--|confirmed: true/i);
    await run.screenshot('36-run-unconfirmed-rules');
  }, 360_000);

  it('an edit of a rule confirms it; confirm all ticks every rule left', async () => {
    const contract = new ContractPage(app.page);
    await contract.open('contract');
    // Choosing a type is a decision: the type rule comes back confirmed, its other rule does not.
    await contract.openEvidence('ibu');
    await contract.setType('ibu', 'number');
    await expect.poll(() => contract.rule('ibu', 'type').getAttribute('data-confirmed')).toBe('true');
    expect(await contract.rule('ibu', 'missingTokens').getAttribute('data-confirmed')).toBe('false');
    expect(await contract.unconfirmedCount()).toBe(before - 2);
    await contract.confirmAll();
    await expect.poll(() => contract.unconfirmedCount()).toBe(0);
    expect(await contract.inferredBar().innerText()).toContain(`All ${before} inferred rules confirmed`);
    const yaml = await contract.yaml();
    expect(markers(yaml, false)).toBe(0);
    expect(confirmedTrue(yaml)).toBe(before);
    expect(await contract.runUnconfirmed().count()).toBe(0);
    expect(app.problems).toEqual([]);
  });
});
