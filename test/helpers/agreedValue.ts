// Small tables and contracts for the agreedValue tests: VARCHAR columns as the evidence relation
// has them, and the compiled rule applied the way apply does (setup, set where `where`, teardown).
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseContract } from '../../main/contract/load.js';
import type { Contract } from '../../main/contract/types.js';
import { compileAgreedValue } from '../../main/remediate/rules/compileAgreedValue.js';
import type { CompileContext } from '../../main/remediate/rules/compileRule.js';
import type { AgreedValueRule } from '../../main/remediate/rules/ruleTypes.js';
import { queryRows, sqlIdent, sqlString } from '../../main/store/duckdb.js';

export function contractOf(columns: string[], fds: Array<[string[], string[]]>, extra: { enumOf?: Record<string, string[]>; sourceColumn?: string } = {}): Contract {
  const props = columns.map((c) => {
    const set = extra.enumOf?.[c];
    const q = set ? `\n        quality:\n          - metric: invalidValues\n            arguments: { validValues: [${set.join(', ')}] }` : '';
    return `      - name: ${c}\n        logicalType: string${q}`;
  }).join('\n');
  const custom = [
    fds.length ? `      - property: functionalDependencies\n        value:\n${fds.map(([d, e]) => `          - { determinant: [${d.join(', ')}], dependent: [${e.join(', ')}] }`).join('\n')}` : '',
    extra.sourceColumn ? `      - property: sourceColumn\n        value: ${extra.sourceColumn}` : '',
  ].filter(Boolean).join('\n');
  return parseContract(`apiVersion: v3.1.0
kind: DataContract
id: t
version: 1.0.0
schema:
  - name: t
    properties:
${props}
${custom ? `    customProperties:\n${custom}` : ''}
`, 't.yaml');
}

/** A table of VARCHAR columns plus `_airlock_row_id` (1-based) and `_airlock_passes` (default false). */
export async function tableOf(conn: DuckDBConnection, name: string, columns: string[], rows: Array<Record<string, string | null | boolean>>): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${columns.map((c) => `${sqlIdent(c)} VARCHAR`).join(', ')}, _airlock_row_id BIGINT, _airlock_passes BOOLEAN)`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r, j) => `(${columns.map((c) => (r[c] === null || r[c] === undefined ? 'NULL' : sqlString(String(r[c])))).join(', ')}, ${i + j + 1}, ${r._passes === true})`);
    await conn.run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
}

/** Applies the compiled rule to every row of `table` (as apply does) and returns row id → value. */
export async function applyRule(conn: DuckDBConnection, rule: AgreedValueRule, ctx: CompileContext, table: string): Promise<Map<number, string | null>> {
  const c = compileAgreedValue(rule, ctx);
  for (const s of c.setup) await conn.run(s);
  try {
    const rows = await queryRows<{ id: number; v: string | null }>(conn, `SELECT _airlock_row_id AS id, CASE WHEN ${c.where ?? 'TRUE'} THEN ${c.set[rule.column]} ELSE ${sqlIdent(rule.column)} END AS v FROM ${table} ORDER BY 1`);
    return new Map(rows.map((r) => [Number(r.id), r.v]));
  } finally {
    for (const s of c.teardown) await conn.run(s);
  }
}

