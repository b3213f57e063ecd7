// One quarantined row, opened: its bytes as they arrived with their line, each failed check in
// words, the rows of its key or dependency group side by side, the values its group offers for a
// failing cell, and every change made to it. A handful of queries about this one row; nothing
// reads the table's rows into JavaScript.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { UserError } from '../../contract/errors.js';
import type { Engine } from '../../pipeline/context.js';
import { vaultFileOf } from '../../pipeline/vaultFile.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../../store/duckdb.js';
import { runTables, streamTables } from '../../store/tables.js';
import type { QuarantineRowDetail, RowCandidates, RowGroup } from '../contract.js';
import { parseReasons } from '../quarantineQuery.js';
import { describeCheck } from './checkWords.js';
import { batchKept, groupRows, groupRuleOf } from './groupRows.js';
import { readRawRecord } from './rawRecord.js';
import { rowHistory } from './rowHistory.js';

type Violation = { column: string; reason: string; rule: string; detail: string | null };

export async function quarantineRow(engine: Engine, conn: DuckDBConnection, contract: Contract, runId: string, rowId: number): Promise<QuarantineRowDetail> {
  const st = streamTables(contract);
  const rt = runTables(runId);
  const r = sqlString(runId);
  const columns = contract.columns.map((c) => c.name);
  const [row] = await queryRows<Record<string, string | number | bigint | null>>(conn, `SELECT ${columns.map((c, i) => `${sqlIdent(c)} AS c${i}`).join(', ')},
      _airlock_reasons AS why, _airlock_raw_offset AS off, _airlock_raw_length AS len, _airlock_raw_lineno AS lineno
    FROM ${st.quarantine} WHERE _airlock_run_id = ${r} AND _airlock_row_id = ${rowId}`);
  if (!row) {
    const promoted = Number(await queryValue(conn, `SELECT count(*) FROM ${st.prod} WHERE _airlock_run_id = ${r} AND _airlock_row_id = ${rowId}`));
    throw new UserError(promoted
      ? `row ${rowId} of run ${runId} is no longer in quarantine: it was fixed and promoted to production.`
      : `run ${runId} has no quarantined row ${rowId}. Pick a row in the grid.`);
  }
  const values = columns.map((_, i) => (row[`c${i}`] ?? null) as string | null);
  const reasons = parseReasons(row.why as string | null);
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

  const run = engine.sqlite.prepare('SELECT vault_path FROM runs WHERE run_id = ?').get(runId) as { vault_path: string | null } | undefined;
  const raw = readRawRecord(run?.vault_path ? vaultFileOf(engine.ws, run.vault_path) : null, { offset: num(row.off), length: num(row.len), line: num(row.lineno) });

  const recorded = await queryRows<Violation>(conn, `SELECT "column", reason, rule, detail FROM ${st.violations}
    WHERE run_id = ${r} AND row_id = ${rowId} ORDER BY "column", reason, rule`);
  // A reason the grid shows with no violation recorded (a rejected batch) still gets its words.
  const violations = [...recorded, ...reasons.filter((x) => !recorded.some((v) => v.column === x.column && v.reason === x.reason))
    .map((x): Violation => ({ column: x.column, reason: x.reason, rule: `${x.column}:${x.reason}`, detail: null }))];

  const groups = new Map<string, RowGroup>();
  if (await batchKept(conn, runId)) {
    for (const v of violations) {
      const g = groupRuleOf(contract, v);
      if (g && !groups.has(g.rule)) groups.set(g.rule, await groupRows({ conn, contract, runId, rowId, st, rt }, g));
    }
  }
  const valueOf = (column: string) => values[columns.indexOf(column)] ?? null;
  const checks = violations.map((v) => describeCheck(contract, v, v.column === 'record' || v.column === 'batch' ? null : valueOf(v.column), groups.get(v.rule) ?? null));

  // The engine keeps no ranked candidates once a run is done (the agreed-value rule ranks them
  // while it runs): the values the cell's dependency group holds, with their rows, stand in.
  const candidates: RowCandidates[] = [...groups.values()].filter((g) => g.kind === 'dependency' && g.dependent).map((g) => ({
    column: g.dependent!, source: 'group', determinant: g.key.map((k) => k.column).join('+'),
    note: `the values the other rows of ${g.key.map((k) => `${k.column} ${k.value === null ? 'empty' : JSON.stringify(k.value)}`).join(', ')} hold for ${g.dependent}, most rows first`,
    values: g.values.filter((x) => !x.thisRow).map((x) => ({ value: x.value, count: x.count, share: g.size ? x.count / g.size : 0 })),
  }));

  const history = await rowHistory(conn, engine.sqlite, st, runId, rowId);
  return { runId, rowId, columns, values, reasons, raw, checks, groups: [...groups.values()], candidates, history };
}
