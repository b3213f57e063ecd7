// The review history of a run: every operation the analyst makes on it (approve, reject, edit a
// rule, edit cells, promote) is recorded with what it replaced, so that the last one can be
// undone and the run reverted to any earlier point, exactly. Linear, as in OpenRefine: undoing
// goes back one step; "revert to here" undoes every later step, newest first.
//
// Exact, because each operation keeps a before-image of everything it can change, and undo puts
// it back: the run's proposals and the recipe rules they added (SQLite), the run's summary, and
// for a promotion the run's quarantine rows, violations, cell changes and staged values, with the
// keys of production and history as they stood (DuckDB). Production rows the promotion added go;
// the rows it moved to history come back. Nothing of the audit chain is removed: an undo is an
// audit entry of its own. A run can be undone only while no later run of its stream has written
// to production on top of it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { UserError } from '../contract/errors.js';
import type { Contract } from '../contract/types.js';
import type { Engine } from '../pipeline/context.js';
import { reconcile } from '../pipeline/reconcile.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';
import { runTables, streamTables } from '../store/tables.js';
import { sameKeySql } from '../validate/typedValue.js';

export type OperationKind = 'approve' | 'reject' | 'edit' | 'manual-edit' | 'promote';

export interface Operation {
  opId: string;
  runId: string;
  seq: number;
  kind: OperationKind;
  /** one line for the history panel: "Approved the fix for state" */
  label: string;
  by: string;
  at: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

const SCHEMA = 'undo';
/** The undos whose DuckDB side committed while SQLite's may not have (see restoreData). */
const RESTORED = `${SCHEMA}.restored`;

interface Row { op_id: string; run_id: string; seq: number; kind: string; label: string; by_whom: string; at: string; undone_at: string | null; undone_by: string | null; before_json: string; data_image: number }

const toOp = (r: Row): Operation => ({ opId: r.op_id, runId: r.run_id, seq: r.seq, kind: r.kind as OperationKind, label: r.label, by: r.by_whom, at: r.at, undoneAt: r.undone_at, undoneBy: r.undone_by });

export function listOperations(db: Sqlite, runId: string): Operation[] {
  return (db.prepare('SELECT * FROM operations WHERE run_id = ? ORDER BY seq').all(runId) as Row[]).map(toOp);
}

/** What an operation can change in SQLite, as it stood before it. */
interface SqliteImage {
  proposals: Record<string, unknown>[];
  recipes: Record<string, unknown>[];
  summaryJson: string | null;
  status: string;
}

function sqliteImage(db: Sqlite, runId: string): SqliteImage {
  const run = db.prepare('SELECT summary_json, status FROM runs WHERE run_id = ?').get(runId) as { summary_json: string | null; status: string };
  return {
    proposals: db.prepare('SELECT * FROM proposals WHERE run_id = ? ORDER BY rowid').all(runId) as Record<string, unknown>[],
    recipes: db.prepare('SELECT * FROM recipes WHERE proposal_id IN (SELECT proposal_id FROM proposals WHERE run_id = ?) ORDER BY rowid').all(runId) as Record<string, unknown>[],
    summaryJson: run.summary_json,
    status: run.status,
  };
}

function insertAll(db: Sqlite, table: string, rows: Record<string, unknown>[]): void {
  for (const row of rows) {
    const cols = Object.keys(row);
    db.prepare(`INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]));
  }
}

function restoreSqlite(db: Sqlite, runId: string, image: SqliteImage): void {
  db.prepare('DELETE FROM recipes WHERE proposal_id IN (SELECT proposal_id FROM proposals WHERE run_id = ?)').run(runId);
  db.prepare('DELETE FROM proposals WHERE run_id = ?').run(runId);
  insertAll(db, 'proposals', image.proposals);
  insertAll(db, 'recipes', image.recipes);
  db.prepare('UPDATE runs SET summary_json = ?, status = ? WHERE run_id = ?').run(image.summaryJson, image.status, runId);
}

/** The before-image tables of a data-changing operation, in the `undo` schema. */
function imageTables(opId: string) {
  const t = (part: string) => `${SCHEMA}.${sqlIdent(`${opId}__${part}`)}`;
  return { quarantine: t('quarantine'), violations: t('violations'), changes: t('changes'), stage: t('stage'), prodKeys: t('prod_keys'), historyKeys: t('history_keys') };
}

async function takeDataImage(conn: DuckDBConnection, contract: Contract, runId: string, opId: string): Promise<void> {
  const st = streamTables(contract);
  const rt = runTables(runId);
  const im = imageTables(opId);
  const r = sqlString(runId);
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await conn.run(`CREATE TABLE ${im.quarantine} AS SELECT * FROM ${st.quarantine} WHERE _airlock_run_id = ${r}`);
  await conn.run(`CREATE TABLE ${im.violations} AS SELECT * FROM ${st.violations} WHERE run_id = ${r}`);
  await conn.run(`CREATE TABLE ${im.changes} AS SELECT * FROM ${st.changes} WHERE run_id = ${r}`);
  // A promotion changes staged values only of rows still in quarantine.
  await conn.run(`CREATE TABLE ${im.stage} AS SELECT * FROM ${rt.stage} WHERE _airlock_row_id IN (SELECT _airlock_row_id FROM ${im.quarantine})`);
  await conn.run(`CREATE TABLE ${im.prodKeys} AS SELECT _airlock_row_id FROM ${st.prod} WHERE _airlock_run_id = ${r}`);
  await conn.run(`CREATE TABLE ${im.historyKeys} AS SELECT _airlock_run_id, _airlock_row_id FROM ${st.history} WHERE _airlock_superseded_by = ${r}`);
}

async function dropDataImage(conn: DuckDBConnection, opId: string): Promise<void> {
  for (const t of Object.values(imageTables(opId))) await conn.run(`DROP TABLE IF EXISTS ${t}`);
}

async function restoreData(conn: DuckDBConnection, contract: Contract, runId: string, opId: string): Promise<void> {
  const st = streamTables(contract);
  const rt = runTables(runId);
  const im = imageTables(opId);
  const r = sqlString(runId);
  const cols = [...contract.columns.map((c) => sqlIdent(c.name)), '_airlock_row_id', '_airlock_run_id', '_airlock_row_hash'].join(', ');
  await ensureRestoredTable(conn);
  await conn.run('BEGIN TRANSACTION');
  try {
    // Written in the same transaction as the data: if the process dies before SQLite's side of
    // the undo commits, the next engine finds the mark and finishes the undo (finishInterruptedUndos).
    await conn.run(`INSERT OR REPLACE INTO ${RESTORED} VALUES (${sqlString(opId)}, ${sqlString(nowIso())})`);
    // production: the rows the operation added go, the rows it moved to history come back
    await conn.run(`DELETE FROM ${st.prod} WHERE _airlock_run_id = ${r} AND _airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${im.prodKeys})`);
    // Never a row whose key production still holds: the undo of an earlier run can relink to
    // this run, after this image was taken, a row its fast lane had already superseded
    // (promote.ts undoRun); putting it back would hold the key twice.
    const pk = contract.columns.filter((c) => c.primaryKey);
    const held = pk.length ? ` AND NOT EXISTS (SELECT 1 FROM ${st.prod} p WHERE ${sameKeySql(pk, 'p', 'h')})` : '';
    await conn.run(`CREATE OR REPLACE TEMP TABLE _undo_back AS SELECT h.* FROM ${st.history} h
      WHERE h._airlock_superseded_by = ${r} AND NOT EXISTS (SELECT 1 FROM ${im.historyKeys} k WHERE k._airlock_run_id = h._airlock_run_id AND k._airlock_row_id = h._airlock_row_id)${held}`);
    await conn.run(`INSERT INTO ${st.prod} (${cols}) SELECT ${cols} FROM _undo_back`);
    await conn.run(`DELETE FROM ${st.history} h WHERE h._airlock_superseded_by = ${r}
      AND EXISTS (SELECT 1 FROM _undo_back b WHERE b._airlock_run_id = h._airlock_run_id AND b._airlock_row_id = h._airlock_row_id)`);
    await conn.run('DROP TABLE _undo_back');
    // the run's quarantine, violations and cell changes exactly as they stood
    await conn.run(`DELETE FROM ${st.quarantine} WHERE _airlock_run_id = ${r}`);
    await conn.run(`INSERT INTO ${st.quarantine} SELECT * FROM ${im.quarantine}`);
    await conn.run(`DELETE FROM ${st.violations} WHERE run_id = ${r}`);
    await conn.run(`INSERT INTO ${st.violations} SELECT * FROM ${im.violations}`);
    await conn.run(`DELETE FROM ${st.changes} WHERE run_id = ${r}`);
    await conn.run(`INSERT INTO ${st.changes} SELECT * FROM ${im.changes}`);
    await conn.run(`DELETE FROM ${rt.stage} WHERE _airlock_row_id IN (SELECT _airlock_row_id FROM ${im.stage})`);
    await conn.run(`INSERT INTO ${rt.stage} SELECT * FROM ${im.stage}`);
    const rec = await reconcile(conn, runId, 'undo', st, rt);
    if (!rec.ok) throw new Error(`Sev-1: the run ${runId} would not reconcile after the undo (${JSON.stringify(rec)}); nothing was changed`);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK');
    throw e;
  }
}

/** The later runs of the same stream that wrote to production (an undo would fight them). */
function laterWriters(db: Sqlite, runId: string): string[] {
  const me = db.prepare('SELECT table_name, started_at FROM runs WHERE run_id = ?').get(runId) as { table_name: string; started_at: string } | undefined;
  if (!me) throw new UserError(`run ${runId} is not in this workspace.`);
  return (db.prepare(`SELECT run_id FROM runs WHERE table_name = ? AND run_id <> ? AND started_at > ?
      AND (status IN ('completed', 'held', 'running')
        -- a failed run whose own process could not undo it still has its rows in production (recover.ts)
        OR (status = 'failed' AND (CASE WHEN json_valid(options_json) THEN json_extract(options_json, '$.undoPending') END) IS NOT NULL))
      ORDER BY started_at`)
    .all(me.table_name, runId, me.started_at) as Array<{ run_id: string }>).map((r) => r.run_id);
}

/**
 * Runs `fn` as one recorded operation of the run's history. `dataChanging` operations (a
 * promotion) keep a before-image of the run's data too. When `fn` fails nothing is recorded, and
 * what it changed of the run is put back.
 */
export async function recordOperation<T>(
  engine: Engine, contract: Contract, runId: string, op: { kind: OperationKind; label: string | ((out: T) => string); by: string; dataChanging: boolean }, fn: () => Promise<T>,
): Promise<T> {
  const db = engine.sqlite;
  // An undo cut short in this process is finished before a newer step is recorded over it:
  // finished later, its before-image would overwrite what the newer step did.
  await finishInterruptedUndos(engine);
  const seq = Number((db.prepare('SELECT coalesce(max(seq), 0) AS s FROM operations WHERE run_id = ?').get(runId) as { s: number }).s) + 1;
  const opId = `op_${createHash('sha256').update(`${runId}\u0000${seq}\u0000${nowIso()}`).digest('hex').slice(0, 16)}`;
  const before = sqliteImage(db, runId);
  if (op.dataChanging) await takeDataImage(engine.duck.conn, contract, runId, opId);
  let out: T;
  try {
    out = await fn();
  } catch (e) {
    // What the operation wrote before it failed is put back from its before-image, in both
    // stores, so that a failure leaves the run as it was (nothing recorded, nothing half-done).
    if (op.dataChanging) {
      try { await engine.duck.conn.run('ROLLBACK'); } catch { /* no transaction was left open */ }
      try {
        await restoreData(engine.duck.conn, contract, runId, opId);
      } catch (restore) {
        throw new Error(`Sev-1: ${op.label instanceof Function ? op.kind : op.label} of run ${runId} failed (${(e as Error).message}) and could not be put back (${(restore as Error).message}); its before-image is kept as ${opId}`);
      }
    }
    db.transaction(() => restoreSqlite(db, runId, before))();
    if (op.dataChanging) await forgetDataImage(engine.duck.conn, opId);
    throw e;
  }
  // Operations undone earlier are past: a new step after an undo starts a new branch, as in
  // OpenRefine, and the undone steps can no longer be redone.
  db.prepare('INSERT INTO operations (op_id, run_id, seq, kind, label, by_whom, at, undone_at, undone_by, before_json, data_image) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)')
    .run(opId, runId, seq, op.kind, typeof op.label === 'string' ? op.label : op.label(out), op.by, nowIso(), JSON.stringify(before), op.dataChanging ? 1 : 0);
  return out;
}

async function undoOne(engine: Engine, contract: Contract, row: Row, by: string): Promise<void> {
  const db = engine.sqlite;
  const at = nowIso();
  // SQLite's part is written first and committed only once DuckDB's is: a failure on either side
  // (an audit entry refused, a reconcile that fails) leaves both stores as they were.
  db.exec('BEGIN IMMEDIATE');
  try {
    restoreSqlite(db, row.run_id, JSON.parse(row.before_json) as SqliteImage);
    db.prepare('UPDATE operations SET undone_at = ?, undone_by = ? WHERE op_id = ?').run(at, by, row.op_id);
    engine.audit.append({ runId: row.run_id, kind: 'undo', payload: { operation: row.op_id, seq: row.seq, kind: row.kind, label: row.label, by, at } });
    if (row.data_image === 2) throw new UserError(`"${row.label}" of run ${row.run_id} is final: its before-image was dropped, so it can no longer be undone.`);
    if (row.data_image) await restoreData(engine.duck.conn, contract, row.run_id, row.op_id);
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
  if (row.data_image) await forgetDataImage(engine.duck.conn, row.op_id);
}

/** The marks table (schema and all): workspaces from before it existed get it on first use. */
async function ensureRestoredTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${RESTORED} (op_id VARCHAR PRIMARY KEY, marked_at VARCHAR)`);
}

async function forgetDataImage(conn: DuckDBConnection, opId: string): Promise<void> {
  await dropDataImage(conn, opId);
  await ensureRestoredTable(conn);
  await conn.run(`DELETE FROM ${RESTORED} WHERE op_id = ${sqlString(opId)}`);
}

/**
 * Finishes every undo whose data was put back in DuckDB but whose SQLite side (the run's
 * proposals, recipe rules, summary, the operation marked undone, its audit entry) never
 * committed: the process died, or SQLite refused the commit, in between. The data is already as
 * before the operation; SQLite is brought to the same point. Returns the operations finished.
 */
export async function finishInterruptedUndos(engine: Engine): Promise<string[]> {
  const conn = engine.duck.conn;
  const has = await queryValue<bigint>(conn, `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${SCHEMA}' AND table_name = 'restored'`);
  if (Number(has) === 0) return [];
  const marks = await queryRows<{ op_id: string }>(conn, `SELECT op_id FROM ${RESTORED} ORDER BY marked_at`);
  const db = engine.sqlite;
  const finished: string[] = [];
  for (const { op_id } of marks) {
    const row = db.prepare('SELECT * FROM operations WHERE op_id = ?').get(op_id) as Row | undefined;
    if (row && row.undone_at === null) {
      const at = nowIso();
      db.transaction(() => {
        restoreSqlite(db, row.run_id, JSON.parse(row.before_json) as SqliteImage);
        db.prepare('UPDATE operations SET undone_at = ?, undone_by = ? WHERE op_id = ?').run(at, 'recovery', row.op_id);
        engine.audit.append({ runId: row.run_id, kind: 'undo', payload: { operation: row.op_id, seq: row.seq, kind: row.kind, label: row.label, by: 'recovery', at, finished: 'its data was already put back; the run\'s records were brought to the same point' } });
      })();
      finished.push(op_id);
    }
    await forgetDataImage(conn, op_id);
  }
  return finished;
}

function openOps(db: Sqlite, runId: string): Row[] {
  return db.prepare('SELECT * FROM operations WHERE run_id = ? AND undone_at IS NULL ORDER BY seq DESC').all(runId) as Row[];
}

/**
 * Every later run of the stream that wrote to production. A later run's status is not the whole
 * story: one marked failed after its promotion (a release whose final count did not balance)
 * still has rows in production, so for the others the data says.
 */
async function laterWritersInData(engine: Engine, contract: Contract, runId: string): Promise<string[]> {
  const db = engine.sqlite;
  const later = laterWriters(db, runId);
  if (later.length > 0) return later;
  const me = db.prepare('SELECT table_name, started_at FROM runs WHERE run_id = ?').get(runId) as { table_name: string; started_at: string };
  const others = (db.prepare('SELECT run_id FROM runs WHERE table_name = ? AND run_id <> ? AND started_at > ? ORDER BY started_at')
    .all(me.table_name, runId, me.started_at) as Array<{ run_id: string }>).map((r) => r.run_id);
  if (others.length === 0) return [];
  const st = streamTables(contract);
  const list = others.map(sqlString).join(', ');
  const wrote = new Set((await queryRows<{ r: string }>(engine.duck.conn, `SELECT DISTINCT _airlock_run_id AS r FROM ${st.prod} WHERE _airlock_run_id IN (${list})
    UNION SELECT DISTINCT _airlock_superseded_by AS r FROM ${st.history} WHERE _airlock_superseded_by IN (${list})`)).map((x) => x.r));
  return others.filter((r) => wrote.has(r));
}

async function refuseIfLaterRuns(engine: Engine, contract: Contract, runId: string): Promise<void> {
  const later = await laterWritersInData(engine, contract, runId);
  if (later.length > 0) throw new UserError(`run ${later[later.length - 1]} of the same stream has written to production since ${runId}: its review can no longer be undone.`);
}

/**
 * A step taken while the run was held is final once the batch was released or rejected (undoing
 * it would put "held" back over what the release promoted): the run's status must still be the
 * one the step saw. No review step changes the status itself.
 */
function refuseIfDecidedSince(db: Sqlite, runId: string, ops: Row[]): void {
  const now = (db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string }).status;
  for (const o of ops) {
    const was = (JSON.parse(o.before_json) as SqliteImage).status;
    if (was === now) continue;
    const what = was === 'held' && now === 'rejected' ? 'rejected' : was === 'held' ? `released (it is now ${now})` : `${now} (it was ${was})`;
    throw new UserError(`run ${runId} was ${what} after "${o.label}": its review can no longer be undone.`);
  }
}

/** Whether the run's open operations can still be undone: the history panel offers undo only then. */
export async function undoBlocked(engine: Engine, contract: Contract, runId: string): Promise<Set<string>> {
  const db = engine.sqlite;
  const open = openOps(db, runId);
  if (open.length === 0) return new Set();
  // the same test undo itself applies, so that the panel never offers an undo it would refuse
  if ((await laterWritersInData(engine, contract, runId)).length > 0) return new Set(open.map((o) => o.op_id));
  const blocked = new Set<string>();
  // newest first: a step is undone only after every later one, so one final step makes all before it final
  for (const o of open) {
    if (blocked.size === 0) {
      try { refuseIfDecidedSince(db, runId, [o]); } catch { blocked.add(o.op_id); }
    } else blocked.add(o.op_id);
  }
  return blocked;
}

/**
 * Drops the before-images no undo can use any more: those of runs a later run of the stream has
 * written on top of, or whose held batch was released or rejected since (undo refuses both, and
 * neither can be taken back). A promotion's image holds a copy of the run's quarantine, so
 * keeping them would grow the workspace with every reviewed file. Returns the operations pruned.
 */
export async function pruneFinalImages(engine: Engine): Promise<string[]> {
  const db = engine.sqlite;
  const rows = db.prepare('SELECT * FROM operations WHERE data_image = 1 AND undone_at IS NULL ORDER BY run_id, seq').all() as Row[];
  const pruned: string[] = [];
  for (const row of rows) {
    // Only a completed later run is for good: a running or held one may still be undone or rejected.
    let final = laterWriters(db, row.run_id).some((r) => (db.prepare('SELECT status FROM runs WHERE run_id = ?').get(r) as { status: string }).status === 'completed');
    if (!final) {
      try { refuseIfDecidedSince(db, row.run_id, [row]); } catch { final = true; }
    }
    if (!final) continue;
    await forgetDataImage(engine.duck.conn, row.op_id);
    // 2: its image was dropped because the step is final (undo is refused before it would look)
    db.prepare('UPDATE operations SET data_image = 2 WHERE op_id = ?').run(row.op_id);
    pruned.push(row.op_id);
  }
  return pruned;
}

/** Undoes the run's latest operation not yet undone; returns it. */
export async function undoLast(engine: Engine, contract: Contract, runId: string, by: string): Promise<Operation> {
  const [last] = openOps(engine.sqlite, runId);
  if (!last) throw new UserError(`run ${runId} has nothing to undo.`);
  await refuseIfLaterRuns(engine, contract, runId);
  refuseIfDecidedSince(engine.sqlite, runId, [last]);
  await undoOne(engine, contract, last, by);
  return toOp(engine.sqlite.prepare('SELECT * FROM operations WHERE op_id = ?').get(last.op_id) as Row);
}

/**
 * Reverts the run to just after operation `opId` (every later operation undone, newest first),
 * or to before its first operation with `opId` null. Returns how many operations were undone.
 */
export async function revertTo(engine: Engine, contract: Contract, runId: string, opId: string | null, by: string): Promise<number> {
  const open = openOps(engine.sqlite, runId);
  let target = 0;
  if (opId !== null) {
    const op = engine.sqlite.prepare('SELECT * FROM operations WHERE op_id = ? AND run_id = ?').get(opId, runId) as Row | undefined;
    if (!op) throw new UserError(`operation ${opId} is not part of run ${runId}.`);
    if (op.undone_at) throw new UserError(`operation ${opId} was undone already: pick a step that is still in effect.`);
    target = op.seq;
  }
  const todo = open.filter((o) => o.seq > target);
  if (todo.length > 0) await refuseIfLaterRuns(engine, contract, runId);
  refuseIfDecidedSince(engine.sqlite, runId, todo);
  for (const o of todo) await undoOne(engine, contract, o, by);
  return todo.length;
}

/** Counts the before-image tables left in the undo schema (for tests: none outlives its operation's undo). */
export async function imageTableCount(conn: DuckDBConnection): Promise<number> {
  return Number(await queryValue(conn, `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${SCHEMA}' AND table_name <> 'restored'`));
}
