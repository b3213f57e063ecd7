// SQL pieces of the exported project that must read the same on every engine it runs on: an
// identifier, a string literal, a cast to text, the row hash. Each is a call of a dialect macro
// (projectFiles.ts, dispatched by adapter), so the one project quotes `name` as "name" on DuckDB
// and as `name` on Spark (dbt-spark runs Spark with ANSI mode off, where "x" is a string) and
// escapes literals as each engine reads them. Models built from these pieces run on both.
import { jinjaExpr } from './jinjaSql.js';

const lit = (s: string) => JSON.stringify(s);

/** Jinja text (not a placeholder) of an identifier, for nesting inside another macro call. */
function identExpr(name: string): string {
  return `airlock_ident(${lit(name)})`;
}

export function ident(name: string): string {
  return jinjaExpr(identExpr(name));
}

export function literal(value: string): string {
  return jinjaExpr(`airlock_string_literal(${lit(value)})`);
}

/** The column cast to the engine's text type. */
export function textOf(column: string): string {
  return jinjaExpr(`airlock_text(${identExpr(column)})`);
}

/**
 * Airlock's row hash (validate/route.ts rowHashSql): SHA-256 of every column's byte length, ':'
 * and text, '-' for NULL, in contract order. The macro writes the same expression per engine.
 */
export function rowHash(columns: string[]): string {
  return jinjaExpr(`airlock_row_hash(${JSON.stringify(columns)})`);
}
