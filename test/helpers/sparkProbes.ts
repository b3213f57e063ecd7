// The harness of the adversarial Spark translation probes: each statement is refused by the
// translation (sparkModel.ts), or run by DuckDB over the given text tables and, translated, by real
// Spark in one local session (querySpark) with ANSI on and off; the rows must be the same multiset
// of their text. Used by adversarialSparkModel.test.ts and adversarialSparkLists.test.ts.
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { openLockedDuckDB, queryRows, sqlIdent } from '../../main/store/duckdb.js';
import { translateModelSql } from '../../main/export/dbt/sparkModel.js';
import { querySpark, type SparkQueryResult, type SparkRows, type SparkTable } from './sparkSql.js';

/** `translates`: the probe must not be refused (a construct the models need); `refuses`: it must be. */
export interface Probe { name: string; sql: string; translates?: true; refuses?: true }
export type Outcome = { refused: string } | { duck: SparkRows | { error: string }; spark: SparkQueryResult; sparkSql: string };

/** A DuckDB literal for any text, NUL included. */
function duckText(s: string | null): string {
  if (s === null) return 'NULL';
  return s.split('\u0000').map((p) => `'${p.replace(/'/g, "''")}'`).join(' || chr(0) || ');
}

/** Every probe's refusal, or both engines' rows. AIRLOCK_SPARK_PROBE_REPORT=<file> writes them out, for reading. */
export async function runSparkProbes(tables: SparkTable[], probes: Probe[]): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const duck = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  try {
    for (const t of tables) {
      await duck.conn.run(`CREATE TABLE ${t.name} (${t.columns.map((c) => `${sqlIdent(c)} ${c === '_airlock_row_id' ? 'BIGINT' : 'VARCHAR'}`).join(', ')})`);
      await duck.conn.run(`INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map((v, i) => (i === 0 ? v : duckText(v))).join(', ')})`).join(', ')}`);
    }
    const translated: Array<{ probe: Probe; sql: string }> = [];
    for (const p of probes) {
      const r = translateModelSql(p.sql);
      if (!r.ok) outcomes.set(p.name, { refused: r.reason });
      else translated.push({ probe: p, sql: r.sql });
    }
    const spark = querySpark(tables, translated.map((t) => t.sql));
    for (const [i, t] of translated.entries()) {
      let d: SparkRows | { error: string };
      try {
        const rows = await queryRows<Record<string, unknown>>(duck.conn, `SELECT * FROM (${t.probe.sql})`);
        d = rows.map((r) => Object.values(r).map((v) => (v === null || v === undefined ? null : String(v))));
      } catch (e) {
        d = { error: String(e) };
      }
      outcomes.set(t.probe.name, { duck: d, spark: spark[i]!, sparkSql: t.sql });
    }
  } finally {
    duck.close();
  }
  if (process.env.AIRLOCK_SPARK_PROBE_REPORT) writeFileSync(process.env.AIRLOCK_SPARK_PROBE_REPORT, JSON.stringify(Object.fromEntries(outcomes), null, 1));
  return outcomes;
}

const lines = (rows: SparkRows): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** The promise for one probe: refused with a reason, or DuckDB's exact rows in Spark with ANSI on and off. */
export function expectProbeHolds(p: Probe, o: Outcome | undefined): void {
  expect(o, 'no outcome').toBeDefined();
  if (p.translates) expect(o && 'refused' in o ? o.refused : null, 'must translate').toBeNull();
  if (p.refuses) expect(o && 'refused' in o, 'must be refused').toBe(true);
  if (!o || 'refused' in o) return; // a refusal with a reason keeps the promise
  const ctx = `\nDuckDB SQL: ${p.sql.slice(0, 600)}\nSpark SQL: ${o.sparkSql.slice(0, 600)}`;
  if ('error' in o.duck) {
    // DuckDB refuses to run it: Spark must not answer with rows either
    expect('error' in o.spark, `DuckDB fails (${o.duck.error.slice(0, 200)}) but Spark returns rows${ctx}`).toBe(true);
    return;
  }
  expect('error' in o.spark ? o.spark.error : null, `Spark fails where DuckDB answers ${JSON.stringify(o.duck).slice(0, 300)}${ctx}`).toBeNull();
  if ('error' in o.spark) return;
  const want = lines(o.duck);
  for (const mode of ['ansi', 'legacy'] as const) {
    const got = lines(o.spark[mode]);
    const onlyDuck = want.filter((l) => !got.includes(l));
    const onlySpark = got.filter((l) => !want.includes(l));
    expect({ onlyDuck, onlySpark }, `ANSI ${mode === 'ansi' ? 'on' : 'off'}: rows differ${ctx}`).toEqual({ onlyDuck: [], onlySpark: [] });
    expect(got, `ANSI ${mode === 'ansi' ? 'on' : 'off'}: row counts differ${ctx}`).toEqual(want);
  }
}
