// The models that load and route a batch as Airlock's ingest and validation do (main/validate/
// route.ts): the raw rows as text with their ordinal and row hash, exact re-deliveries set aside,
// missing-value tokens of optional columns normalised, the contract's checks compiled by the very
// compiler the engine runs (compileViolations), the fast lane and the quarantined rows as they
// arrived.
import type { Contract } from '../../contract/types.js';
import { sqlIdent } from '../../store/duckdb.js';
import { compileViolations } from '../../validate/compileViolations.js';
import { macroCall, ref } from './jinjaSql.js';
import { ident, literal, rowHash, textOf } from './portableSql.js';
import type { DbtModel } from './model.js';
import type { ModelNames } from './names.js';

export function columnList(contract: Contract, alias = ''): string {
  return contract.columns.map((c) => `${alias ? `${alias}.` : ''}${sqlIdent(c.name)}`).join(', ');
}

/** The columns, quoted for the engine the project runs on (portableSql.ts). */
function portableColumns(contract: Contract): string {
  return contract.columns.map((c) => ident(c.name)).join(', ');
}

/**
 * Blank text, or a token of the column's missingValues, in an optional column: no value
 * (normaliseMissingTokens). Portable SQL: the staging models run on every engine.
 */
function normalisedSql(contract: Contract): string {
  return contract.columns.map((col) => {
    const v = ident(col.name);
    if (col.required) return v;
    const tokens = col.missingTokens.filter((t) => t !== '');
    const cond = `(${tokens.length ? `${v} IN (${tokens.map(literal).join(', ')}) OR ` : ''}(${v} IS NOT NULL AND trim(${v}) = ''))`;
    return `CASE WHEN ${cond} THEN NULL ELSE ${v} END AS ${v}`;
  }).join(',\n  ');
}

export function laneModels(contract: Contract, n: ModelNames): DbtModel[] {
  const cols = columnList(contract);
  // The raw relation is a macro: the delivered file read as text, or the warehouse table (sources.yml).
  // Staging is portable SQL (portableSql.ts): the same models on DuckDB and on Spark.
  const staged = `WITH raw AS (SELECT ${contract.columns.map((c) => `${textOf(c.name)} AS ${ident(c.name)}`).join(', ')},
    ${macroCall('airlock_record_ordinal')} AS _airlock_row_id
  FROM ${macroCall('airlock_raw_relation')})
SELECT ${portableColumns(contract)}, _airlock_row_id, ${rowHash(contract.columns.map((c) => c.name))} AS _airlock_row_hash FROM raw`;
  const duplicates = `SELECT _airlock_row_id AS row_id, _airlock_row_hash, _first AS first_row_id
FROM (SELECT _airlock_row_id, _airlock_row_hash, min(_airlock_row_id) OVER (PARTITION BY _airlock_row_hash) AS _first FROM ${ref(n.staged)}) s
WHERE _first <> _airlock_row_id`;
  const candidates = `SELECT ${normalisedSql(contract)},
  _airlock_row_id
FROM ${ref(n.staged)}
WHERE _airlock_row_id NOT IN (SELECT row_id FROM ${ref(n.duplicates)})`;
  const violations = compileViolations(contract, ref(n.candidates)).sql;
  const fast = `SELECT c.* FROM ${ref(n.candidates)} c WHERE c._airlock_row_id NOT IN (SELECT row_id FROM ${ref(n.violations)})`;
  // Quarantine keeps rows as they arrived (missing-value tokens too): the working copy starts here.
  const arrived = `SELECT ${cols}, _airlock_row_id FROM ${ref(n.staged)}
WHERE _airlock_row_id IN (SELECT row_id FROM ${ref(n.violations)})`;
  return [
    { name: n.staged, dir: 'staging', sql: staged, preHook: 'airlock_prepare_raw', description: 'The delivered rows as text, with their 1-based ordinal (_airlock_row_id) and the SHA-256 row hash Airlock computes.' },
    { name: n.duplicates, dir: 'staging', sql: duplicates, description: 'Exact re-deliveries within the batch (same row hash as an earlier row): set aside, counted, never cleaned twice.' },
    { name: n.candidates, dir: 'staging', sql: candidates, description: 'The rows to judge: re-deliveries removed, missing-value tokens of optional columns read as no value.' },
    { name: n.violations, dir: 'validation', sql: violations, description: "One row per failed check (row_id, column, reason, rule, detail), compiled from the contract by Airlock's own compiler: the same reason codes." },
    { name: n.fastLane, dir: 'validation', sql: fast, description: 'Rows that pass every check on arrival.' },
    { name: n.arrived, dir: 'validation', sql: arrived, description: 'Rows with at least one violation, as they arrived: the working copy the recipe starts from.' },
  ];
}
