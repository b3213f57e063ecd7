// One dirty file through the product as a user runs it (the same commands bench/quality.ts runs
// for the public tables), then the public scorer as a subprocess. Asynchronous, so that the
// harness can keep both cores busy with two runs at once.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const AIRLOCK = join(ROOT, 'bin', 'airlock.js');
const SCORER = resolve(ROOT, '..', 'shared', 'bench', 'score.mjs');

export interface Exit { status: number | null; stdout: string; stderr: string }

/** `node ARGS` as a child process, its output collected. */
export function node(args: string[]): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export interface CliOutcome {
  ok: boolean;
  /** why it failed, when it did: exit code and the end of stderr */
  error?: string;
  /** the batch was held by a quality gate (exit 4) and released, as an analyst would to see it: the failed gates */
  heldBy?: string;
  /** the plain export failed and the retry with --include-pii worked: why the plain one failed */
  exportNeededPii?: string;
  summary?: Record<string, unknown>;
  /** wall time of `run`, plus `release` when the batch was held (release is where it remediates) */
  ms: number;
  cleanCsv: string;
  quarantineCsv: string;
}

/** `airlock run DIRTY --contract C --workspace WS --approve-all --no-model --no-embedder --json`, then `airlock export`. */
export async function runCli(dirty: string, contract: string, dir: string): Promise<CliOutcome> {
  const ws = join(dir, 'ws'), out = join(dir, 'out');
  const t0 = Date.now();
  const run = await node([AIRLOCK, 'run', dirty, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model', '--no-embedder', '--json']);
  let ms = Date.now() - t0;
  const paths = { cleanCsv: join(out, 'clean.csv'), quarantineCsv: join(out, 'quarantine.csv') };
  const tail = (s: string) => s.trim().split('\n').slice(-3).join(' | ');
  let summary: Record<string, unknown> | undefined;
  let heldBy: string | undefined;
  if (run.status === 4) {
    // A failed gate holds the whole batch (nothing promoted): right for the contract, but then
    // there is nothing to score. Release it, as the analyst reviewing it would, and flag the run.
    const held = JSON.parse(run.stdout) as { runId: string; gates?: { name: string; value: number; passed: boolean }[] };
    heldBy = (held.gates ?? []).filter((g) => !g.passed).map((g) => `${g.name}=${g.value}`).join(', ');
    const rel = await node([AIRLOCK, 'release', held.runId, '--workspace', ws, '--json']);
    ms = Date.now() - t0;
    if (rel.status !== 0) return { ok: false, error: `held by ${heldBy}; release exit ${rel.status}: ${tail(rel.stderr)}`, ms, ...paths };
    summary = JSON.parse(rel.stdout) as Record<string, unknown>;
  } else if (run.status !== 0) return { ok: false, error: `run exit ${run.status}: ${tail(run.stderr)}`, ms, ...paths };
  else summary = JSON.parse(run.stdout) as Record<string, unknown>;
  const exportTo = (extra: string[]) => node([AIRLOCK, 'export', '--workspace', ws, '--out', out, ...extra]);
  const exp = await exportTo([]);
  let exportNeededPii: string | undefined;
  if (exp.status !== 0) {
    // The export's audit bundle refuses a run whose audit it thinks holds personal data in clear.
    // That is a product failure worth reporting, but it says nothing about repair quality: the
    // data files are the same with --include-pii, so retry with it and flag the run.
    const why = exp.stderr.split('\n').find((l) => l.startsWith('airlock:')) ?? tail(exp.stderr);
    const again = await exportTo(['--include-pii']);
    if (again.status !== 0) return { ok: false, error: `export exit ${exp.status}: ${why}`, ms, ...paths };
    exportNeededPii = why;
  }
  return { ok: true, summary, heldBy, exportNeededPii, ms, ...paths };
}

export interface ScorerReport {
  name: string;
  rows: number;
  errorCells: number;
  changedCells: number;
  correctRepairs: number;
  correction: { precision: number; recall: number; f1: number };
  rowDetection: { precision: number; recall: number; f1: number };
  rowsQuarantined: number;
  rowsLost: number;
  missingColumns: string[];
  sampleWrongRepairs?: unknown[];
}

/** ../shared/bench/score.mjs over an export: its JSON report, its summary line and exit code (non-zero: lost rows or columns). */
export async function runScorer(a: { dirty: string; truth: string; out: string; quarantine: string; name: string }): Promise<{ code: number | null; report: ScorerReport; line: string }> {
  const s = await node([SCORER, '--dirty', a.dirty, '--truth', a.truth, '--out', a.out, '--quarantine', a.quarantine, '--name', a.name]);
  const report = JSON.parse(s.stdout.slice(0, s.stdout.lastIndexOf('}') + 1)) as ScorerReport;
  return { code: s.status, report, line: s.stdout.trim().split('\n').pop() ?? '' };
}
