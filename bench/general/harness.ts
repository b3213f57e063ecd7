// The generalisation harness: every base table, at every error rate, made dirty by the seeded
// injector, run through the CLI as a user runs it, scored overall by the public scorer and per
// error kind from the injection log. Figures are reported, not gated: only a lost row (the
// scorer's non-zero exit) fails it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTable, writeTable } from './csv.js';
import { inject, writeInjected } from './inject.js';
import { kindTable, runsTable, sumKinds } from './report.js';
import { runCli, runScorer, type ScorerReport } from './run.js';
import { scoreKinds, type KindReport } from './score.js';
import { BASE_TABLES } from './tables/index.js';

export const DEFAULT_RATES = [0.03, 0.08, 0.15];
const DATA = resolve(import.meta.dirname, '..', '.data', 'general');

export interface GeneralOptions {
  tables: string[];
  rates: number[];
  seed: number;
  keep: boolean;
}

export interface VariantResult {
  table: string;
  contract: string;
  rate: number;
  seed: number;
  injectedCells: number;
  rowsWithErrors: number;
  runMs: number;
  error?: string;
  /** the batch was held by these failed gates and released to be scored */
  heldBy?: string;
  /** the plain export failed (product bug) and the run was scored from an --include-pii export */
  exportNeededPii?: string;
  scorer?: ScorerReport;
  scorerExit?: number | null;
  kinds?: KindReport['kinds'];
  wrongSamples?: KindReport['wrongSamples'];
}

/** A seed per (table, rate), so adding a table or a rate does not reshuffle the others. */
function seedFor(base: number, table: string, rate: number): number {
  let h = 2166136261;
  for (const c of table) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (base ^ h ^ Math.round(rate * 10_000)) >>> 0;
}

const pct = (r: number) => `${+(r * 100).toFixed(1)}%`;

export function runGeneral(opts: GeneralOptions): { failed: boolean; reportPath: string; results: VariantResult[] } {
  const t0 = Date.now();
  const results: VariantResult[] = [];
  let failed = false;
  for (const name of opts.tables) {
    const base = BASE_TABLES[name];
    if (!base) throw new Error(`unknown table ${name} (known: ${Object.keys(BASE_TABLES).join(', ')})`);
    const clean = base.load();
    const tableDir = join(DATA, name);
    mkdirSync(tableDir, { recursive: true });
    const truth = join(tableDir, 'truth.csv');
    writeTable(truth, clean);
    for (const rate of opts.rates) {
      const seed = seedFor(opts.seed, name, rate);
      const dir = join(tableDir, `rate-${rate}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const injected = inject(clean, base.roles, { rate, seed });
      const files = writeInjected(dir, injected);
      const rowsWithErrors = new Set(injected.log.map((l) => l.key)).size;
      for (const [label, contract] of Object.entries(base.contracts)) {
        const runDir = join(dir, label);
        const r: VariantResult = { table: name, contract: label, rate, seed, injectedCells: injected.log.length, rowsWithErrors, runMs: 0 };
        const cli = runCli(files.dirty, contract, runDir);
        r.runMs = cli.ms;
        r.exportNeededPii = cli.exportNeededPii;
        r.heldBy = cli.heldBy;
        const tag = `${name} @${pct(rate)} [${label}]`;
        if (!cli.ok) {
          r.error = cli.error;
          failed = true;
          console.log(`${tag}: ${cli.error}`);
        } else {
          const s = runScorer({ dirty: files.dirty, truth, out: cli.cleanCsv, quarantine: cli.quarantineCsv, name: tag });
          const k = scoreKinds(clean, injected.log, readTable(cli.cleanCsv), readTable(cli.quarantineCsv));
          Object.assign(r, { scorer: s.report, scorerExit: s.code, kinds: k.kinds, wrongSamples: k.wrongSamples.slice(0, 20) });
          if (s.code !== 0) failed = true;
          console.log(`${s.line} | ${injected.log.length} cells injected in ${rowsWithErrors} rows | run ${cli.ms} ms`);
          if (cli.heldBy) console.log(`  held by gate ${cli.heldBy}: released (airlock release) to be scored`);
          if (cli.exportNeededPii) console.log(`  plain export failed, scored from --include-pii export: ${cli.exportNeededPii.slice(0, 200)}`);
        }
        results.push(r);
        if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
      }
    }
    for (const label of Object.keys(base.contracts)) {
      const mine = results.filter((r) => r.table === name && r.contract === label && r.kinds);
      console.log(`\n${kindTable(`${name} [${label}] — per kind, rates ${opts.rates.map(pct).join(', ')} summed`, sumKinds(mine.map((r) => r.kinds ?? {})))}\n`);
    }
  }
  console.log(`${runsTable(results)}\n`);
  // overall: the first contract of each table, so a table run under two contracts counts once
  const primary = results.filter((r) => r.kinds && r.contract === Object.keys(BASE_TABLES[r.table].contracts)[0]);
  console.log(kindTable(`overall — per kind, ${opts.tables.join(', ')} (first contract each), rates ${opts.rates.map(pct).join(', ')}`, sumKinds(primary.map((r) => r.kinds ?? {}))));
  mkdirSync(DATA, { recursive: true });
  const reportPath = join(DATA, 'report.json');
  writeFileSync(reportPath, JSON.stringify({ when: new Date().toISOString(), options: opts, totalMs: Date.now() - t0, overall: sumKinds(primary.map((r) => r.kinds ?? {})), results }, null, 2));
  console.log(`\nharness: ${results.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s · report ${reportPath}`);
  return { failed, reportPath, results };
}
