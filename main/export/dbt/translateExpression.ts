// Rule expressions (sandbox-approved DuckDB SQL) for an exported dbt project. DuckDB needs no
// translation; for Spark the expression is parsed with @polyglot-sql/sdk (a maintained SQL
// transpiler, Rust compiled to WebAssembly, loaded synchronously in Node), checked and rewritten
// on its AST (sparkRewrite.ts), and generated as Spark SQL by the same SDK. Nothing is translated
// by editing SQL text. Anything without an exact translation is refused with a reason naming it.
import { Dialect, generate, parse } from '@polyglot-sql/sdk';
import { nodeOf } from './sparkAst.js';
import { Refusal, toSpark } from './sparkRewrite.js';

export type TranslationTarget = 'duckdb' | 'spark';
export type Translation = { ok: true; sql: string } | { ok: false; reason: string };

export function translateRuleExpression(duckdbSql: string, target: TranslationTarget): Translation {
  if (target === 'duckdb') return { ok: true, sql: duckdbSql };
  // The newlines keep a trailing `--` comment inside the parentheses' slot, as the sandbox does.
  const parsed = parse(`SELECT (\n${duckdbSql}\n)`, Dialect.DuckDB);
  if (!parsed.success || !Array.isArray(parsed.ast)) {
    return { ok: false, reason: `the SQL transpiler cannot parse this DuckDB expression: ${parsed.error ?? 'no tree'}` };
  }
  const expr = singleExpression(parsed.ast);
  if (expr === null) return { ok: false, reason: 'this is not a single scalar expression' };
  let spark: unknown;
  try {
    spark = toSpark(structuredClone(expr));
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
  const out = generate([spark] as unknown as Parameters<typeof generate>[0], Dialect.Spark);
  if (!out.success || !out.sql || out.sql.length !== 1) {
    return { ok: false, reason: `the SQL transpiler cannot write this expression as Spark SQL: ${out.error ?? 'no output'}` };
  }
  return { ok: true, sql: out.sql[0]! };
}

/** The one expression of `SELECT (expr)` with no other clause, or null. */
function singleExpression(ast: unknown[]): unknown {
  if (ast.length !== 1) return null;
  const stmt = nodeOf(ast[0]);
  if (!stmt || stmt.kind !== 'select') return null;
  const s = stmt.fields;
  const exprs = s.expressions;
  if (!Array.isArray(exprs) || exprs.length !== 1) return null;
  for (const clause of ['from', 'where_clause', 'group_by', 'having', 'qualify', 'order_by', 'limit', 'offset', 'with', 'windows', 'into']) {
    const v = s[clause];
    if (v !== null && v !== undefined) return null;
  }
  if (Array.isArray(s.joins) && s.joins.length > 0) return null;
  return exprs[0];
}
