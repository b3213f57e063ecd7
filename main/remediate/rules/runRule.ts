// Running a compiled rule: its small tables exist only while the caller's statements run.
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileRule, type CompileContext, type CompiledRule } from './compileRule.js';
import type { TypedRule } from './ruleTypes.js';

export async function withCompiledRule<T>(conn: DuckDBConnection, rule: TypedRule, ctx: CompileContext, fn: (c: CompiledRule) => Promise<T>): Promise<T> {
  const compiled = compileRule(rule, ctx);
  for (const sql of compiled.setup) await conn.run(sql);
  try {
    return await fn(compiled);
  } finally {
    for (const sql of compiled.teardown) await conn.run(sql);
  }
}
