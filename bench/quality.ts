// `npm run bench:quality`: both public benchmark tables, run as a user would run them
// (`airlock run --no-model --approve-all`, then `airlock export`), scored by the public scorer.
// Prints the scorer's lines; the bar is correction precision >= 0.98 and F1 >= 0.90 on both.
// Then the generalisation harness (bench/general/, see bench/README.md): the same run on clean
// tables made dirty by a seeded injector, scored per error kind. Its figures are reported, not
// gated; only a lost row fails it.
//
//   npm run bench:quality [-- --public | --general] [--rate 0.08] [--table NAME] [--seed N] [--jobs 2] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_RATES, runGeneral } from './general/harness.js';
import { BASE_TABLES } from './general/tables/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '..', 'shared', 'bench');
const AIRLOCK = join(ROOT, 'bin', 'airlock.js');
const PUBLIC = ['hospital', 'beers'];

function parseArgs(argv: string[]) {
  const o = { public: false, general: false, tables: [] as string[], rates: [] as number[], seed: 20261201, keep: !!process.env.KEEP, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--public') o.public = true;
    else if (a === '--general') o.general = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--table') o.tables.push(...argv[++i].split(','));
    else if (a === '--rate') o.rates.push(...argv[++i].split(',').map(Number));
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--jobs') o.jobs = Number(argv[++i]);
    else if (!a.startsWith('--')) o.tables.push(a); // the old form: table names as arguments
    else throw new Error(`bench:quality: unknown flag ${a}`);
  }
  if (o.rates.some((r) => !(r > 0 && r < 1))) throw new Error('bench:quality: --rate takes a share between 0 and 1, e.g. 0.08');
  // neither flag: both parts
  if (!o.public && !o.general) o.public = o.general = true;
  return o;
}

function runPublic(tables: string[], keep: boolean): boolean {
  let failed = false;
  for (const name of tables) {
    const dir = mkdtempSync(join(tmpdir(), `airlock-bench-${name}-`));
    const ws = join(dir, 'ws');
    const out = join(dir, 'out');
    const t0 = Date.now();
    const run = spawnSync('node', [AIRLOCK, 'run', join(SHARED, name, 'dirty.csv'), '--contract', join(SHARED, name, 'contract.odcs.yaml'),
      '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', '--json'], { encoding: 'utf8' });
    const ms = Date.now() - t0;
    if (run.status !== 0) {
      console.log(`${name}: run failed (exit ${run.status}): ${run.stderr.split('\n').slice(-3).join(' ')}`);
      failed = true;
      continue;
    }
    const summary = JSON.parse(run.stdout) as Record<string, number>;
    execFileSync('node', [AIRLOCK, 'export', '--workspace', ws, '--out', out], { stdio: 'ignore' });
    const score = spawnSync('node', [join(SHARED, 'score.mjs'), '--dirty', join(SHARED, name, 'dirty.csv'), '--truth', join(SHARED, name, 'clean.csv'),
      '--out', join(out, 'clean.csv'), '--quarantine', join(out, 'quarantine.csv'), '--name', name], { encoding: 'utf8' });
    const report = JSON.parse(score.stdout.slice(0, score.stdout.lastIndexOf('}') + 1)) as { correction: { precision: number; f1: number }; sampleWrongRepairs: unknown[] };
    console.log(score.stdout.trim().split('\n').pop());
    console.log(`  run ${ms} ms · source ${summary.sourceRows} = success ${summary.successRows} + quarantine ${summary.quarantineRows} + duplicates ${summary.duplicateRows} · clusters ${summary.clusters} · proposals ${summary.proposals}`);
    if (report.sampleWrongRepairs.length) console.log(`  wrong repairs (sample): ${JSON.stringify(report.sampleWrongRepairs.slice(0, 5))}`);
    if (report.correction.precision < 0.98 || report.correction.f1 < 0.9) failed = true;
    if (score.status !== 0) failed = true;
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`  kept ${dir}`);
  }
  return failed;
}

const opts = parseArgs(process.argv.slice(2));
let failed = false;
if (opts.public) {
  const tables = opts.tables.length ? opts.tables.filter((t) => PUBLIC.includes(t)) : PUBLIC;
  if (tables.length) failed = runPublic(tables, opts.keep) || failed;
}
if (opts.general) {
  if (opts.public) console.log('\n== generalisation harness (bench/general) ==');
  const tables = opts.tables.length ? opts.tables : Object.keys(BASE_TABLES);
  failed = (await runGeneral({ tables, rates: opts.rates.length ? opts.rates : DEFAULT_RATES, seed: opts.seed, keep: opts.keep, jobs: opts.jobs })).failed || failed;
}
process.exitCode = failed ? 1 : 0;
