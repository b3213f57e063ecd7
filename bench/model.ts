// `npm run bench:model`: the real local language models on the generalisation harness, and their
// speed on this machine. Deterministic (temperature 0, fixed seed, from an empty context).
//
//  1. Speed probe, per model and for 1 and 2 threads: load time, prompt evaluation, tokens per
//     second generating; the figure at the thread count the product uses is written to
//     `<modelsDir>/.airlock-speed.json` (main/models/speedRecord.ts) for the status screen.
//  2. Harness: each dirty file (bench/general, seeded injector) runs with the synthesizer alone
//     (--no-model) and with the synthesizer plus each model (--model PATH), --approve-all; per
//     model: proposals asked, answers that parse, answers the sandbox accepts, rules verified,
//     cells fixed, wrong changes that reached the output (against the synthesizer alone),
//     seconds and prompt tokens per proposal, and the clusters the model fixed that the
//     synthesizer left (a model is asked only for those).
//  3. Each harness run with the real embedder (all-MiniLM-L6-v2 ONNX from the models cache, which
//     merges clusters of the same column and reason whose values mean the same) and without:
//     clusters, model calls, suspect rows (quarantined by routing, before any proposal), suspect
//     rows per model call, and calls per suspect row (the seed promises at least 95% fewer calls
//     than rows). `--embedder on|off|on,off` (default both).
//
//   npm run bench:model [-- --model PATH[,PATH]] [--table customers] [--rate 0.08] [--seed N]
//                          [--max-calls 10] [--embedder on,off] [--no-speed] [--speed-only] [--keep]
// Models default to every *.gguf in $AIRLOCK_MODEL_CACHE (default ~/.cache/airlock/models).
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { buildProposalPrompt, ProposalModel } from '../main/models/llama.js';
import { realModelPaths } from '../scripts/models/pins.js';
import { writeSpeed } from '../main/models/speedRecord.js';
import { seedFor, withOptional } from './general/harness.js';
import { inject, writeInjected } from './general/inject.js';
import { runWithModel, type ModelRunResult } from './general/modelRun.js';
import { emptyScore, addScores } from './general/score.js';
import { BASE_TABLES } from './general/tables/index.js';

const DATA = resolve(import.meta.dirname, '.data', 'model');

function parseArgs(argv: string[]) {
  const o = { models: [] as string[], tables: [] as string[], rates: [] as number[], seed: 20261201, maxCalls: 10, embedders: ['on', 'off'], speed: true, harness: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--model') o.models.push(...argv[++i].split(',').map((p) => resolve(p)));
    else if (a === '--table') o.tables.push(...argv[++i].split(','));
    else if (a === '--rate') o.rates.push(...argv[++i].split(',').map(Number));
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--max-calls') o.maxCalls = Number(argv[++i]);
    else if (a === '--embedder') o.embedders = argv[++i].split(',');
    else if (a === '--no-speed') o.speed = false;
    else if (a === '--speed-only') o.harness = false;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`bench:model: unknown flag ${a}`);
  }
  if (!o.models.length) {
    const dir = process.env.AIRLOCK_MODEL_CACHE ?? join(homedir(), '.cache', 'airlock', 'models');
    if (existsSync(dir)) o.models = readdirSync(dir).filter((f) => f.endsWith('.gguf')).sort().map((f) => join(dir, f));
  }
  if (!o.models.length) throw new Error('bench:model: no GGUF model found: run npm run models:fetch, or pass --model FILE.gguf');
  if (o.embedders.some((e) => e !== 'on' && e !== 'off')) throw new Error('bench:model: --embedder takes on, off or on,off');
  if (!o.tables.length) o.tables = ['customers'];
  if (!o.rates.length) o.rates = [0.08];
  return o;
}

// A typical prompt: the size and shape of the harness's clusters.
const SPEED_PROMPT = buildProposalPrompt({
  column: { name: 'status', logicalType: 'string', required: true, enum: ['active', 'inactive', 'pending', 'cancelled'] },
  reason: 'NOT_IN_SET: the value is not one of the allowed values',
  samples: [{ value: 'enabled', count: 14 }, { value: 'dormant', count: 6 }, { value: 'in progress', count: 3 }],
  validSamples: [{ value: 'active', count: 820 }, { value: 'inactive', count: 410 }, { value: 'pending', count: 120 }, { value: 'cancelled', count: 90 }],
});

const f1 = (n: number) => n.toFixed(1);
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

async function speedProbe(path: string): Promise<void> {
  let defaultThreads = 1;
  const byThreads: Record<number, number> = {};
  let sha = '';
  for (const threads of [1, 2]) {
    const t0 = Date.now();
    const model = await ProposalModel.load(path, { gpu: false, threads });
    const loadMs = Date.now() - t0;
    sha = model.info.sha256;
    // the product's own choice for this file, when no thread count is given
    if (threads === 1) {
      const probe = await ProposalModel.load(path, { gpu: false });
      defaultThreads = probe.info.threads;
      await probe.dispose();
    }
    const s = await model.measureSpeed(SPEED_PROMPT, 64);
    byThreads[threads] = s.tokensPerSecond;
    console.log(`${basename(path)} · threads ${threads}: load ${loadMs} ms · prompt ${s.promptTokens} tokens in ${s.promptMs} ms (${f1(s.promptTokens / (s.promptMs / 1000))} tok/s) · generate ${s.generatedTokens} tokens at ${f1(s.tokensPerSecond)} tok/s · ${model.info.chatWrapper}`);
    await model.dispose();
  }
  const where = writeSpeed(dirname(path), sha, { tokensPerSecond: Math.round(byThreads[defaultThreads] * 10) / 10, threads: defaultThreads, measuredAt: new Date().toISOString() });
  console.log(`  default threads for this file: ${defaultThreads} · recorded in ${where}`);
}

interface Dirty { table: string; rate: number; dirty: string; contract: string; dir: string; clean: ReturnType<(typeof BASE_TABLES)[string]['load']>; log: ReturnType<typeof inject>['log'] }

function prepare(table: string, rate: number, seed: number): Dirty {
  const base = BASE_TABLES[table];
  if (!base) throw new Error(`bench:model: unknown table ${table} (known: ${Object.keys(BASE_TABLES).join(', ')})`);
  const clean = base.load();
  const contract = Object.values(base.contracts)[0];
  const dir = join(DATA, table, `rate-${rate}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const injected = inject(clean, withOptional(base.roles, contract), { rate, seed: seedFor(seed, table, rate) });
  return { table, rate, dirty: writeInjected(dir, injected).dirty, contract, dir, clean, log: injected.log };
}

const corrected = (r: ModelRunResult) => Object.values(r.kinds.kinds).reduce((s, k) => addScores(s, k ?? emptyScore()), emptyScore()).corrected;
const wrongKeys = (r: ModelRunResult) => new Set(r.kinds.wrongSamples.map((w) => `${w.key}\u0000${w.column}\u0000${w.out}`));

function printTable(head: string[], rows: string[][]): void {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '));
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(2)}%` : '-');

async function harness(o: ReturnType<typeof parseArgs>): Promise<void> {
  const files = o.tables.flatMap((t) => o.rates.map((r) => prepare(t, r, o.seed)));
  const embedderDir = realModelPaths().embedderDir;
  if (o.embedders.includes('on') && !existsSync(join(embedderDir, 'onnx', 'model.onnx'))) throw new Error(`bench:model: no embedder in ${embedderDir}: run npm run models:fetch`);
  const embDir = (e: string) => (e === 'on' ? embedderDir : null);
  // clusters, calls and suspects per run: one line per file × embedder × (no model | model)
  const embRows: string[][] = [];
  const embRow = (who: string, f: Dirty, e: string, r: ModelRunResult, left: number) => embRows.push([
    who, `${f.table} @${f.rate}`, e, String(r.summary.clusters), String(r.summary.modelCalls), String(left), String(r.suspects),
    r.summary.modelCalls ? String(Math.round(r.suspects / r.summary.modelCalls)) : '-', pct(r.summary.modelCalls, r.suspects), pct(left, r.suspects)]);
  const baseline = new Map<string, ModelRunResult>();
  for (const f of files) {
    for (const e of o.embedders) {
      const r = await runWithModel({ ...f, dir: join(f.dir, `no-model-emb-${e}`), model: null, maxModelCalls: 0, embedderDir: embDir(e) });
      baseline.set(`${f.dir}\u0000${e}`, r);
      embRow('--no-model', f, e, r, r.stats.unfixedClusters);
      console.log(`${f.table} @${f.rate} --no-model, embedder ${e}: ${r.summary.clusters} clusters · ${r.suspects} suspect rows · ${r.stats.unfixedClusters} clusters left unfixed · ${corrected(r)} of ${f.log.length} injected cells corrected · ${r.kinds.wrongSamples.length} wrong · ${(r.ms / 1000).toFixed(0)} s`);
    }
  }
  const rows: string[][] = [];
  for (const path of o.models) {
    const model = await ProposalModel.load(path, { gpu: false });
    const name = basename(path);
    console.log(`\n== ${name} (${(model.info.sizeBytes / 1e6).toFixed(0)} MB, ${model.info.chatWrapper}, threads ${model.info.threads}) ==`);
    for (const e of o.embedders) {
      const total = { asked: 0, parsed: 0, sandboxed: 0, verified: 0, fixed: 0, wrong: 0, ms: [] as number[], prompt: [] as number[], answer: [] as number[], clusters: [] as string[], failures: {} as Record<string, number> };
      for (const f of files) {
        const r = await runWithModel({ ...f, dir: join(f.dir, `${name}-emb-${e}`), model, maxModelCalls: o.maxCalls, embedderDir: embDir(e) });
        const base = baseline.get(`${f.dir}\u0000${e}`)!;
        const before = wrongKeys(base);
        const newWrong = r.kinds.wrongSamples.filter((w) => !before.has(`${w.key}\u0000${w.column}\u0000${w.out}`));
        const s = r.stats;
        total.asked += s.asked; total.parsed += s.parsed; total.sandboxed += s.sandboxed; total.verified += s.verified;
        total.fixed += corrected(r) - corrected(base); total.wrong += newWrong.length;
        total.ms.push(...s.ms); total.prompt.push(...s.promptTokens); total.answer.push(...s.answerTokens);
        total.clusters.push(...s.fixedClusters.map((c) => `${f.table} @${f.rate}: ${c}`));
        for (const [k, v] of Object.entries(s.failures)) total.failures[k] = (total.failures[k] ?? 0) + v;
        embRow(name, f, e, r, base.stats.unfixedClusters);
        console.log(`${f.table} @${f.rate}, embedder ${e}: ${r.summary.clusters} clusters · ${r.suspects} suspect rows · asked ${s.asked} · parsed ${s.parsed} · sandbox ok ${s.sandboxed} · verified ${s.verified} · cells fixed ${corrected(r) - corrected(base)} · wrong changes reaching output ${newWrong.length} · ${(r.ms / 1000).toFixed(0)} s`);
        for (const w of newWrong.slice(0, 5)) console.log(`  wrong: ${w.column} ${JSON.stringify(w.dirty)} → ${JSON.stringify(w.out)} (truth ${JSON.stringify(w.clean)})`);
      }
      for (const [why, n] of Object.entries(total.failures).sort((a, b) => b[1] - a[1])) console.log(`  ${n} × ${why}`);
      for (const c of total.clusters) console.log(`  fixed a cluster the synthesizer left: ${c}`);
      rows.push([name, e, String(total.asked), String(total.parsed), String(total.sandboxed), String(total.verified), String(total.fixed), String(total.wrong),
        f1(mean(total.ms) / 1000), String(Math.round(mean(total.prompt))), String(Math.round(mean(total.answer))), String(total.clusters.length)]);
    }
    await model.dispose();
  }
  console.log(`\nmodel bench: ${o.tables.join(', ')} at ${o.rates.join(', ')} (seed ${o.seed}), at most ${o.maxCalls} model calls per run, --approve-all`);
  printTable(['model', 'embedder', 'asked', 'parse', 'sandbox ok', 'verified', 'cells fixed', 'wrong in output', 's/proposal', 'prompt tok', 'answer tok', 'clusters fixed'], rows);
  console.log('\nembedder on and off: suspect rows = quarantined by routing, before any proposal; "left" = clusters the synthesizer alone left unfixed'
    + ` (the calls a model without the ${o.maxCalls}-call cap would get)`);
  printTable(['run', 'file', 'embedder', 'clusters', 'model calls', 'left', 'suspect rows', 'rows/call', 'calls/rows', 'left/rows'], embRows);
  if (!o.keep) rmSync(DATA, { recursive: true, force: true });
  if (rows.some((r) => r[7] !== '0')) process.exitCode = 1; // a wrong change reaching the output fails the bench
}

const opts = parseArgs(process.argv.slice(2));
console.log('Other work on this 2-core machine makes these figures noisy: compare them with the load average.');
if (opts.speed) for (const m of opts.models) await speedProbe(m);
if (opts.harness) await harness(opts);
