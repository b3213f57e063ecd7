// The headless command line (../shared/docs/cli.md): the same engine as the app, for scripts,
// tests and benchmarks. Progress goes to stderr; `--json` puts one object on stdout.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsUserError, isDiskFull } from './store/fsErrors.js';
import { memoryUserError } from './store/memoryErrors.js';
import { clearWorkspaceTmp } from './store/workspace.js';
import { recoverInterruptedRuns, runsLeftToUndo } from './pipeline/recover.js';
import type { Engine } from './pipeline/context.js';
import { UserError } from './contract/errors.js';
import { ModelLoadError } from './models/modelLoadError.js';
import { openEngine } from './pipeline/context.js';
import { runBatch } from './pipeline/runBatch.js';
import { runRemediationJob } from './pipeline/remediationJob.js';
import type { ApprovalMode, RunSummary } from './pipeline/types.js';
import { exportRun } from './export/exportRun.js';
import { stagingDirFor } from './export/exportDir.js';
import { verifyBundle } from './audit/verifyBundle.js';
import { replayRun } from './pipeline/replay.js';
import { releaseRun, rejectRun } from './pipeline/release.js';
import { listRuns } from './pipeline/listRuns.js';
import { profileInputFile } from './contract/profileFile.js';
import { demoPaths } from './pipeline/demo.js';
import { exportDbt } from './export/dbt/exportDbt.js';

const USAGE = `airlock — clean sensitive data offline against a data contract

  airlock run <file.csv|file.parquet> --contract <c.odcs.yaml> [--workspace DIR]
              [--approve-all | --approve-min-confidence X] [--model FILE.gguf | --no-model]
              [--embedder DIR | --no-embedder] [--memory-limit SIZE] [--threads N] [--no-wait] [--json]
  airlock remediate <run-id> [--workspace DIR] [--json]   # resume or finish a run's remediation job
  airlock export [--run ID|latest] --out DIR [--format csv|parquet] [--workspace DIR] [--include-pii]
  airlock verify <bundle-dir-or-archive> [--public-key FILE]
  airlock profile <file> [--out contract.odcs.yaml]
  airlock replay <run-id> [--workspace DIR]
  airlock runs [--workspace DIR] [--json]
  airlock release <run-id> [--workspace DIR]     # promote a batch held by a quality gate
  airlock reject <run-id> [--workspace DIR]      # reject a held batch
  airlock export-dbt --contract ID [--run ID] --out DIR [--source-file FILE.csv] [--workspace DIR]   # dbt project
  airlock demo [--workspace DIR]

Exit codes: 0 done and reconciled, 2 bad usage or input, 3 schema drift, 4 held by a gate, 10 reconciliation failed.`;

const DEFAULT_WORKSPACE = './airlock-workspace';

export function exitCodeFor(summary: RunSummary): number {
  if (!summary.reconciled || summary.status === 'failed') return 10;
  if (summary.status === 'halted') return 3;
  if (summary.status === 'held') return 4;
  return 0;
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

function printSummary(s: RunSummary): void {
  if (s.message) err(s.message);
  for (const h of s.hints ?? []) err(`note: ${h}`);
  const unconfirmed = s.unconfirmedRules ?? [];
  if (unconfirmed.length) {
    const shown = unconfirmed.slice(0, 4).join('; ') + (unconfirmed.length > 4 ? `; and ${unconfirmed.length - 4} more` : '');
    err(`note: this contract enforces ${unconfirmed.length} inferred rule(s) no analyst has confirmed (${shown}). Review each one and set confirmed: true where it is a real rule.`);
  }
  err(`${s.runId}: ${s.status} · source ${s.sourceRows} = success ${s.successRows} + quarantine ${s.quarantineRows} + duplicates ${s.duplicateRows} + pending ${s.pendingRows ?? 0} ${s.reconciled ? '✓ reconciled' : '✗ NOT RECONCILED'}`);
  err(`  fast lane ${s.fastLaneRows}, remediated ${s.remediatedRows}, clusters ${s.clusters}, proposals ${s.proposals}, model calls ${s.modelCalls}`);
  for (const g of s.gates) err(`  gate ${g.name}: ${g.value}${g.unit === 'percent' ? '%' : ''} ${g.operator} ${JSON.stringify(g.threshold)} ${g.passed ? 'passed' : 'FAILED'}`);
}

function approvalOf(values: Record<string, unknown>): ApprovalMode {
  if (values['approve-all'] && values['approve-min-confidence'] !== undefined) throw new UserError('use either --approve-all or --approve-min-confidence, not both.');
  if (values['approve-all']) return { kind: 'all' };
  if (values['approve-min-confidence'] !== undefined) {
    const min = Number(values['approve-min-confidence']);
    if (!Number.isFinite(min) || min < 0 || min > 1) throw new UserError(`--approve-min-confidence takes a number from 0 to 1, got ${JSON.stringify(values['approve-min-confidence'])}.`);
    return { kind: 'min-confidence', min };
  }
  return { kind: 'none' };
}

function threadCount(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text.trim())) throw new UserError(`--threads ${JSON.stringify(text)} is not a thread count: give a whole number of at least 1.`);
  return Number(text);
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      contract: { type: 'string' }, workspace: { type: 'string' }, 'approve-all': { type: 'boolean' },
      'approve-min-confidence': { type: 'string' }, model: { type: 'string' }, 'no-model': { type: 'boolean' },
      embedder: { type: 'string' }, 'no-embedder': { type: 'boolean' }, json: { type: 'boolean' },
      'memory-limit': { type: 'string' }, threads: { type: 'string' }, 'no-wait': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UserError('run takes one input file: airlock run <file.csv|file.parquet> --contract <c.odcs.yaml>');
  if (!values.contract) throw new UserError('run needs --contract <c.odcs.yaml> (or profile the file first: airlock profile <file> --out c.odcs.yaml).');
  if (values.model && values['no-model']) throw new UserError('use either --model or --no-model, not both.');
  if (values.embedder && values['no-embedder']) throw new UserError('use either --embedder or --no-embedder, not both.');
  const approval = approvalOf(values);
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], {
    create: true,
    memoryLimit: values['memory-limit'],
    threads: values.threads === undefined ? undefined : threadCount(values.threads),
  });
  try {
    const summary = await runBatchCleaningUp(engine, {
      file: resolve(positionals[0]),
      contractPath: resolve(values.contract),
      approval,
      wait: !values['no-wait'],
      remediation: {
        modelPath: values['no-model'] ? null : values.model ? resolve(values.model) : undefined,
        embedderDir: values['no-embedder'] ? null : values.embedder ? resolve(values.embedder) : undefined,
      },
      onProgress: values.json ? (p) => err(`[${p.stage}] ${p.message}`) : (p) => err(`[${p.stage}] ${p.message}`),
    });
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    printSummary(summary);
    return exitCodeFor(summary);
  } finally {
    engine.close();
  }
}

/**
 * A run the file system stopped (a full disk, a folder gone read-only) is undone at once rather
 * than left "running" until the next run, and its temporary files are removed: one line, exit 2.
 * A run DuckDB's memory budget stopped: one line that says whether its writes were undone, as the
 * store records it (an undo that ran out of memory too is left to the next run).
 */
async function runBatchCleaningUp(engine: Engine, opts: Parameters<typeof runBatch>[1]): Promise<RunSummary> {
  try {
    return await runBatch(engine, opts);
  } catch (e) {
    const oom = e instanceof UserError ? null : memoryUserError(e, runsLeftToUndo(engine));
    if (oom) throw oom;
    const user = e instanceof UserError ? null : fsUserError(e, engine.ws.root);
    if (!user) throw e;
    clearWorkspaceTmp(engine.ws);
    try {
      await recoverInterruptedRuns(engine);
    } catch {
      /* a full disk may refuse the undo too: the next run recovers it */
    }
    clearWorkspaceTmp(engine.ws);
    throw isDiskFull(e) ? new UserError(`${user.message} The run was stopped and its writes undone.`, user.file) : user;
  }
}

async function cmdRemediate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { workspace: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UserError('remediate takes one run id (see: airlock runs).');
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], { create: false });
  try {
    // Runs a killed process left half-done are undone first, as before any run.
    await recoverInterruptedRuns(engine);
    const summary = await runRemediationJob(engine, positionals[0], { onProgress: (p) => err(`[${p.stage}] ${p.message}`) });
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    printSummary(summary);
    return exitCodeFor(summary);
  } finally {
    engine.close();
  }
}

async function cmdExport(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { run: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, workspace: { type: 'string' }, 'include-pii': { type: 'boolean' }, json: { type: 'boolean' } } });
  if (!values.out) throw new UserError('export needs --out DIR.');
  const format = (values.format ?? 'csv') as 'csv' | 'parquet';
  if (format !== 'csv' && format !== 'parquet') throw new UserError(`--format is csv or parquet, got ${JSON.stringify(values.format)}.`);
  const out = resolve(values.out);
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [out, stagingDirFor(out)], { create: false });
  try {
    const res = await exportRun(engine, { runId: values.run, outDir: out, format, includePii: values['include-pii'] ?? false });
    for (const f of res.files) err(`wrote ${f.path} (${f.rows} rows)`);
    err(`wrote ${res.bundle.dir} and ${res.bundle.archive}`);
    if (values.json) process.stdout.write(`${JSON.stringify({ runId: res.runId, files: res.files, bundle: res.bundle })}\n`);
    return 0;
  } finally {
    engine.close();
  }
}

async function cmdVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { 'public-key': { type: 'string' } } });
  if (positionals.length !== 1) throw new UserError('verify takes one bundle folder or archive.');
  let publicKeyPem: string | undefined;
  if (values['public-key']) {
    try {
      publicKeyPem = readFileSync(values['public-key'], 'utf8');
    } catch {
      throw new UserError(`${values['public-key']}: cannot read the public key file.`);
    }
  }
  const res = await verifyBundle(resolve(positionals[0]), { publicKeyPem });
  process.stdout.write(`${res.verdict}\n`);
  return res.ok ? 0 : 1;
}

async function cmdProfile(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, workspace: { type: 'string' } } });
  if (positionals.length !== 1) throw new UserError('profile takes one input file.');
  const input = resolve(positionals[0]);
  if (existsSync(input) && statSync(input).isDirectory()) throw new UserError(`${input} is a folder: profile takes one input file (CSV or Parquet).`, input);
  if (values.out) {
    const outDir = dirname(resolve(values.out));
    if (!existsSync(outDir)) throw new UserError(`--out ${values.out}: the folder ${outDir} does not exist. Create it first, or write the contract elsewhere.`, values.out);
    if (existsSync(values.out) && statSync(values.out).isDirectory()) throw new UserError(`--out ${values.out} is a folder: pass a file name such as ${values.out}/contract.odcs.yaml.`, values.out);
  }
  const yaml = await profileInputFile(input);
  if (values.out) {
    writeFileSync(values.out, yaml);
    err(`wrote ${values.out}: review it, then run with --contract ${values.out}`);
  } else process.stdout.write(yaml);
  return 0;
}

async function cmdReplay(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { workspace: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UserError('replay takes one run id (see: airlock runs).');
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], { create: false });
  try {
    const res = await replayRun(engine, positionals[0]);
    if (values.json) process.stdout.write(`${JSON.stringify(res)}\n`);
    err(res.message);
    // A replay that differs is reported (exit 1); only a replay that fails to reconcile is the Sev-1 exit 10.
    return res.identical ? 0 : res.reconciled ? 1 : 10;
  } finally {
    engine.close();
  }
}

async function cmdRuns(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { workspace: { type: 'string' }, json: { type: 'boolean' } } });
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], { create: false });
  try {
    const runs = listRuns(engine);
    if (values.json) process.stdout.write(`${JSON.stringify(runs)}\n`);
    else for (const r of runs) process.stdout.write(`${r.runId}  ${r.status.padEnd(9)} ${r.input}  source ${r.sourceRows} = success ${r.successRows} + quarantine ${r.quarantineRows} + duplicates ${r.duplicateRows} + pending ${r.pendingRows}  ${r.reconciled ? 'reconciled' : 'NOT RECONCILED'}\n`);
    return 0;
  } finally {
    engine.close();
  }
}

async function cmdDecision(args: string[], decision: 'release' | 'reject'): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { workspace: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UserError(`${decision} takes one run id.`);
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], { create: false });
  try {
    const s = decision === 'release' ? await releaseRun(engine, positionals[0], 'cli') : await rejectRun(engine, positionals[0], 'cli');
    if (values.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    printSummary(s);
    return exitCodeFor(s);
  } finally {
    engine.close();
  }
}

async function cmdExportDbt(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { contract: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' }, 'source-file': { type: 'string' }, workspace: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.contract) throw new UserError('export-dbt needs --contract ID (the contract id of the stream, see: airlock runs).');
  if (!values.out) throw new UserError('export-dbt needs --out DIR (a new or empty folder for the dbt project).');
  const engine = await openEngine(values.workspace ?? DEFAULT_WORKSPACE, [], { create: false });
  try {
    const res = await exportDbt(engine, { contractId: values.contract, runId: values.run, outDir: values.out, sourceFile: values['source-file'] });
    err(`wrote the dbt project of ${res.contractId} ${res.contractVersion} (${res.rules} recipe rule${res.rules === 1 ? '' : 's'}, ${res.files.length} files) to ${res.outDir}`);
    if (values.json) process.stdout.write(`${JSON.stringify(res)}\n`);
    return 0;
  } finally {
    engine.close();
  }
}

async function cmdDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { workspace: { type: 'string' } } });
  const ws = values.workspace ?? DEFAULT_WORKSPACE;
  const { file, contract } = demoPaths();
  err(`demo: running ${file} against ${contract}`);
  const code = await cmdRun([file, '--contract', contract, '--workspace', ws, '--approve-all', '--no-model']);
  if (code !== 0) return code;
  const out = resolve(ws, 'demo-export');
  await cmdExport(['--workspace', ws, '--out', out]);
  const verified = await cmdVerify([resolve(out, 'bundle')]);
  err(`demo: clean data, quarantine and the signed bundle are in ${out}`);
  return verified;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run': return await cmdRun(rest);
      case 'export': return await cmdExport(rest);
      case 'remediate': return await cmdRemediate(rest);
      case 'verify': return await cmdVerify(rest);
      case 'profile': return await cmdProfile(rest);
      case 'replay': return await cmdReplay(rest);
      case 'runs': return await cmdRuns(rest);
      case 'release': return await cmdDecision(rest, 'release');
      case 'reject': return await cmdDecision(rest, 'reject');
      case 'export-dbt': return await cmdExportDbt(rest);
      case 'demo': return await cmdDemo(rest);
      case undefined: case '-h': case '--help': case 'help':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        err(`airlock: unknown command ${JSON.stringify(cmd)}.\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UserError) {
      err(`airlock: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ModelLoadError) {
      err(`airlock: ${e.message}`);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      err(`airlock ${cmd}: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    // A file system that refuses (read-only, full, a file for a folder) is the environment's.
    const fs = fsUserError(e, 'the workspace or output folder');
    if (fs) {
      err(`airlock: ${fs.message}`);
      return 2;
    }
    // DuckDB past its memory budget is the machine's limit: one line, and how to give it more.
    const oom = memoryUserError(e);
    if (oom) {
      err(`airlock: ${oom.message}`);
      return 2;
    }
    // Not a user's mistake: loud, with the stack, so that it gets fixed.
    err(`airlock: internal error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
