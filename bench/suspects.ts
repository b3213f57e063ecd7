// `npm run bench:suspects`: suspect rows per proposal (issue 3 wants at least 1,000). A generated
// order table of 1,000,000 rows with about 5% of rows carrying one of a dozen kinds of bad cell
// (bench/generate.ts) is run as a user would run it: `airlock run --no-model --no-embedder
// --approve-all`. Prints the suspects (rows quarantined by routing, before remediation), the
// clusters and proposals, suspects per proposal, and what happened to each cluster.
//
//   npm run bench:suspects [-- --rows 1m] [--error-scale 1] [--memory-limit 1GB] [--keep]
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DATA_DIR, ERROR_PATTERNS, generate, parseCount } from './generate.js';
import { RunFailed, measureRun, type RunMeasurement } from './perf.js';

const BAR = 1000;
const fmt = (n: number) => n.toLocaleString('en-US');

const { values } = parseArgs({
  options: { rows: { type: 'string' }, 'error-scale': { type: 'string' }, 'memory-limit': { type: 'string' }, keep: { type: 'boolean' }, verbose: { type: 'boolean' } },
});
const rows = parseCount(values.rows ?? process.env.BENCH_ROWS ?? '1m');
const errorScale = values['error-scale'] ? Number(values['error-scale']) : 1;
const memoryLimit = values['memory-limit']; // unset: the engine's default

process.stderr.write(`generating ${fmt(rows)} rows ...\n`);
const g = await generate({ rows, name: `suspects-${rows}`, errorScale });
const badRows = Object.values(g.anomalies).reduce((a, b) => a + b, 0);
process.stderr.write(`  ${(g.bytes / 1e6).toFixed(0)} MB in ${fmt(g.ms)} ms; ${fmt(badRows)} rows (${(100 * badRows / rows).toFixed(2)}%) carry a bad cell, `
  + `${fmt(g.expectedSuspects)} of them should be quarantined; airlock run ...\n`);
const ws = join(DATA_DIR, `ws-suspects-${rows}`);
const load0 = loadavg()[0];
let failed = false;
try {
  let run: RunMeasurement;
  try {
    run = await measureRun(g.csv, g.contract, ws, memoryLimit, values.verbose ?? false);
  } catch (e) {
    if (!(e instanceof RunFailed)) throw e;
    console.log(`\n${e.message} (in stage ${e.lastStage}); ${fmt(e.child.wallMs)} ms, peak RSS ${fmt(Math.round(e.child.peakRss / 1048576))} MB`);
    if (!values.keep) {
      rmSync(ws, { recursive: true, force: true });
      rmSync(g.csv, { force: true });
      rmSync(g.contract, { force: true });
    }
    process.exit(1);
  }
  const s = run.summary;
  const db = new Database(join(ws, 'airlock.sqlite'), { readonly: true });
  const clusters = db.prepare('SELECT cluster_id, column_name, reason, size, distinct_values FROM clusters WHERE run_id = ? ORDER BY size DESC').all(s.runId) as
    Array<{ cluster_id: string; column_name: string; reason: string; size: number; distinct_values: number }>;
  const proposals = db.prepare('SELECT cluster_id, proposer, status, fixed_rows FROM proposals WHERE run_id = ?').all(s.runId) as
    Array<{ cluster_id: string; proposer: string; status: string; fixed_rows: number | null }>;
  db.close();

  const applied = proposals.filter((p) => p.status === 'applied').length;
  console.log(`\nsuspect rows per proposal, ${fmt(rows)} generated rows, --no-model --approve-all, memory_limit ${memoryLimit ?? process.env.AIRLOCK_MEMORY_LIMIT ?? 'engine default'}`);
  console.log(`  anomalies generated: ${ERROR_PATTERNS.map((p) => `${p.name} ${fmt(g.anomalies[p.name])}`).join(', ')}`);
  console.log(`  source ${fmt(s.sourceRows)} = fast lane ${fmt(s.fastLaneRows)} + suspects ${fmt(run.suspects)} + duplicates ${fmt(s.duplicateRows)} (expected suspects ${fmt(g.expectedSuspects)})`);
  console.log(`  clusters ${clusters.length}, proposals ${proposals.length} (applied ${applied}, ${proposals.filter((p) => p.status === 'unverified').length} unverified, ${proposals.filter((p) => p.status === 'rejected-by-sandbox').length} rejected by the sandbox), model calls ${s.modelCalls}`);
  console.log(`  remediated ${fmt(s.remediatedRows)} rows, ${fmt(s.quarantineRows)} left in quarantine; run ${fmt(run.child.wallMs)} ms wall, peak RSS ${fmt(Math.round(run.child.peakRss / 1048576))} MB; load ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
  console.log(`  stages (ms): ${run.stages.map((st) => `${st.stage} ${fmt(st.ms)}`).join(', ')}`);
  const perProposal = proposals.length ? run.suspects / proposals.length : Infinity;
  const perApplied = applied ? s.remediatedRows / applied : 0;
  console.log(`\n  suspect rows per proposal:          ${fmt(Math.round(perProposal))}  (${fmt(run.suspects)} / ${proposals.length}) ${perProposal >= BAR ? '≥' : '<'} ${fmt(BAR)}`);
  console.log(`  remediated rows per applied proposal: ${fmt(Math.round(perApplied))}  (${fmt(s.remediatedRows)} / ${applied})`);
  console.log(`  suspect rows per model call:        ${s.modelCalls ? fmt(Math.round(run.suspects / s.modelCalls)) : '- (no model calls)'}`);
  failed = perProposal < BAR;
  console.log('\n  clusters (largest first): column reason rows distinct → outcome');
  const byCluster = new Map<string, typeof proposals>();
  for (const p of proposals) byCluster.set(p.cluster_id, [...(byCluster.get(p.cluster_id) ?? []), p]);
  for (const c of clusters) {
    const ps = byCluster.get(c.cluster_id) ?? [];
    const outcome = ps.length ? ps.map((p) => `${p.proposer.replace(/^synth:/, '')} ${p.status}${p.fixed_rows !== null ? ` (${fmt(p.fixed_rows)} fixed)` : ''}`).join('; ') : 'no proposal';
    console.log(`    ${c.column_name.padEnd(14)} ${c.reason.padEnd(18)} ${fmt(c.size).padStart(8)} ${fmt(c.distinct_values).padStart(7)} → ${outcome}`);
  }
} finally {
  if (!values.keep) {
    rmSync(ws, { recursive: true, force: true });
    rmSync(g.csv, { force: true });
    rmSync(g.contract, { force: true });
  }
}
process.exitCode = failed ? 1 : 0;
