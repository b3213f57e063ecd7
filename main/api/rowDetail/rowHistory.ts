// Every change to one row, from the three places that record one: the stream's change table
// (each cell a rule or a normalisation changed, with the rule and who proposed it), the
// audited cells the hash-chained log seals (one cell_changes entry per rule application, whose
// Merkle root covers the cell; personal data tokenized), and the analyst's manual edits that name
// the row (proposed, approved or rejected). Each is one query. Runs audited before December 2026
// hold one cell_change entry per cell in the log itself, read here too.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Sqlite } from '../../store/sqlite.js';
import { queryRows, sqlString } from '../../store/duckdb.js';
import type { StreamTables } from '../../store/tables.js';
import type { RowHistoryEntry } from '../contract.js';

const q = (v: string | null) => (v === null ? 'empty' : JSON.stringify(v));

export async function rowHistory(conn: DuckDBConnection, sqlite: Sqlite, st: StreamTables, runId: string, rowId: number): Promise<RowHistoryEntry[]> {
  type Change = { column: string; old_value: string | null; new_value: string | null; reason: string; rule: string; confidence: number; proposer: string; ts: string };
  const changes = await queryRows<Change>(conn, `SELECT "column", old_value, new_value, reason, rule, confidence, proposer, ts FROM ${st.changes}
    WHERE run_id = ${sqlString(runId)} AND row_id = ${rowId} ORDER BY ts, "column"`);
  type Audit = { seq: number; ts: string; col: string | null; old: string | null; new: string | null; rule: string | null; version: string | null };
  const sealed = await queryRows<Audit>(conn, `SELECT seq, ts, "column" AS col, old_value AS old, new_value AS new, rule, proposer AS version FROM ${st.auditCells}
    WHERE run_id = ${sqlString(runId)} AND row_id = ${rowId} ORDER BY seq, "column"`);
  const older = sqlite.prepare(`SELECT seq, ts, json_extract(payload, '$.column') AS col, json_extract(payload, '$.old') AS old,
      json_extract(payload, '$.new') AS new, json_extract(payload, '$.rule') AS rule, json_extract(payload, '$.version') AS version
    FROM audit WHERE run_id = ? AND kind = 'cell_change' AND json_extract(payload, '$.row_id') = ? ORDER BY seq`).all(runId, rowId) as Audit[];
  const audit = [...older, ...sealed];
  type Manual = { proposal_id: string; status: string; column_name: string; value: string | null; decided_by: string | null; created_at: string; decided_at: string | null };
  const manual = sqlite.prepare(`SELECT p.proposal_id, p.status, p.column_name, json_extract(c.value, '$.value') AS value, p.decided_by, p.created_at, p.decided_at
    FROM proposals p, json_each(p.rule_json, '$.op.cells') c
    WHERE p.run_id = ? AND json_extract(p.rule_json, '$.op.kind') = 'manual' AND json_extract(c.value, '$.rowId') = ? ORDER BY p.created_at`).all(runId, rowId) as Manual[];
  const out: RowHistoryEntry[] = [
    ...changes.map((c): RowHistoryEntry => ({
      ts: c.ts, source: 'change', column: c.column, before: c.old_value, after: c.new_value, rule: c.rule,
      what: c.rule === 'missing-token-to-null'
        ? `${c.column} ${q(c.old_value)} read as no value (a missing-value token), for validation only: quarantine keeps it as it arrived`
        : `${c.column} ${q(c.old_value)} → ${q(c.new_value)} by rule ${c.rule} (${c.proposer}, confidence ${Number(c.confidence).toFixed(2)}) for ${c.reason}`,
    })),
    ...audit.map((a): RowHistoryEntry => ({
      ts: a.ts, source: 'audit', column: a.col, before: a.old, after: a.new, rule: a.rule, seq: Number(a.seq),
      what: `audit #${a.seq}: ${a.col ?? '?'} ${q(a.old)} → ${q(a.new)} recorded (rule ${a.rule ?? '?'}${a.version ? `, ${a.version}` : ''})`,
    })),
    ...manual.map((m): RowHistoryEntry => ({
      ts: m.decided_at ?? m.created_at, source: 'manual', column: m.column_name, before: null, after: m.value, rule: m.proposal_id,
      what: `manual edit ${m.proposal_id}: ${m.column_name} set to ${q(m.value)} by hand, ${m.status}${m.decided_by ? ` by ${m.decided_by}` : ''}`,
    })),
  ];
  return out.sort((a, b) => a.ts.localeCompare(b.ts) || (a.seq ?? 0) - (b.seq ?? 0));
}
