// Cell-level changes are made in DuckDB (set operations) and recorded there; this seals them in
// the hash-chained audit log as ONE entry per rule application (rule, proposer, ts): the count
// and the Merkle root of its changes, leaves and tree levels computed in DuckDB (see
// audit/merkle.ts for the definition). The changes themselves, in their audit form, go to the
// stream's append-only audit-cells table, which the bundle ships and `airlock verify` re-hashes.
//
// Personal data. The chain holds no cell value at all. The audit form, which the leaves hash and
// the bundle ships, has the values of the contract's pii columns (and, in other columns, values
// that are e-mails or SSNs) replaced by their keyed token, piiToken() computed in SQL. So the
// proof needs no personal data: an auditor re-hashes exactly the tokens the bundle shows, and a
// token is an HMAC under the workspace secret, so the workspace (pii_tokens) can still show which
// clear value a proven change carried, while nobody else can recover it from the leaf.
import type { Contract } from '../contract/types.js';
import { CELL_CHANGES_KIND, MERKLE_SPEC } from '../audit/merkle.js';
import { auditLeavesSql, protectOtherValues, reduceMerkleLevels } from '../audit/merkleSql.js';
import { queryRows, sqlString } from '../store/duckdb.js';
import { ensureAuditCellsTable, type StreamTables } from '../store/tables.js';
import type { Engine } from './context.js';
import type { PiiKind } from '../contract/types.js';

export async function auditTableChanges(engine: Engine, contract: Contract, runId: string, st: StreamTables, proposer?: string, ruleIds?: string[], ts?: string): Promise<number> {
  const filters = [`run_id = ${sqlString(runId)}`];
  if (proposer) filters.push(`proposer = ${sqlString(proposer)}`);
  if (ruleIds) filters.push(ruleIds.length ? `rule IN (${ruleIds.map(sqlString).join(', ')})` : 'false');
  if (ts) filters.push(`ts = ${sqlString(ts)}`);
  const piiByColumn = new Map(contract.columns.filter((c) => c.pii).map((c) => [c.name, c.pii!]));
  const conn = engine.duck.conn;
  const source = `(SELECT * FROM ${st.changes} WHERE ${filters.join(' AND ')})`;
  const T = process.env.AIRLOCK_AUDIT_TIMING ? (l: string) => console.error(l, Math.round(performance.now() - t0)) : () => {};
  const t0 = performance.now();
  await conn.run(`CREATE OR REPLACE TEMP TABLE _audit_leaves AS ${auditLeavesSql(source, piiByColumn, (v, k) => engine.pii.sqlToken(v, k))}`);
  try {
    await protectOtherValues(conn, '_audit_leaves', (v) => engine.pii.protectValues(v));
    T('leaves');
    const roots = await reduceMerkleLevels(conn, '_audit_leaves');
    T('levels');
    if (roots.length === 0) return 0;
    await registerTokens(engine);
    await ensureAuditCellsTable(conn, st);
    T('tokens');
    // The run id is the entry's own (hashed with it); in the payload too, its date digits would
    // read as a numeric personal value to the bundle's clear-text guard.
    const entries = engine.audit.appendMany(roots.map((g) => ({
      runId,
      kind: CELL_CHANGES_KIND,
      payload: engine.pii.protectIdentifiers({ rule: g.rule, proposer: g.proposer, ts: g.ts, cells: g.cells, columns: g.columns, merkle_root: g.root, merkle: MERKLE_SPEC }),
    })));
    const seqOf = roots.map((g, i) => `(${g.g}, ${entries[i].seq})`).join(', ');
    // Cells at or after the first new seq can only be orphans: a caller's SQLite transaction that
    // wrote their entries rolled back after this DuckDB insert (a durable job's step killed before
    // its record), and SQLite gives those seqs out again. Left, they would join the new entries.
    await conn.run(`DELETE FROM ${st.auditCells} WHERE seq >= ${entries[0].seq}`);
    // An orphan's seq may also have gone to another entry since (the job's 'resumed' stage entry,
    // appended before the step is recorded again): the run's cells are those of its sealed
    // cell_changes entries (these new ones' cells go in below), any other is an orphan.
    const sealed = (engine.sqlite.prepare('SELECT seq FROM audit WHERE run_id = ? AND kind = ? AND seq < ?')
      .all(runId, CELL_CHANGES_KIND, entries[0].seq) as Array<{ seq: number }>).map((e) => Number(e.seq));
    await conn.run(`DELETE FROM ${st.auditCells} WHERE run_id = ${sqlString(runId)}${sealed.length ? ` AND seq NOT IN (${sealed.join(', ')})` : ''}`);
    await conn.run(`INSERT INTO ${st.auditCells}
      SELECT ${sqlString(runId)}, m.seq, l.row_id, l."column", l.old_value, l.new_value, l.reason, l.rule, l.confidence, l.proposer, l.ts, l.leaf
      FROM _audit_leaves l JOIN (VALUES ${seqOf}) m(g, seq) ON m.g = l.g`);
    T('cells');
    return roots.reduce((n, g) => n + g.cells, 0);
  } finally {
    await conn.run('DROP TABLE IF EXISTS _audit_leaves');
  }
}

/** The workspace records every value it tokenised, so that it can answer a data-subject request. */
async function registerTokens(engine: Engine): Promise<void> {
  const rows = await queryRows<{ token: string; kind: PiiKind; value: string }>(engine.duck.conn,
    `SELECT DISTINCT token, kind, value FROM (SELECT old_value AS token, old_kind AS kind, old_raw AS value FROM _audit_leaves
       UNION ALL SELECT new_value, new_kind, new_raw FROM _audit_leaves) WHERE kind IS NOT NULL`);
  engine.pii.recordTokens(rows);
}
