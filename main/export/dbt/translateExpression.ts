// PLACEHOLDER: replaced by the dbt-spark branch
// The dbt export's translation of a sandboxed DuckDB expression rule to another engine's SQL.
// This placeholder keeps DuckDB expressions as they are and refuses every other target; the
// dbt-spark branch replaces it with a translation by @polyglot-sql/sdk.

export type TranslationTarget = 'duckdb' | 'spark';

export function translateRuleExpression(duckdbSql: string, target: TranslationTarget): { ok: true; sql: string } | { ok: false; reason: string } {
  if (target === 'duckdb') return { ok: true, sql: duckdbSql };
  return { ok: false, reason: 'spark translation not available' };
}
