// Contracts in the real renderer: a file with no contract is profiled and run with the proposal
// (after an edit in the form), a YAML mistake is shown with its line, and a schema drift halts
// the stream and offers a new contract version. Screenshots go to test/e2e/artifacts/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { launchApp, TEST_ORIGIN, type AppHarness } from './harness.js';
import { StartPage } from './pages/StartPage.js';
import { ContractPage } from './pages/ContractPage.js';
import { RunPage } from './pages/RunPage.js';

const BEERS = join(SHARED, 'bench', 'beers', 'dirty.csv');
const HOSPITAL = join(SHARED, 'bench', 'hospital', 'dirty.csv');
const HOSPITAL_CONTRACT = join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml');

let app: AppHarness;
let dir: string;

beforeAll(async () => {
  dir = tempDir('e2e-contracts');
  // No models here: the Models screen is covered by app.test.ts; this keeps the runs short.
  app = await launchApp({ workspace: join(dir, 'ws'), modelsDir: join(dir, 'no-models') });
});

afterAll(async () => {
  await app?.close();
});

describe('a file with no contract', () => {
  it('is profiled into a proposed contract, edited in the form, and run with it', async () => {
    await new StartPage(app.page).dropFile(BEERS);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.propose();
    expect(await contract.note().innerText()).toContain('Proposed from dirty.csv (2,410 rows)');
    expect(await contract.columnRows().count()).toBe(11);
    // The profile's evidence is shown beside each column.
    expect(await contract.column('ibu').innerText()).toMatch(/distinct/);
    expect(await contract.yaml()).toContain('id: dirty-proposed');

    // A form edit goes into the YAML through the engine; the YAML is what runs.
    const cityRequired = (yaml: string) => /- name: city\n(?:\s+(?!- )\S.*\n)*?\s+required: true/.test(yaml);
    expect(cityRequired(await contract.yaml())).toBe(true);
    await contract.setRequired('city', false);
    await expect.poll(async () => cityRequired(await contract.yaml())).toBe(false);
    expect(await contract.yaml()).toContain('# Proposed by `airlock profile`');
    await contract.screenshot('12-contract-proposed');

    await contract.run('all');
    const run = new RunPage(app.page);
    expect(await run.waitForResult(300_000)).toBe('completed');
    const [source, clean, quarantine, dup] = await run.equation();
    expect(source).toBe(2410);
    expect(clean + quarantine + dup).toBe(2410);
    expect(await run.reconciled()).toBe(true);
  }, 360_000);

  it('shows a YAML mistake with its line, and keeps the run button off until it is fixed', async () => {
    const contract = new ContractPage(app.page);
    await contract.open('contract');
    const good = await contract.yaml();
    await contract.typeYaml(good.replace('logicalType: integer', 'logicalType: intger'));
    const alert = app.page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toMatch(/YAML:\d+: .*logicalType "intger" is not one of/);
    expect(await app.page.getByTestId('run').isDisabled()).toBe(true);
    const line = Number(/YAML:(\d+):/.exec(await alert.innerText())![1]);
    expect((await contract.yaml()).split('\n')[line - 1]).toContain('intger');
    await app.page.getByTestId('goto-line').click();
    await expect.poll(() => app.page.locator('.yaml-gutter .bad').innerText()).toBe(String(line));
    expect(await app.page.locator('.yaml-gutter .bad').isVisible()).toBe(true);
    await contract.screenshot('13-contract-yaml-error');
    await contract.typeYaml(good);
    await expect.poll(() => app.page.getByTestId('run').isDisabled()).toBe(false);
  });
});

describe('a schema drift', () => {
  it('halts the stream, shows what changed, and offers a new version of the contract', async () => {
    // The hospital table with a renamed column, a dropped one and a new one: a strict contract
    // must stop it. (The file has no quoted fields, so a plain split is a faithful edit.)
    const lines = readFileSync(HOSPITAL, 'utf8').split('\n');
    const county = lines[0].split(',').indexOf('county');
    const withoutCounty = (l: string) => l.split(',').filter((_, i) => i !== county).join(',');
    lines[0] = `${withoutCounty(lines[0]).replace(',zip,', ',zipcode,')},notes`;
    for (let i = 1; i < lines.length; i++) if (lines[i]) lines[i] = `${withoutCounty(lines[i])},`;
    const drifted = join(dir, 'hospital-drifted.csv');
    writeFileSync(drifted, lines.join('\n'));

    await new StartPage(app.page).dropFile(drifted);
    const contract = new ContractPage(app.page);
    await app.page.locator('main[data-screen="contract"]').waitFor();
    await contract.openContract(HOSPITAL_CONTRACT);
    await contract.run('none');
    const run = new RunPage(app.page);
    expect(await run.waitForResult(120_000)).toBe('halted');
    await run.drift().waitFor();
    const changes = await run.driftChanges();
    expect(changes.join('\n')).toMatch(/renamed\s+zip/);
    expect(changes.join('\n')).toMatch(/added\s+notes/);
    // Nothing was promoted; the whole file is pending in the vault.
    expect(await run.equation()).toEqual([1000, 0, 0, 0, 1000]);
    const runs = await app.handlers.table.listRuns({});
    expect(runs.ok && runs.value[0]).toMatchObject({ status: 'halted', successRows: 0 });
    await run.screenshot('14-drift-halted');

    await run.acceptDrift();
    await app.page.locator('main[data-screen="contract"]').waitFor();
    expect(await contract.note().innerText()).toContain('Version 1.1.0 of hospital-quality-measures');
    expect(await contract.page.getByTestId('contract-version').inputValue()).toBe('1.1.0');
    expect(await contract.column('zipcode').count()).toBe(1);
    expect(await contract.column('notes').count()).toBe(1);
    expect(await contract.column('zip').count()).toBe(0);
    expect(await contract.column('county').count()).toBe(0);
    // Dropping county takes county out of each dependency, and nothing else: the dependencies
    // stay, renamed where their columns were, and the diff shows each one before the next run.
    const yaml = await contract.yaml();
    expect(yaml).toMatch(/determinant: \[zipcode\]\s+dependent: \[city, state\]/);
    expect(yaml).toMatch(/determinant: \[provider_number\]\s+dependent: \[name, address_1, address_2, address_3, city, state, zipcode, phone, type, owner, emergency_service\]/);
    const diff = await contract.ruleDiff();
    expect(diff).toContainEqual({ change: 'changed', kind: 'dependency', before: 'zip → city, state, county', after: 'zipcode → city, state' });
    expect(diff).toContainEqual(expect.objectContaining({ change: 'removed', kind: 'column', before: expect.stringMatching(/^county: /) }));
    expect(diff.filter((l) => l.change === 'removed' && l.kind === 'dependency')).toEqual([]);
    await contract.screenshot('15-drift-new-version');
    await app.page.getByTestId('rule-diff').scrollIntoViewIfNeeded();
    await contract.screenshot('15b-drift-rule-diff');
  }, 180_000);

  it('asked for nothing outside the app, and the page logged no error', () => {
    expect(app.requests.filter((u) => !u.startsWith(`${TEST_ORIGIN}/`))).toEqual([]);
    expect(app.outside).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});

describe('the request recorder', () => {
  it('does see a page that reaches out (so the checks above can fail)', async () => {
    const probe = await app.context.newPage();
    const seen: string[] = [];
    probe.on('request', (r) => seen.push(r.url()));
    await probe.setContent('<img src="https://example.org/pixel.png">');
    await probe.waitForTimeout(300);
    await probe.close();
    expect(seen).toContain('https://example.org/pixel.png');
    expect(app.outside).toContain('https://example.org/pixel.png');
    app.outside.length = 0;
  });
});
