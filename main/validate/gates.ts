// Batch-level quality gates: each ODCS metric with an operator is measured on the batch after
// routing. A gate that fails holds the batch until an analyst releases or rejects it.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract, GateOperator, QualityCheck } from '../contract/types.js';
import { queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import { missingSql } from './compileViolations.js';
import type { GateResult } from '../pipeline/types.js';
import { checkSqlGateQuery } from './sqlGateCheck.js';
import { typedOrNullSql } from './typedValue.js';

export function operatorHolds(value: number, op: GateOperator): boolean {
  const v = op.value;
  switch (op.op) {
    case 'mustBe': return value === v;
    case 'mustNotBe': return value !== v;
    case 'mustBeGreaterThan': return value > (v as number);
    case 'mustBeGreaterOrEqualTo': return value >= (v as number);
    case 'mustBeLessThan': return value < (v as number);
    case 'mustBeLessOrEqualTo': return value <= (v as number);
    case 'mustBeBetween': return value >= (v as [number, number])[0] && value <= (v as [number, number])[1];
    case 'mustNotBeBetween': return value < (v as [number, number])[0] || value > (v as [number, number])[1];
  }
}

/** The batch with every contract column cast to its type (NULL where the text does not cast). */
export function typedViewSql(contract: Contract, batch: string): string {
  const cols = contract.columns.map((c) => `${typedOrNullSql(c, `b.${sqlIdent(c.name)}`)} AS ${sqlIdent(c.name)}`);
  return `SELECT ${cols.join(', ')} FROM ${batch} b`;
}

/**
 * @param batch relation of the batch's candidate rows (staged, duplicates removed, missing tokens
 *   of optional columns already NULL)
 * @param violations relation of the batch's violations (row_id, column, reason, rule)
 */
export async function evaluateGates(conn: DuckDBConnection, contract: Contract, batch: string, violations: string): Promise<GateResult[]> {
  const checks: QualityCheck[] = [...contract.quality, ...contract.columns.flatMap((c) => c.quality)];
  const total = Number(await queryValue(conn, `SELECT count(*) FROM ${batch}`));
  const results: GateResult[] = [];
  for (const q of checks) {
    if (!q.operator || (q.type !== 'library' && q.type !== 'sql')) continue;
    let count: number;
    if (q.type === 'sql') {
      const query = await checkSqlGateQuery(conn, q.query ?? '', contract.table);
      // The query names the contract's table; it is answered from this batch only, typed as the
      // contract says (so `WHERE age > 130` compares numbers; a value that does not cast is NULL).
      await conn.run(`CREATE OR REPLACE TEMP VIEW ${sqlIdent(contract.table)} AS ${typedViewSql(contract, batch)}`);
      count = Number(await queryValue(conn, query));
    } else {
      const col = q.column ? contract.columns.find((c) => c.name === q.column) : undefined;
      const v = col ? sqlIdent(col.name) : '';
      switch (q.metric) {
        case 'rowCount':
          count = total;
          break;
        case 'nullValues':
          count = Number(await queryValue(conn, `SELECT count(*) FROM ${batch} WHERE ${v} IS NULL`));
          break;
        case 'missingValues':
          count = Number(await queryValue(conn, `SELECT count(*) FROM ${batch} WHERE ${missingSql({ ...col!, missingTokens: [...col!.missingTokens, ...(q.missingValues ?? [])] }, v)}`));
          break;
        default:
          count = Number(await queryValue(conn, `SELECT count(DISTINCT row_id) FROM ${violations} WHERE rule = ${sqlString(q.name)}`));
      }
    }
    const value = q.unit === 'percent' && q.type === 'library' && q.metric !== 'rowCount' ? (total === 0 ? 0 : (100 * count) / total) : count;
    results.push({
      name: q.name,
      metric: q.metric ?? 'sql',
      column: q.column,
      value: Math.round(value * 1e6) / 1e6,
      unit: q.unit,
      operator: q.operator.op,
      threshold: q.operator.value,
      passed: operatorHolds(value, q.operator),
    });
  }
  return results;
}
