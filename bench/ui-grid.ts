// The quarantine grid at a million rows: how long the engine takes to give the page at row
// 900,000, and how long Chromium takes to show it after a scroll, in the built renderer.
//
//   npm run build:renderer && node --import tsx bench/ui-grid.ts [--rows N]
//
// A CSV of N rows (default 1,000,000) whose `code` column breaks its contract pattern in every
// row is generated with DuckDB and run through the real pipeline (no models, fixes wait for
// review), so the whole file lands in quarantine. The workspace is kept in bench/.data/ui-grid
// and reused while the file and contract are the same.
import { installEgressGuard } from '../main/net/egressGuard.js';

installEgressGuard();
// Remediating a million-row quarantine needs more than the engine's default 1 GB for DuckDB.
process.env.AIRLOCK_MEMORY_LIMIT ??= '6GB';

const { existsSync, mkdirSync, writeFileSync } = await import('node:fs');
const { join, resolve } = await import('node:path');
const { parseArgs } = await import('node:util');
const { openLockedDuckDB, sqlString } = await import('../main/store/duckdb.js');
const { createHandlers } = await import('../main/api/handlers.js');
const { launchApp } = await import('../test/e2e/harness.js');

const { values } = parseArgs({ options: { rows: { type: 'string' } } });
const ROWS = Number(values.rows ?? 1_000_000);
const TARGET = Math.floor(ROWS * 0.9);
const ROW_HEIGHT = 30;
const DATA = resolve(import.meta.dirname, '.data', 'ui-grid');
const csv = join(DATA, `grid-${ROWS}.csv`);
const contractPath = join(DATA, 'grid.odcs.yaml');
const workspace = join(DATA, `ws-${ROWS}`);

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: ui-grid-bench
name: grid_bench
version: 1.0.0
schema:
  - name: grid_bench
    properties:
      - { name: id, logicalType: integer, primaryKey: true, required: true }
      - { name: customer, logicalType: string, required: true }
      - { name: code, logicalType: string, required: true, logicalTypeOptions: { pattern: '[A-Z]{3}-[0-9]{4}' } }
      - { name: city, logicalType: string }
      - { name: amount, logicalType: number }
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function makeInput(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  writeFileSync(contractPath, CONTRACT);
  if (existsSync(csv)) return;
  const t = performance.now();
  const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [DATA] });
  try {
    // Every code is lower-case, so every row breaks the pattern and is quarantined (2,600 distinct codes).
    await db.conn.run(`COPY (
      SELECT i AS id, 'customer ' || (i % 50000) AS customer, lower(chr(65 + (i % 26)::INT) || 'bc') || '-' || lpad((i % 100)::VARCHAR, 4, '0') AS code,
             (['leeds', 'york', 'bath', 'ely', 'hull'])[1 + (i % 5)::INT] AS city, round((i % 9973) * 1.37, 2) AS amount
      FROM range(1, ${ROWS + 1}) t(i)) TO ${sqlString(csv)} (FORMAT csv, HEADER true)`);
  } finally {
    db.close();
  }
  console.log(`generated ${csv} (${ROWS.toLocaleString('en-US')} rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function ensureRun(): Promise<string> {
  const h = createHandlers({
    workspace, modelsDir: join(DATA, 'no-models'), analyst: 'bench', version: 'bench',
    emit: (n, p) => { if (n === 'progress' && 'stage' in p) process.stderr.write(`  [${p.stage}] ${p.message} (${(p.stageElapsedMs / 1000).toFixed(1)} s)\n`); },
  });
  try {
    const runs = await h.table.listRuns({});
    if (runs.ok && runs.value[0]?.quarantineRows === ROWS) return runs.value[0].runId;
    const t = performance.now();
    const r = await h.table.runFile({ file: csv, contractPath, approval: { kind: 'none' }, useModels: false });
    if (!r.ok) throw new Error(r.error.message);
    console.log(`ran the pipeline in ${((performance.now() - t) / 1000).toFixed(1)} s: ${r.value.quarantineRows.toLocaleString('en-US')} rows quarantined, ${r.value.clusters} pattern(s)`);
    if (r.value.quarantineRows < TARGET + 200) throw new Error(`only ${r.value.quarantineRows} rows were quarantined; the benchmark needs ${TARGET + 200}`);
    return r.value.runId;
  } finally {
    await h.close();
  }
}

async function apiTimes(runId: string): Promise<{ cold: number; warm: number; engineMs: number }> {
  const h = createHandlers({ workspace, modelsDir: join(DATA, 'no-models'), analyst: 'bench', version: 'bench', emit: () => undefined });
  try {
    const times: number[] = [];
    let engineMs = 0;
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const page = await h.table.quarantinePage({ runId, offset: TARGET, limit: 200, filter: {} });
      times.push(performance.now() - t);
      if (!page.ok) throw new Error(page.error.message);
      if (page.value.rows[0].rowId !== TARGET + 1) throw new Error(`row ${TARGET + 1} expected at offset ${TARGET}, got ${page.value.rows[0].rowId}`);
      engineMs = page.value.ms;
    }
    return { cold: times[0], warm: median(times.slice(1)), engineMs };
  } finally {
    await h.close();
  }
}

async function browserTimes(): Promise<{ firstPage: number; chart: number; scrollTo: number[] }> {
  const app = await launchApp({ workspace, modelsDir: join(DATA, 'no-models') });
  try {
    const t0 = performance.now();
    await app.page.locator('[data-nav="quarantine"]').click();
    await app.page.locator('.grid-row[data-index="0"][data-loaded="yes"]').waitFor({ timeout: 120_000 });
    const firstPage = performance.now() - t0;
    await app.page.getByTestId('failure-chart').waitFor({ timeout: 120_000 });
    const chart = performance.now() - t0;
    const scrollTo: number[] = [];
    for (const target of [TARGET, TARGET - 5_000, TARGET + 3_000]) {
      const t = performance.now();
      await app.page.getByTestId('grid').evaluate((el, top) => { el.scrollTop = top; }, target * ROW_HEIGHT);
      await app.page.locator(`.grid-row[data-index="${target}"][data-loaded="yes"]`).waitFor({ timeout: 60_000 });
      scrollTo.push(performance.now() - t);
      const shown = await app.page.locator(`.grid-row[data-index="${target}"] .gc-id`).innerText();
      if (Number(shown) !== target + 1) throw new Error(`the grid shows row ${shown} at index ${target}`);
    }
    if (app.outside.length) throw new Error(`the page asked for ${app.outside.join(', ')}`);
    return { firstPage, chart, scrollTo };
  } finally {
    await app.close();
  }
}

await makeInput();
const runId = await ensureRun();
const api = await apiTimes(runId);
const ui = await browserTimes();
const ms = (n: number) => `${Math.round(n)} ms`;
console.log(`\nquarantine grid, ${ROWS.toLocaleString('en-US')} quarantined rows (run ${runId})`);
console.log(`  engine: page of 200 rows at row ${(TARGET + 1).toLocaleString('en-US')}: first call ${ms(api.cold)}, then ${ms(api.warm)} (median of 5; ${ms(api.engineMs)} inside the engine)`);
console.log(`  chromium: first page shown ${ms(ui.firstPage)} after opening the screen; facets and chart ${ms(ui.chart)}`);
console.log(`  chromium: scroll to row ${(TARGET + 1).toLocaleString('en-US')} until it is drawn with data: ${ms(ui.scrollTo[0])}; nearby jumps ${ui.scrollTo.slice(1).map(ms).join(', ')}`);
writeFileSync(join(DATA, `result-${ROWS}.json`), JSON.stringify({ rows: ROWS, target: TARGET + 1, api, ui, at: new Date().toISOString() }, null, 2));
