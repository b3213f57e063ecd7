// The engine's own ranked candidates for a cell that breaks a dependency: the agreed-value rule's
// vote (remediate/rules/compileAgreedValue.ts), run over this row's groups only, as the batch now
// stands. Passing rows outvote quarantined ones, only valid values vote, a winner needs support
// and a margin, a row whose determinant looks wrong is not repaired through it. Nothing is stored
// after a run, so the vote is counted again here, in DuckDB, on a connection of its own.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../../store/duckdb.js';
import type { RunTables, StreamTables } from '../../store/tables.js';
import { batchRows } from '../../remediate/context.js';
import { agreedValueRuleFor } from '../../remediate/strategies/fdAgreedValue.js';
import { agreedValueTables, decisionSql, determinantKeySql, withAgreedValueTables } from '../../remediate/rules/compileAgreedValue.js';
import type { CompileContext } from '../../remediate/rules/compileRule.js';
import type { RowCandidates } from '../contract.js';

const EVIDENCE = '_airlock_row_panel_evidence';

export interface VoteScope {
  conn: DuckDBConnection;
  contract: Contract;
  runId: string;
  rowId: number;
  st: StreamTables;
  rt: RunTables;
}

export async function voteCandidates(s: VoteScope, column: string): Promise<RowCandidates[]> {
  const rule = agreedValueRuleFor(s.contract, column);
  if (!rule) return [];
  const r = sqlString(s.runId);
  const base: CompileContext = { contract: s.contract, runId: s.runId };
  const cols = s.contract.columns.map((c) => `u.${sqlIdent(c.name)}`).join(', ');
  const batch = batchRows({ contract: s.contract, runId: s.runId, st: s.st, rt: s.rt });
  // A group's vote reads only its own rows (truth discovery over sources reads them all), so
  // the evidence is the rows sharing a determinant with this one, with earlier runs' production
  // rows as remediation counts them (only text columns are evidence as stored).
  const near = (alias: string) => (rule.sourceColumn ? 'TRUE' : `(${rule.determinants.map((det) => `${determinantKeySql(base, det, alias)} = ${determinantKeySql(base, det, 'me')}`).join(' OR ')})`);
  const prodCols = s.contract.columns.map((c) => `${c.logicalType === 'string' ? `CAST(p.${sqlIdent(c.name)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)'} AS ${sqlIdent(c.name)}`).join(', ');
  await s.conn.run(`CREATE OR REPLACE TEMP TABLE ${EVIDENCE} AS
    WITH me AS (SELECT * FROM ${batch} x WHERE x._airlock_row_id = ${s.rowId})
    SELECT ${cols}, u._airlock_row_id, u._airlock_row_id NOT IN (SELECT _airlock_row_id FROM ${s.st.quarantine} WHERE _airlock_run_id = ${r}) AS _airlock_passes
      FROM ${batch} u, me WHERE ${near('u')}
    UNION ALL SELECT ${prodCols}, p._airlock_row_id, TRUE FROM ${s.st.prod} p, me WHERE p._airlock_run_id <> ${r} AND ${near('p')}`);
  try {
    const ctx: CompileContext = { ...base, evidence: EVIDENCE };
    return await withAgreedValueTables(s.conn, rule, ctx, async (T) => {
      const me = `(SELECT * FROM ${batch} x WHERE x._airlock_row_id = ${s.rowId})`;
      const decided = await queryValue<string | null>(s.conn, `SELECT ${decisionSql(rule, ctx, 'e')} FROM ${me} e`);
      const out: RowCandidates[] = [];
      for (const [i, det] of rule.determinants.entries()) {
        const votes = await queryRows<{ v: string | null; n: number; share: number; rk: number; decided: boolean }>(s.conn, `
          SELECT f.v, f.n, f.share, f.rk, f.decided FROM ${T.final} f, ${me} e
          WHERE f.det = ${i} AND f.k = ${determinantKeySql(ctx, det, 'e')} ORDER BY f.rk`);
        const suspect = Number(await queryValue(s.conn, `SELECT count(*) FROM ${agreedValueTables(rule).suspects} WHERE det = ${i} AND row_id = ${s.rowId}`)) > 0;
        const winner = votes.find((v) => v.decided);
        const how = `the agreed-value vote of the rows with the same ${det.join(' + ')} (valid values only, passing rows outvoting held ones; a winner needs ${rule.minSupport} supporters and a lead of ${Math.round(rule.minMargin * 100)}% of the group)`;
        const verdict = suspect
          ? `this row's ${det.join(' + ')} looks wrong itself (the row disagrees with its group on its other columns), so it is not repaired through it`
          : winner ? `the vote elects ${JSON.stringify(winner.v)}` : votes.length ? 'no value wins by enough: the cell keeps its value' : 'no row of the group has a valid value to vote with';
        out.push({
          column, source: 'vote', determinant: det.join('+'), note: `${how}: ${verdict}`,
          decision: decided,
          values: votes.map((v) => ({ value: v.v, count: Number(v.n), share: Number(v.share), rank: Number(v.rk), winner: Boolean(v.decided) })),
        });
      }
      return out;
    });
  } finally {
    await s.conn.run(`DROP TABLE IF EXISTS ${EVIDENCE}`);
  }
}
