// One quarantined row, opened: its bytes as they arrived with their line, each failed check in
// words, the rows of its key or dependency group side by side, the engine's ranked candidates for
// a cell that breaks a dependency, and every change made to it. A handful of queries about this one row; nothing
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
import { voteCandidates } from './voteCandidates.js';

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

  // The engine keeps no candidates once a run is done: the agreed-value vote is counted again for
  // each cell that breaks a dependency; a column no rule votes on shows its group's values.
  const candidates: RowCandidates[] = [];
  const fdColumns = [...new Set([...groups.values()].filter((g) => g.kind === 'dependency').map((g) => g.dependent!))];
  for (const column of fdColumns) {
    const voted = await voteCandidates({ conn, contract, runId, rowId, st, rt }, column);
    candidates.push(...(voted.length ? voted : [...groups.values()].filter((g) => g.dependent === column).map((g) => groupCandidates(g))));
  }

  const history = await rowHistory(conn, engine.sqlite, st, runId, rowId);
  return { runId, rowId, columns, values, reasons, raw, checks, groups: [...groups.values()], candidates, history };
}

/** A group's other values as candidates, most rows first (no vote: no rule covers the column). */
function groupCandidates(g: RowGroup): RowCandidates {
  const others = g.values.filter((x) => !x.thisRow);
  return {
    column: g.dependent!, source: 'group', determinant: g.key.map((k) => k.column).join('+'), decision: null,
    note: `the values the other rows of ${g.key.map((k) => `${k.column} ${k.value === null ? 'empty' : JSON.stringify(k.value)}`).join(', ')} hold for ${g.dependent}, most rows first`,
    values: others.map((x, i) => ({ value: x.value, count: x.count, share: g.size ? x.count / g.size : 0, rank: i + 1, winner: false })),
  };
}
