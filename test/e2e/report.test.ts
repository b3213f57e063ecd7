// report.html in a real browser with the network off: it renders completely from its own bytes,
// asks for nothing outside itself, and leaves a screenshot for a human to look at.
import { asRecipe } from '../helpers/recipeRule.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle, type BundleResult } from '../../main/audit/bundle.js';
import { tempDir } from '../helpers/tmp.js';
import { change, makeFixture } from '../unit/bundleFixture.js';
import { launchChromium } from './browser.js';

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts');

let browser: Browser;
let bundle: BundleResult;
let ws: string;

/** A context that is offline and records (then aborts) every request but the page's own file. */
async function offlineContext(ownUrl: string): Promise<{ context: BrowserContext; outside: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.setOffline(true);
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === ownUrl) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return { context, outside };
}

let sealed = 0;

beforeAll(async () => {
  ws = tempDir('report-e2e');
  const fx = makeFixture(ws, {
    runId: 'run-20250314-0942',
    changes: [
      change(12, 'zip', '3523', '03523'), change(40, 'zip', '1234', '01234'), change(41, 'zip', '1234', '01234'),
      change(7, 'phone', '205325810x', '2053258100', 'r-phone-x'), change(8, 'phone', '2x53258100', '2053258100', 'r-phone-x'),
      change(99, 'city', 'birminghxm', 'birmingham', 'r-city-typo'),
    ],
    piiClear: ['205325810x', '2x53258100', '2053258100'],
    failures: [
      { column: 'city', reason: 'NOT_IN_SET', count: 41 }, { column: 'city', reason: 'PATTERN_MISMATCH', count: 6 },
      { column: 'zip', reason: 'PATTERN_MISMATCH', count: 33 }, { column: 'phone', reason: 'PATTERN_MISMATCH', count: 29 },
      { column: 'state', reason: 'NOT_IN_SET', count: 18 }, { column: 'score', reason: 'TYPE_MISMATCH', count: 12 },
      { column: 'score', reason: 'OUT_OF_RANGE', count: 3 }, { column: 'provider_number', reason: 'REQUIRED_MISSING', count: 4 },
      { column: 'measure_code', reason: 'FD_VIOLATION', count: 9 },
    ],
    clusters: [
      { id: 'c-01', column: 'city', reason: 'NOT_IN_SET', size: 41, samples: [{ value: 'birminghxm', count: 9 }, { value: 'dothxn', count: 7 }, { value: 'sheffiexd', count: 5 }], rule: 'r-city-typo', status: 'applied' },
      { id: 'c-02', column: 'zip', reason: 'PATTERN_MISMATCH', size: 33, samples: [{ value: '3523', count: 14 }, { value: '1234', count: 11 }], rule: 'r-zip-pad', status: 'applied' },
      { id: 'c-03', column: 'phone', reason: 'PATTERN_MISMATCH', size: 29, samples: [{ value: '205325810x', count: 6 }, { value: '2x53258100', count: 4 }], rule: 'r-phone-x', status: 'applied' },
      { id: 'c-04', column: 'score', reason: 'TYPE_MISMATCH', size: 12, samples: [{ value: '9x%', count: 8 }, { value: '<script>alert(1)</script>', count: 1 }], status: 'rejected' },
    ],
    rules: [
      asRecipe({ id: 'r-city-typo', column: 'city', set: { city: "replace(city, 'x', 'l')" }, where: "city NOT IN (SELECT city FROM cities)", proposer: 'llm:qwen2.5-0.5b-q4.gguf', confidence: 0.88, coverage: 0.93, approver: 'm.okafor (analyst)', patternType: 'typo', reasoning: "The letter 'l' was typed as 'x' throughout the file." }),
      asRecipe({ id: 'r-zip-pad', column: 'zip', set: { zip: "lpad(zip, 5, '0')" }, where: 'length(zip) = 4', proposer: 'synth:pad', confidence: 0.97, coverage: 1, approver: 'm.okafor (analyst)', patternType: 'pad', reasoning: 'Four-digit zips lost their leading zero.' }),
      asRecipe({ id: 'r-phone-x', column: 'phone', set: { phone: "CASE phone WHEN '205325810x' THEN '2053258100' ELSE phone END" }, proposer: 'synth:lookup', confidence: 0.91, coverage: 0.86, approver: 'm.okafor (analyst)', patternType: 'lookup', reasoning: 'Same provider, same phone elsewhere in the file.' }),
    ],
    summary: { sourceRows: 1000, successRows: 951, quarantineRows: 37, duplicateRows: 12, fastLaneRows: 812, remediatedRows: 139, clusters: 4 },
  });
  fx.input.reconciliation = [
    { stage: 'ingest', sourceRows: 1000, successRows: 988, quarantineRows: 0, duplicateRows: 12, ok: true },
    { stage: 'route', sourceRows: 1000, successRows: 812, quarantineRows: 176, duplicateRows: 12, ok: true },
    { stage: 'remediate', sourceRows: 1000, successRows: 812, quarantineRows: 176, duplicateRows: 12, ok: true },
    { stage: 'promote', sourceRows: 1000, successRows: 951, quarantineRows: 37, duplicateRows: 12, ok: true },
  ];
  fx.input.gates.push({ name: 'score.invalidValues#1', metric: 'invalidValues', value: 0.012, passed: true }, { name: 'phone.nullValues#0', metric: 'nullValues', value: 3, passed: false });
  fx.input.inputs = [{ name: 'hospital-dirty.csv', bytes: 406_211, sha256: 'e3'.repeat(32) }];
  fx.input.runtime = { airlock: '0.1.0', duckdb: '1.5.6', node: process.version, llamaCpp: 'b6123', onnxruntime: '1.22.0' };
  fx.input.models = [
    { role: 'llm', file: 'qwen2.5-0.5b-q4.gguf', bytes: 397_807_936, sha256: '5f'.repeat(32) },
    { role: 'embedder', file: 'all-MiniLM-L6-v2/model.onnx', bytes: 90_405_214, sha256: 'a1'.repeat(32) },
  ];
  sealed = fx.input.auditEntries.filter((e) => e.kind === 'cell_changes').length;
  bundle = await writeBundle(join(ws, 'export'), fx.input);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('report.html', () => {
  it('names nothing outside itself', () => {
    const html = readFileSync(join(bundle.dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).toContain("default-src 'none'".replace(/'/g, '&#39;'));
    // A value shaped like markup is shown, not run.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders completely offline, with no request leaving the page', async () => {
    const url = pathToFileURL(join(bundle.dir, 'report.html')).href;
    const { context, outside } = await offlineContext(url);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url, { waitUntil: 'load' });

    await expect.poll(() => page.locator('h1').textContent()).toContain('run-20250314-0942');
    for (const id of ['summary', 'reconciliation', 'gates', 'failures', 'clusters', 'recipe', 'audit', 'files']) {
      expect(await page.locator(`#${id}`).isVisible(), id).toBe(true);
    }
    expect(await page.locator('#reconciliation .equation .term .n').allInnerTexts()).toEqual(['1,000', '951', '37', '12']);
    expect(await page.locator('#reconciliation .equation .verdict').innerText()).toContain('reconciled');
    expect(await page.locator('#gates tbody tr').count()).toBe(4);
    // The chart drew a bar segment per (column, reason) and a legend entry per reason.
    expect(await page.locator('#failures svg rect').count()).toBe(9 + 6);
    expect((await page.locator('#failures svg').boundingBox())!.height).toBeGreaterThan(200);
    expect(await page.locator('#clusters tbody tr').count()).toBe(4);
    // one sealed entry per rule application (the fixture's six changes, by their rules)
    expect(sealed).toBe(3); // r-zip-pad, r-phone-x and r-city-typo
    expect(await page.locator('#audit').innerText()).toMatch(new RegExp(`cell_changes\\s*${sealed}`));
    expect(await page.locator('#clusters').innerText()).toContain('pii:phone:');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await context.close();
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('the request recorder does see a page that reaches out (the check above can fail)', async () => {
    const probe = join(ws, 'probe.html');
    writeFileSync(probe, '<!doctype html><p>probe</p><img src="https://example.org/pixel.png">');
    const url = pathToFileURL(probe).href;
    const { context, outside } = await offlineContext(url);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await context.close();
    expect(outside).toEqual(['https://example.org/pixel.png']);
  });
});
