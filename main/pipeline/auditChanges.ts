// Cell-level changes are made in DuckDB (set operations) and recorded there; this copies the
// changes of one rule or proposer into the hash-chained audit log, one entry per cell, with
// personal data replaced by keyed tokens before it is written.
import type { Contract } from '../contract/types.js';
import type { CellChange } from '../audit/log.js';
import { queryRows, sqlString } from '../store/duckdb.js';
import type { StreamTables } from '../store/tables.js';
import type { Engine } from './context.js';

export async function auditTableChanges(engine: Engine, contract: Contract, runId: string, st: StreamTables, proposer?: string, ruleIds?: string[], ts?: string): Promise<number> {
  const filters = [`run_id = ${sqlString(runId)}`];
  if (proposer) filters.push(`proposer = ${sqlString(proposer)}`);
  if (ruleIds) filters.push(ruleIds.length ? `rule IN (${ruleIds.map(sqlString).join(', ')})` : 'false');
  if (ts) filters.push(`ts = ${sqlString(ts)}`);
  const piiByColumn = new Map(contract.columns.filter((c) => c.pii).map((c) => [c.name, c.pii!]));
  type Row = { row_id: number; column: string; old_value: string | null; new_value: string | null; reason: string; rule: string; confidence: number; proposer: string; ts: string };
  // Pages of changes, keyset-ordered, so that memory stays flat however many cells changed.
  let total = 0;
  let after: { row: number; column: string } | null = null;
  for (;;) {
    const page: Row[] = await queryRows<Row>(engine.duck.conn,
      `SELECT row_id, "column", old_value, new_value, reason, rule, confidence, proposer, ts FROM ${st.changes}
       WHERE ${filters.join(' AND ')}${after ? ` AND (row_id, "column") > (${after.row}, ${sqlString(after.column)})` : ''}
       ORDER BY row_id, "column" LIMIT ${PAGE}`);
    if (page.length === 0) break;
    const changes: CellChange[] = engine.pii.protectChanges(page.map((r) => ({
      row_id: Number(r.row_id), column: r.column, old: r.old_value, new: r.new_value, reason: r.reason,
      confidence: Number(r.confidence), rule: r.rule, version: r.proposer, timestamp: r.ts,
    })), piiByColumn);
    total += engine.audit.appendCellChanges(runId, changes);
    const last = page[page.length - 1];
    after = { row: Number(last.row_id), column: last.column };
    if (page.length < PAGE) break;
  }
  return total;
}

const PAGE = 50_000;
