// Tools of the crash-safety proof: a digest of a workspace's stream tables that names runs by
// role (so two workspaces that did the same work compare equal), leftovers of a run anywhere in
// the database, vault integrity, and a watcher that follows a running command line's stages
// through its SQLite store (WAL mode: reading never blocks the writer).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Contract } from '../../../main/contract/types.js';
import type { Engine } from '../../../main/pipeline/context.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../../../main/store/duckdb.js';
import { streamTables } from '../../../main/store/tables.js';

/** Run ids replaced by role names; any other run id shows up as OTHER. */
export type Roles = Record<string, string>;

function roleSql(column: string, roles: Roles): string {
  const whens = Object.entries(roles).map(([id, role]) => `WHEN ${sqlString(id)} THEN ${sqlString(role)}`).join(' ');
  return `(CASE ${column} ${whens} ELSE 'OTHER:' || coalesce(${column}, 'null') END)`;
}

/** Order-independent digest and row count of `rows` (a relation), over the given expressions. */
async function digest(engine: Engine, rows: string, exprs: string[]): Promise<{ rows: number; md5: string }> {
  const [r] = await queryRows<{ n: number; d: string | null }>(engine.duck.conn,
    `SELECT count(*) AS n, md5(string_agg(h, '' ORDER BY h)) AS d FROM (SELECT md5(concat_ws(chr(31), ${exprs.map((e) => `coalesce(CAST(${e} AS VARCHAR), chr(0))`).join(', ')})) AS h FROM ${rows})`);
  return { rows: Number(r.n), md5: r.d ?? '' };
}

/** The stream's data, with run ids named by role: production, history, quarantine, duplicates. */
export async function streamDigest(engine: Engine, contract: Contract, roles: Roles): Promise<Record<string, { rows: number; md5: string }>> {
  const st = streamTables(contract);
  const cols = contract.columns.map((c) => sqlIdent(c.name));
  return {
    prod: await digest(engine, st.prod, [...cols, '_airlock_row_id', '_airlock_row_hash', roleSql('_airlock_run_id', roles)]),
    history: await digest(engine, st.history, [...cols, '_airlock_row_id', '_airlock_row_hash', roleSql('_airlock_run_id', roles), roleSql('_airlock_superseded_by', roles)]),
    quarantine: await digest(engine, st.quarantine, [...cols, '_airlock_row_id', '_airlock_reasons', '_airlock_raw_line', roleSql('_airlock_run_id', roles)]),
    violations: await digest(engine, st.violations, ['row_id', '"column"', 'reason', 'rule', 'detail', roleSql('run_id', roles)]),
    duplicates: await digest(engine, st.duplicates, ['row_id', 'row_hash', 'first_row_id', roleSql('run_id', roles), roleSql('first_run_id', roles)]),
  };
}

/** Every table of the DuckDB database holding a row of `runId`, or named after it. */
export async function leftoversOf(engine: Engine, runId: string): Promise<string[]> {
  const out: string[] = [];
  const tables = await queryRows<{ schema: string; name: string }>(engine.duck.conn,
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE'");
  const safe = runId.replace(/[^A-Za-z0-9_]/g, '_');
  for (const t of tables) {
    if (t.name.includes(safe)) {
      out.push(`${t.schema}.${t.name} (its staging table)`);
      continue;
    }
    const cols = (await queryRows<{ c: string }>(engine.duck.conn,
      `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = ${sqlString(t.schema)} AND table_name = ${sqlString(t.name)}
       AND column_name IN ('run_id', '_airlock_run_id', '_airlock_superseded_by', 'first_run_id')`)).map((r) => r.c);
    for (const c of cols) {
      const n = Number(await queryValue(engine.duck.conn, `SELECT count(*) FROM ${sqlIdent(t.schema)}.${sqlIdent(t.name)} WHERE ${sqlIdent(c)} = ${sqlString(runId)}`));
      if (n > 0) out.push(`${t.schema}.${t.name}.${c}: ${n} rows`);
    }
  }
  return out;
}

export interface VaultCheck {
  entries: string[];
  /** files named as an entry whose content does not hash to the name */
  corrupt: string[];
  /** leftovers of an interrupted copy (never named as an entry) */
  incoming: string[];
}

/** Every vault entry is complete: its bytes hash to its name. */
export function checkVault(vaultDir: string): VaultCheck {
  const res: VaultCheck = { entries: [], corrupt: [], incoming: [] };
  for (const name of readdirSync(vaultDir)) {
    if (name.startsWith('.incoming-')) {
      res.incoming.push(name);
      continue;
    }
    res.entries.push(name);
    const sha = createHash('sha256').update(readFileSync(join(vaultDir, name))).digest('hex');
    if (!name.startsWith(`${sha}.`) || (statSync(join(vaultDir, name)).mode & 0o222) !== 0) res.corrupt.push(name);
  }
  return res;
}

export interface RunProgress {
  runId: string | null;
  status: string | null;
  stages: { stage: string; started: boolean; finished: boolean }[];
}

/** Reads a workspace's run and stage rows while another process writes them. */
export class StageWatcher {
  private readonly db: Database.Database;
  private readonly runStmt;
  private readonly stageStmt;

  constructor(sqlitePath: string, private readonly known: Set<string>) {
    this.db = new Database(sqlitePath, { fileMustExist: true });
    this.runStmt = this.db.prepare('SELECT run_id, status FROM runs ORDER BY started_at');
    this.stageStmt = this.db.prepare('SELECT stage, started_at, finished_at FROM stages WHERE run_id = ? ORDER BY started_at');
  }

  /** The newest run not in `known` (the one the watched process started), with its stages. */
  read(): RunProgress {
    const runs = (this.runStmt.all() as { run_id: string; status: string }[]).filter((r) => !this.known.has(r.run_id));
    const run = runs.at(-1);
    if (!run) return { runId: null, status: null, stages: [] };
    const stages = (this.stageStmt.all(run.run_id) as { stage: string; started_at: string; finished_at: string | null }[])
      .map((s) => ({ stage: s.stage, started: true, finished: s.finished_at !== null }));
    return { runId: run.run_id, status: run.status, stages };
  }

  statusOf(runId: string): string | null {
    return (this.db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined)?.status ?? null;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Where a killed run was, from its rows: before it registered, inside a stage, or between two.
 * `lastLine` is the last progress line the process printed (remediation's own steps).
 */
export function stageAtKill(p: RunProgress, lastLine: string): string {
  if (!p.runId) return 'startup';
  // 'remediating': the fast lane is promoted and the remediation job is at work (remediate/job.ts)
  if (p.status !== 'running' && p.status !== 'remediating') return 'after-finish';
  const open = p.stages.find((s) => !s.finished);
  if (open) {
    if (open.stage !== 'remediate') return open.stage;
    const m = /^\[(cluster|propose|verify|apply|done)\]/.exec(lastLine);
    return `remediate:${m ? m[1] : 'start'}`;
  }
  const last = p.stages.at(-1);
  if (!last) return 'ingest';
  return { ingest: 'ingest→validate', validate: 'gates', promote: 'promote→remediate', remediate: 'finish' }[last.stage] ?? `after-${last.stage}`;
}
