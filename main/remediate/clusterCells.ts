// Clustering the quarantine: thousands of failing cells become a handful of patterns. A failing
// cell is (row, column) with the set of its reasons; cells group by (column, reasons, shape of
// the value), over distinct values, in SQL. Only a few representatives per cluster leave DuckDB.
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, ReasonCode } from '../contract/types.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { distinctJoinSql } from '../store/distinctJoin.js';
import type { StreamTables } from '../store/tables.js';
import type { Cluster, ValueCount } from './types.js';

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The shape of a value: digits → 9, lower-case letters → a, upper-case → A, everything else
 * kept; runs of two or more of one class fold to `9+`, `a+`, `A+`, so that values whose parts
 * vary in length (names in e-mails, amounts, phone groups) share a shape: `12.0 oz` is `9+.9 a+`.
 */
export function shapeSql(v: string): string {
  const mapped = `translate(${v}, '${DIGITS}${LOWER}${UPPER}', '${'9'.repeat(10)}${'a'.repeat(26)}${'A'.repeat(26)}')`;
  return `coalesce(regexp_replace(regexp_replace(regexp_replace(${mapped}, '9{2,}', '9+', 'g'), 'a{2,}', 'a+', 'g'), 'A{2,}', 'A+', 'g'), '∅')`;
}

export function shapeOf(value: string | null): string {
  if (value === null) return '∅';
  const mapped = [...value].map((ch) => (/[0-9]/.test(ch) ? '9' : /[a-z]/.test(ch) ? 'a' : /[A-Z]/.test(ch) ? 'A' : ch)).join('');
  return mapped.replace(/9{2,}/g, '9+').replace(/a{2,}/g, 'a+').replace(/A{2,}/g, 'A+');
}

export function clusterTable(st: StreamTables): string {
  return st.violations.replace(/__violations"$/, '__clusters"');
}

// A cell that fails only a functional dependency is about agreement with its group, not about
// the look of its value: such cells of one column form one cluster whatever their shape.
const FD_ONLY_SHAPE = `CASE WHEN reasons = 'FD_VIOLATION' THEN 'fd-group' ELSE ${shapeSql('value')} END`;

/** Builds the run's cells and clusters in DuckDB; returns the clusters, largest first. */
export async function clusterQuarantine(conn: DuckDBConnection, contract: Contract, runId: string, st: StreamTables, samplesPerCluster = 8): Promise<Cluster[]> {
  const r = sqlString(runId);
  const cells = clusterTable(st);
  const colNames = contract.columns.map((c) => c.name);
  await conn.run(`CREATE TABLE IF NOT EXISTS ${cells} (run_id VARCHAR, cluster_id VARCHAR, row_id BIGINT, "column" VARCHAR, reasons VARCHAR, shape VARCHAR, value VARCHAR)`);
  await conn.run(`DELETE FROM ${cells} WHERE run_id = ${r}`);
  // The value of the failing column, picked by name from the quarantined row.
  const valueOf = `CASE v."column" ${colNames.map((c) => `WHEN ${sqlString(c)} THEN q.${sqlIdent(c)}`).join(' ')} END`;
  // A cell's reasons, as a bounded aggregate (store/distinctJoin.ts: one group per failing cell);
  // its value is the quarantined row's, joined after grouping (one per cell, no aggregate state).
  const reasons = await distinctJoinSql(conn, {
    from: `(SELECT row_id, "column", reason FROM ${st.violations} WHERE run_id = ${r} AND reason <> 'MALFORMED_RECORD' AND "column" IN (${colNames.map(sqlString).join(', ')}))`,
    keys: ['row_id', '"column"'], value: 'reason', sep: `'+'`, as: 'reasons' });
  await conn.run(`CREATE OR REPLACE TEMP TABLE _cells AS
    SELECT v.row_id, v."column", v.reasons, ${valueOf} AS value
    FROM ${reasons} v JOIN ${st.quarantine} q ON q._airlock_row_id = v.row_id AND q._airlock_run_id = ${r}`);
  await conn.run(`INSERT INTO ${cells}
    SELECT ${r}, 'c_' || substr(md5("column" || chr(31) || reasons || chr(31) || shape), 1, 10), row_id, "column", reasons, shape, value
    FROM (SELECT *, ${FD_ONLY_SHAPE} AS shape FROM _cells)`);
  await conn.run('DROP TABLE _cells');
  return summarizeClusters(conn, runId, st, samplesPerCluster);
}

/** The run's clusters as they stand in the cells table (after any merge), largest first. */
export async function summarizeClusters(conn: DuckDBConnection, runId: string, st: StreamTables, samplesPerCluster = 8): Promise<Cluster[]> {
  const r = sqlString(runId);
  const cells = clusterTable(st);
  const groups = await queryRows<{ cluster_id: string; column: string; reasons: string; shapes: string[]; size: number; distinct_values: number; samples: Array<{ value: string | null; count: number }> }>(conn, `
    WITH vc AS (SELECT cluster_id, value, count(*) AS n FROM ${cells} WHERE run_id = ${r} GROUP BY ALL),
    ranked AS (SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY n DESC, value) AS rk FROM vc),
    top AS (SELECT cluster_id, list({'value': value, 'count': n} ORDER BY n DESC, value) FILTER (WHERE rk <= ${samplesPerCluster}) AS samples,
                   count(*) AS distinct_values FROM ranked GROUP BY cluster_id)
    SELECT c.cluster_id, any_value(c."column") AS "column", any_value(c.reasons) AS reasons, list(DISTINCT c.shape ORDER BY c.shape) AS shapes,
           count(DISTINCT c.row_id) AS size, any_value(t.distinct_values) AS distinct_values, any_value(t.samples) AS samples
    FROM ${cells} c JOIN top t USING (cluster_id) WHERE c.run_id = ${r}
    GROUP BY c.cluster_id ORDER BY size DESC, cluster_id`);
  return groups.map((g) => ({
    id: g.cluster_id,
    column: g.column,
    reason: primaryReason(g.reasons),
    reasons: g.reasons.split('+'),
    signatures: g.shapes,
    size: Number(g.size),
    distinctValues: Number(g.distinct_values),
    samples: g.samples.map((s) => ({ value: s.value, count: Number(s.count) })),
  }));
}

const REASON_PRIORITY: ReasonCode[] = ['TYPE_MISMATCH', 'REQUIRED_MISSING', 'PATTERN_MISMATCH', 'NOT_IN_SET', 'OUT_OF_RANGE', 'LENGTH_VIOLATION', 'INVALID_VALUE', 'LIKELY_VARIANT', 'MISSING_VALUE', 'NULL_VALUE', 'DUPLICATE_KEY', 'FD_VIOLATION', 'FD_DETERMINANT_SUSPECT'];

function primaryReason(reasons: string): ReasonCode {
  const list = reasons.split('+');
  return REASON_PRIORITY.find((r) => list.includes(r)) ?? (list[0] as ReasonCode);
}

/** Every distinct failing value of a cluster with its row count (bounded). */
export async function clusterValues(conn: DuckDBConnection, st: StreamTables, runId: string, clusterId: string, limit = 5000): Promise<ValueCount[]> {
  const rows = await queryRows<{ value: string | null; n: number }>(conn, `SELECT value, count(*) AS n FROM ${clusterTable(st)}
    WHERE run_id = ${sqlString(runId)} AND cluster_id = ${sqlString(clusterId)} GROUP BY value ORDER BY n DESC, value LIMIT ${limit}`);
  return rows.map((r) => ({ value: r.value, count: Number(r.n) }));
}

/** Re-labels the cells of merged clusters so that they share one id. */
export async function mergeClusterCells(conn: DuckDBConnection, st: StreamTables, runId: string, into: string, from: string[]): Promise<void> {
  if (from.length === 0) return;
  await conn.run(`UPDATE ${clusterTable(st)} SET cluster_id = ${sqlString(into)} WHERE run_id = ${sqlString(runId)} AND cluster_id IN (${from.map(sqlString).join(', ')})`);
}

export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 10);
}
