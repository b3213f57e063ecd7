// Runs the real `airlock` command (bin/airlock.js: egress guard, tsx, main/cli.ts) as a child
// process, exactly as a script would, and captures its exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { RunSummary } from '../../main/pipeline/types.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const AIRLOCK_BIN = join(REPO_ROOT, 'bin', 'airlock.js');

export interface CliResult {
  /** the process's exit code (null only if a signal killed it) */
  code: number | null;
  stdout: string;
  stderr: string;
  args: string[];
}

/** Runs `airlock <args>`; never rejects on a non-zero exit, only if the process cannot start. */
export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [AIRLOCK_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), args });
    });
  });
}

/** `airlock run <file> --contract <contract> --workspace <ws> --json [extra...]`. */
export function cliRun(file: string, contract: string, workspace: string, extra: string[] = ['--no-model', '--no-embedder']): Promise<CliResult> {
  return runCli(['run', file, '--contract', contract, '--workspace', workspace, '--json', ...extra]);
}

/** The one JSON object `--json` prints on stdout. */
export function summaryOf(res: CliResult): RunSummary {
  const lines = res.stdout.trim().split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout from airlock ${res.args.join(' ')}, got ${lines.length}:\n${res.stdout}\n--- stderr:\n${res.stderr}`);
  return JSON.parse(lines[0]) as RunSummary;
}

/** Parses a --json answer that is not a run summary (replay, export). */
export function jsonOf<T>(res: CliResult): T {
  return JSON.parse(res.stdout.trim()) as T;
}

/** A readable description of a CLI result, for assertion messages. */
export function describeResult(res: CliResult): string {
  return `airlock ${res.args.join(' ')} → exit ${res.code}\n--- stdout:\n${res.stdout.slice(0, 2000)}\n--- stderr:\n${res.stderr.slice(0, 4000)}`;
}

const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

/**
 * Asserts a user error: exit 2, and stderr holds exactly one message line, `airlock: <message>`
 * (besides `[stage]` progress lines), with no stack trace. Returns the message line.
 */
export function expectUserError(res: CliResult, exitCode = 2): string {
  expect(res.code, describeResult(res)).toBe(exitCode);
  expect(res.stderr, describeResult(res)).not.toMatch(STACK_FRAME);
  expect(res.stderr, describeResult(res)).not.toContain('internal error');
  const lines = messageLines(res.stderr);
  expect(lines, describeResult(res)).toHaveLength(1);
  expect(lines[0]).toMatch(/^airlock: \S/);
  return lines[0];
}

/** stderr without the `[stage] progress` lines. */
export function messageLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^\[[a-z-]+\] /.test(l));
}

/** What ../shared/bench/score.mjs prints (the JSON part). */
export interface ScoreReport {
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
  sampleWrongRepairs: unknown[];
}

/** Runs the public scorer on an export; its JSON report is everything before the summary line. */
export function runScorer(args: { dirty: string; truth: string; out: string; quarantine: string; name: string }): Promise<{ code: number | null; report: ScoreReport; summaryLine: string; raw: string }> {
  return new Promise((resolvePromise, reject) => {
    const scorer = join(resolve(REPO_ROOT, '..', 'shared'), 'bench', 'score.mjs');
    const child = spawn(process.execPath, [scorer, '--dirty', args.dirty, '--truth', args.truth, '--out', args.out, '--quarantine', args.quarantine, '--name', args.name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out).toString('utf8');
      const lines = raw.trimEnd().split('\n');
      try {
        resolvePromise({ code, report: JSON.parse(lines.slice(0, -1).join('\n')) as ScoreReport, summaryLine: lines[lines.length - 1], raw });
      } catch (e) {
        reject(new Error(`score.mjs printed no JSON report (exit ${code}): ${raw}\n${Buffer.concat(err).toString('utf8')}`, { cause: e }));
      }
    });
  });
}

export interface BenchmarkRun {
  workspace: string;
  outDir: string;
  contractPath: string;
  dirty: string;
  run: CliResult;
  summary: RunSummary;
  exported: CliResult;
  score: Awaited<ReturnType<typeof runScorer>>;
}

/**
 * A public benchmark table end to end, as ../shared/bench/README.md scores it: `run` the dirty
 * file against its unchanged contract with --approve-all --no-model, `export`, then the scorer.
 */
export async function runBenchmark(name: 'hospital' | 'beers', workspace: string, outDir: string): Promise<BenchmarkRun> {
  const bench = join(resolve(REPO_ROOT, '..', 'shared'), 'bench', name);
  const dirty = join(bench, 'dirty.csv');
  const contractPath = join(bench, 'contract.odcs.yaml');
  const run = await runCli(['run', dirty, '--contract', contractPath, '--workspace', workspace, '--approve-all', '--no-model', '--json']);
  if (run.code !== 0) throw new Error(describeResult(run));
  const exported = await runCli(['export', '--workspace', workspace, '--out', outDir]);
  if (exported.code !== 0) throw new Error(describeResult(exported));
  const score = await runScorer({ dirty, truth: join(bench, 'clean.csv'), out: join(outDir, 'clean.csv'), quarantine: join(outDir, 'quarantine.csv'), name });
  return { workspace, outDir, contractPath, dirty, run, summary: summaryOf(run), exported, score };
}
