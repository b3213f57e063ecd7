// The clean table: the fast lane and the remediated rows, cast to the contract's types as
// Airlock's promotion casts them (promotedValueSql), in contract order, then _airlock_row_id.
// A remediated row upserts by primary key as promotion does: a fast-lane row it replaces is gone.
// Numbers stay their delivered digits (text), as in Airlock's production (validate/typedValue.ts).
import type { Contract } from '../../contract/types.js';
import { missingAsNullSql, promotedValueSql } from '../../pipeline/promote.js';
import { sqlIdent } from '../../store/duckdb.js';
import { keySql, typedOrNullSql } from '../../validate/typedValue.js';
import { ref } from './jinjaSql.js';
import { columnList } from './laneModels.js';
import type { DbtModel } from './model.js';
import type { ModelNames } from './names.js';

/**
 * The value promotion stores. Every row here passed its type check, so for a typed column the
 * cast is written behind that check (typedOrNullSql: NULL where it would fail, which no row
 * here does): the same values in DuckDB, and a cast the Spark translation can prove exact
 * (sparkModel.ts accepts a BIGINT or DOUBLE cast only behind the shape test of the same text).
 * Numbers keep their text (castSql), strings are as they are.
 */
function storedValueSql(c: Contract['columns'][number], v: string): string {
  if (c.logicalType === 'number' || c.logicalType === 'string' || c.logicalType === 'object' || c.logicalType === 'array') return promotedValueSql(c, v);
  return typedOrNullSql(c, missingAsNullSql(c, v));
}

export function cleanModel(contract: Contract, n: ModelNames): DbtModel {
  const typed = contract.columns.map((c) => `${storedValueSql(c, `s.${sqlIdent(c.name)}`)} AS ${sqlIdent(c.name)}`).join(',\n  ');
  const pk = contract.columns.filter((c) => c.primaryKey);
  const keyOf = (alias: string) => pk.map((c) => (c.logicalType === 'number' ? keySql(c, `${alias}.${sqlIdent(c.name)}`) : `${alias}.${sqlIdent(c.name)}`));
  const fastKept = pk.length === 0 ? `SELECT * FROM fast`
    : `SELECT * FROM fast f WHERE NOT EXISTS (SELECT 1 FROM remediated r WHERE ${keyOf('f').map((k, i) => `${k} = ${keyOf('r')[i]}`).join(' AND ')})`;
  const sql = `WITH fast AS (SELECT ${typed}, s._airlock_row_id FROM ${ref(n.fastLane)} s),
remediated AS (SELECT ${typed}, s._airlock_row_id FROM ${ref(n.remediated)} s)
SELECT ${columnList(contract)}, _airlock_row_id FROM (${fastKept} UNION ALL SELECT * FROM remediated) promoted`;
  return { name: n.clean, dir: 'marts', sql, description: 'The clean table: rows that pass the contract, typed as it says (numbers keep their delivered digits), then _airlock_row_id.' };
}
