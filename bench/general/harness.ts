// The generalisation harness: every base table, at every error rate, made dirty by the seeded
// injector, run through the CLI as a user runs it, scored overall by the public scorer and per
// error kind from the injection log. Each dirty file runs under the hand-written contract(s) and
// under the contract `airlock profile` proposes from it (profiled.ts), reported side by side.
// Figures are reported, not gated: only a lost row (the scorer's non-zero exit) or a run that
// cannot be scored fails it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join, resolve } from 'node:path';
import { readTable, writeTable } from './csv.js';
import { inject, writeInjected } from './inject.js';
import { barLine, harnessBars, harnessTable, kindRecallTable } from './compare.js';
import { PROFILED, runProfiled } from './profiled.js';
import { kindTable, runsTable, sumKinds } from './report.js';
import { runCli, runScorer, type ScorerReport } from './run.js';
import { scoreKinds, type KindReport } from './score.js';
import { BASE_TABLES } from './tables/index.js';
import type { Injection, Table, TableRoles } from './types.js';

export const DEFAULT_RATES = [0.03, 0.08, 0.15];
const DATA = resolve(import.meta.dirname, '..', '.data', 'general');

export interface GeneralOptions {
  tables: string[];
  rates: number[];
  seed: number;
  keep: boolean;
  /** CLI runs at once (2 cores: two runs keep both busy while one is in single-threaded JavaScript) */
  jobs: number;
  /** which contracts to run each dirty file under: the hand-written ones, the profiled one (default both) */
  contracts?: ContractKind[];
}

export type ContractKind = 'hand' | 'profiled';

export interface VariantResult {
  table: string;
  contract: string;
  rate: number;
  seed: number;
  injectedCells: number;
  rowsWithErrors: number;
  runMs: number;
  error?: string;
  heldBy?: string;
  exportNeededPii?: string;
  scorer?: ScorerReport;
  scorerExit?: number | null;
  kinds?: KindReport['kinds'];
  wrongSamples?: KindReport['wrongSamples'];
}

interface Job {
  result: VariantResult;
  clean: Table;
  truth: string;
  dirty: string;
  log: Injection[];
  /** the hand-written contract's path; undefined: profile the dirty file (runProfiled) */
  contract?: string;
  dir: string;
}

/** A seed per (table, rate), so adding a table or a rate does not reshuffle the others. */
export function seedFor(base: number, table: string, rate: number): number {
  let h = 2166136261;
  for (const c of table) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (base ^ h ^ Math.round(rate * 10_000)) >>> 0;
}

const pct = (r: number) => `${+(r * 100).toFixed(1)}%`;

/** The roles with the contract's optional columns marked (the contract says which, not the harness). */
export function withOptional(roles: TableRoles, contractPath: string): TableRoles {
  const doc = parseYaml(readFileSync(contractPath, 'utf8')) as { schema: Array<{ properties: Array<{ name: string; required?: boolean }> }> };
  const optional = new Set(doc.schema[0].properties.filter((p) => !p.required).map((p) => p.name));
  return { ...roles, columns: Object.fromEntries(Object.entries(roles.columns).map(([c, r]) => [c, optional.has(c) ? { ...r, optional: true } : r])) };
}

/** Injects every (table, rate) up front: cheap, and it leaves the CLI runs free to overlap. */
function prepare(opts: GeneralOptions): Job[] {
  const jobs: Job[] = [];
  const kinds = contractsOf(opts);
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
      const injected = inject(clean, withOptional(base.roles, Object.values(base.contracts)[0]), { rate, seed });
      const files = writeInjected(dir, injected);
      const rowsWithErrors = new Set(injected.log.map((l) => l.key)).size;
      const contracts: [string, string | undefined][] = [
        ...(kinds.includes('hand') ? Object.entries(base.contracts) : []),
        ...(kinds.includes('profiled') ? [[PROFILED, undefined] as [string, undefined]] : []),
      ];
      for (const [label, contract] of contracts) {
        const result: VariantResult = { table: name, contract: label, rate, seed, injectedCells: injected.log.length, rowsWithErrors, runMs: 0 };
        jobs.push({ result, clean, truth, dirty: files.dirty, log: injected.log, contract, dir: join(dir, label) });
      }
    }
  }
  return jobs;
}

async function runJob(job: Job, keep: boolean): Promise<void> {
  const r = job.result;
  const tag = `${r.table} @${pct(r.rate)} [${r.contract}]`;
  const profiled = job.contract ? undefined : await runProfiled(job.dirty, job.dir);
  const cli = profiled ?? await runCli(job.dirty, job.contract ?? '', job.dir);
  Object.assign(r, { runMs: cli.ms, heldBy: cli.heldBy, exportNeededPii: cli.exportNeededPii });
  const notes: string[] = [];
  if (profiled) notes.push(`  profiled contract (airlock profile, ${profiled.profileMs} ms)${keep ? `: ${profiled.contract}` : ''}`);
  if (cli.heldBy) notes.push(`  held by gate ${cli.heldBy}: released (airlock release) to be scored`);
  if (cli.exportNeededPii) notes.push(`  plain export failed, scored from --include-pii export: ${cli.exportNeededPii.slice(0, 200)}`);
  if (!cli.ok) {
    r.error = cli.error;
    console.log([`${tag}: ${cli.error}`, ...notes].join('\n'));
  } else {
    const s = await runScorer({ dirty: job.dirty, truth: job.truth, out: cli.cleanCsv, quarantine: cli.quarantineCsv, name: tag });
    const k = scoreKinds(job.clean, job.log, readTable(cli.cleanCsv), readTable(cli.quarantineCsv));
    Object.assign(r, { scorer: s.report, scorerExit: s.code, kinds: k.kinds, wrongSamples: k.wrongSamples.slice(0, 20) });
    console.log([`${s.line} | ${r.injectedCells} cells injected in ${r.rowsWithErrors} rows | run ${cli.ms} ms`, ...notes].join('\n'));
  }
  if (!keep) rmSync(job.dir, { recursive: true, force: true });
}

const contractsOf = (opts: GeneralOptions): ContractKind[] => opts.contracts ?? ['hand', 'profiled'];

export async function runGeneral(opts: GeneralOptions): Promise<{ failed: boolean; reportPath: string; results: VariantResult[] }> {
  const t0 = Date.now();
  const jobs = prepare(opts);
  const queue = [...jobs];
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await runJob(job, opts.keep);
  }));
  const results = jobs.map((j) => j.result);
  const failed = results.some((r) => r.error !== undefined || r.scorerExit !== 0);

  const kinds = contractsOf(opts), rates = opts.rates.map(pct).join(', ');
  // the hand-written contract a table's profiled run is compared with: its first
  const hand = (table: string) => Object.keys(BASE_TABLES[table].contracts)[0];
  const summed = (table: string, label: string) => sumKinds(results.filter((r) => r.table === table && r.contract === label && r.kinds).map((r) => r.kinds ?? {}));
  for (const name of opts.tables) {
    if (kinds.includes('hand')) {
      for (const label of Object.keys(BASE_TABLES[name].contracts)) console.log(`\n${kindTable(`${name} [${label}] — per kind, rates ${rates} summed`, summed(name, label))}`);
    }
    if (kinds.includes('profiled')) {
      console.log(`\n${kindRecallTable(`${name} [${PROFILED}] — recall per kind beside [${hand(name)}], rates ${rates} summed`, kinds.includes('hand') ? summed(name, hand(name)) : undefined, summed(name, PROFILED))}`);
    }
  }
  console.log(`\n${runsTable(results)}\n`);
  // overall: the first contract of each table, so a table run under two contracts counts once
  const primary = results.filter((r) => r.kinds && r.contract === hand(r.table));
  const overall = sumKinds(primary.map((r) => r.kinds ?? {}));
  if (kinds.includes('hand')) console.log(kindTable(`overall — per kind, ${opts.tables.join(', ')} (first contract each), rates ${rates}`, overall));
  if (kinds.includes('profiled')) {
    console.log(`\n${harnessTable(results, opts.tables, opts.rates, hand, PROFILED)}\n`);
    for (const b of harnessBars(results, opts.tables, hand, PROFILED)) console.log(barLine(b));
  }
  mkdirSync(DATA, { recursive: true });
  const reportPath = join(DATA, 'report.json');
  const totalMs = Date.now() - t0;
  writeFileSync(reportPath, JSON.stringify({ when: new Date().toISOString(), options: opts, totalMs, overall, results }, null, 2));
  console.log(`\nharness: ${results.length} runs in ${(totalMs / 1000).toFixed(0)} s (${opts.jobs} at a time) · report ${reportPath}`);
  return { failed, reportPath, results };
}
