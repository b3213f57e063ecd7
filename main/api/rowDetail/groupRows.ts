// The rows a quarantined row is judged against, side by side: for a dependency violation the
// batch's rows with the same determinant (with each dependent value's count), for a duplicate
// key the rows holding the same key. Read from the run's batch as it now stands (the staging
// table validation and remediation judge), by the same equalities validation partitions by.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSpec, Contract, FunctionalDependency } from '../../contract/types.js';
import { queryRows, queryValue, sqlIdent, sqlString } from '../../store/duckdb.js';
import type { RunTables, StreamTables } from '../../store/tables.js';
import { batchRows } from '../../remediate/context.js';
import { keyTextSql } from '../../validate/keyValue.js';
import type { RowGroup } from '../contract.js';

/** Rows of a group sent to the screen; the count of the rest goes with them. */
export const GROUP_ROWS_SHOWN = 50;

export interface GroupScope {
  conn: DuckDBConnection;
  contract: Contract;
  runId: string;
  rowId: number;
  st: StreamTables;
  rt: RunTables;
}

/** A violation's rule, resolved to the dependency or key it names (null: neither). */
export type GroupRule =
  | { kind: 'dependency'; rule: string; fd: FunctionalDependency; dependent: string }
  | { kind: 'key'; rule: string; columns: ColumnSpec[] };

export function groupRuleOf(contract: Contract, v: { column: string; reason: string; rule: string }): GroupRule | null {
  if (v.reason === 'FD_VIOLATION') {
    const fd = contract.fds.find((f) => f.dependent.includes(v.column) && v.rule === `fd:${f.determinant.join('+')}->${v.column}`);
    return fd ? { kind: 'dependency', rule: v.rule, fd, dependent: v.column } : null;
  }
  if (v.reason !== 'DUPLICATE_KEY') return null;
  const single = contract.columns.find((c) => c.name === v.column);
  if (single) return { kind: 'key', rule: v.rule, columns: [single] };
  const q = contract.quality.find((x) => x.name === v.rule && x.properties?.length);
  const cols = (q?.properties ?? []).map((p) => contract.columns.find((c) => c.name === p)).filter((c): c is ColumnSpec => Boolean(c));
  return cols.length ? { kind: 'key', rule: v.rule, columns: cols } : null;
}

/** True when the run's batch is still in staging (a run whose batch was dropped has no groups). */
export async function batchKept(conn: DuckDBConnection, runId: string): Promise<boolean> {
  const name = `${runId.replace(/[^A-Za-z0-9_]/g, '_')}__stage`;
  return Number(await queryValue(conn, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = ${sqlString(name)}`)) > 0;
}

export async function groupRows(s: GroupScope, g: GroupRule): Promise<RowGroup> {
  const r = sqlString(s.runId);
  const keyCols = g.kind === 'dependency' ? g.fd.determinant : g.columns.map((c) => c.name);
  const spec = (name: string) => s.contract.columns.find((c) => c.name === name);
  // Validation groups a dependency by its determinant's text and a key by its typed value.
  const same = keyCols.map((k) => {
    const c = spec(k);
    const a = `b.${sqlIdent(k)}`;
    const m = `me.${sqlIdent(k)}`;
    return g.kind === 'key' && c ? `${keyTextSql(c, a)} = ${keyTextSql(c, m)}` : `${a} = ${m}`;
  }).join(' AND ');
  const shown = g.kind === 'dependency' ? [...keyCols, g.dependent] : keyCols;
  const dep = g.kind === 'dependency' ? sqlIdent(g.dependent) : null;
  const cte = `WITH b AS ${batchRows(s)}, me AS (SELECT * FROM b WHERE _airlock_row_id = ${s.rowId}),
    grp AS (SELECT b.* FROM b, me WHERE ${same})`;
  const keyRow = await queryRows<Record<string, string | null>>(s.conn, `${cte} SELECT ${shown.map((c, i) => `${sqlIdent(c)} AS c${i}`).join(', ')} FROM me`);
  const size = Number(await queryValue(s.conn, `${cte} SELECT count(*) FROM grp`));
  const values = dep === null ? [] : (await queryRows<{ v: string | null; n: number; mine: boolean }>(s.conn, `${cte}
    SELECT v, n, v IS NOT DISTINCT FROM (SELECT ${dep} FROM me) AS mine
    FROM (SELECT ${dep} AS v, count(*) AS n FROM grp GROUP BY 1) ORDER BY n DESC, v NULLS LAST`))
    .map((x) => ({ value: x.v, count: Number(x.n), thisRow: Boolean(x.mine) }));
  // This row first, then the others by the value they hold (rows that agree side by side).
  const rows = await queryRows<Record<string, string | number | boolean | null>>(s.conn, `${cte}
    SELECT grp._airlock_row_id AS rid, ${shown.map((c, i) => `grp.${sqlIdent(c)} AS c${i}`).join(', ')}, q.qid IS NOT NULL AS quarantined
    FROM grp LEFT JOIN (SELECT _airlock_row_id AS qid FROM ${s.st.quarantine} WHERE _airlock_run_id = ${r}) q ON q.qid = grp._airlock_row_id
    ORDER BY grp._airlock_row_id = ${s.rowId} DESC${dep ? `, grp.${dep} NULLS LAST` : ''}, grp._airlock_row_id LIMIT ${GROUP_ROWS_SHOWN}`);
  const me = keyRow[0] ?? {};
  return {
    kind: g.kind, rule: g.rule,
    key: keyCols.map((c, i) => ({ column: c, value: me[`c${i}`] ?? null })),
    dependent: g.kind === 'dependency' ? g.dependent : null,
    columns: shown, size, values,
    rows: rows.map((x) => ({
      rowId: Number(x.rid), values: shown.map((_, i) => (x[`c${i}`] ?? null) as string | null),
      quarantined: Boolean(x.quarantined), self: Number(x.rid) === s.rowId,
    })),
    more: Math.max(0, size - rows.length),
  };
}
