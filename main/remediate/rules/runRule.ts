// Running a compiled rule: its small tables exist only while the caller's statements run, unless
// the caller names an evidence generation (`ctx.cacheKey`): then a rule compiled again over the
// same, unchanged evidence (the same dependency vote for each cluster of a column, then for its
// verification) reuses its tables, until the caller releases the generation.
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileRule, type CompileContext, type CompiledRule } from './compileRule.js';
import type { TypedRule } from './ruleTypes.js';

/** Per connection: cache key → the teardown of tables kept for reuse. */
const kept = new WeakMap<object, Map<string, string[]>>();

function keyOf(rule: TypedRule, ctx: CompileContext): string | null {
  // Only rules whose tables are costly to build are kept (a vote over the evidence).
  return ctx.cacheKey && rule.kind === 'agreedValue' ? `${ctx.cacheKey}\u001f${ctx.evidence ?? ''}\u001f${JSON.stringify(rule)}` : null;
}

/** Runs the setup of a compiled rule unless it is kept; returns whether the caller must tear down. */
export async function setUpRule(conn: DuckDBConnection, rule: TypedRule, ctx: CompileContext, compiled: CompiledRule): Promise<boolean> {
  const key = keyOf(rule, ctx);
  const cache = key ? kept.get(conn) ?? new Map<string, string[]>() : null;
  if (key && cache?.has(key)) return false;
  for (const sql of compiled.setup) await conn.run(sql);
  if (key && cache) {
    cache.set(key, compiled.teardown);
    kept.set(conn, cache);
    return false;
  }
  return true;
}

export async function tearDownRule(conn: DuckDBConnection, compiled: CompiledRule): Promise<void> {
  for (const sql of compiled.teardown) await conn.run(sql);
}

/** Drops every kept table of the connection (the evidence changed, or the caller is done). */
export async function releaseKeptRules(conn: DuckDBConnection): Promise<void> {
  const cache = kept.get(conn);
  if (!cache) return;
  kept.delete(conn);
  for (const teardown of cache.values()) for (const sql of teardown) await conn.run(sql);
}

export async function withCompiledRule<T>(conn: DuckDBConnection, rule: TypedRule, ctx: CompileContext, fn: (c: CompiledRule) => Promise<T>): Promise<T> {
  const compiled = compileRule(rule, ctx);
  const mine = await setUpRule(conn, rule, ctx, compiled);
  try {
    return await fn(compiled);
  } finally {
    if (mine) await tearDownRule(conn, compiled);
  }
}
