// The DuckDB side of a durable remediation job (job.ts): one marker row per committed step,
// written in the same transaction as the step's changes. A process killed after DuckDB's COMMIT
// and before SQLite recorded the step leaves the marker; the resume finds it and records the step
// from it instead of applying it a second time.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/duckdb.js';

const STEPS = 'ledger.remediation_steps';

async function ensureSteps(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ledger; CREATE TABLE IF NOT EXISTS ${STEPS} (run_id VARCHAR NOT NULL, step INTEGER NOT NULL, info VARCHAR NOT NULL, PRIMARY KEY (run_id, step))`);
}

/** Inside the caller's transaction: a second marker for the same step is a primary-key error, never a second application. */
export async function writeStepMarker(conn: DuckDBConnection, runId: string, step: number, info: unknown): Promise<void> {
  await ensureSteps(conn);
  await conn.run(`INSERT INTO ${STEPS} VALUES (${sqlString(runId)}, ${Math.trunc(step)}, ${sqlString(JSON.stringify(info))})`);
}

/** The run's committed steps after `after`, in order. */
export async function stepMarkersAfter<T>(conn: DuckDBConnection, runId: string, after: number): Promise<Array<{ step: number; info: T }>> {
  await ensureSteps(conn);
  const rows = await queryRows<{ step: number; info: string }>(conn, `SELECT step, info FROM ${STEPS} WHERE run_id = ${sqlString(runId)} AND step > ${Math.trunc(after)} ORDER BY step`);
  return rows.map((r) => ({ step: Number(r.step), info: JSON.parse(r.info) as T }));
}

/** Every step the run committed (tests and the job's report). */
export async function committedSteps(conn: DuckDBConnection, runId: string): Promise<number[]> {
  await ensureSteps(conn);
  return (await queryRows<{ step: number }>(conn, `SELECT step FROM ${STEPS} WHERE run_id = ${sqlString(runId)} ORDER BY step`)).map((r) => Number(r.step));
}

/** An undone run leaves no marker behind. */
export async function forgetStepMarkers(conn: DuckDBConnection, runId: string): Promise<void> {
  await ensureSteps(conn);
  await conn.run(`DELETE FROM ${STEPS} WHERE run_id = ${sqlString(runId)}`);
}
