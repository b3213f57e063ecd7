// `npm run bench:quality`: both public benchmark tables, run as a user would run them
// (`airlock run --no-model --approve-all`, then `airlock export`), scored by the public scorer.
// Prints the scorer's lines; the bar is correction precision >= 0.98 and F1 >= 0.90 on both.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '..', 'shared', 'bench');
const AIRLOCK = join(ROOT, 'bin', 'airlock.js');
const tables = process.argv.slice(2).length ? process.argv.slice(2) : ['hospital', 'beers'];

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
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`  kept ${dir}`);
}
process.exitCode = failed ? 1 : 0;
