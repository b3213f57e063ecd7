// `agreedValue`: a dependent column takes the value its determinant group agrees on. The votes are
// counted when the rule is applied, over the rows as they stand (the caller's evidence relation),
// so the rule carries no values and fixes the next file's new keys. Rows that pass every check
// outvote quarantined ones: a group with any passing row is decided by its passing rows only.
// A group decides with a plurality that leads the runner-up by the rule's margin; a tie or a thin
// lead is no decision (the cell keeps its value and its violation). Where two determinants decide
// differently for one row, the row keeps its value.
import { sqlIdent } from '../../store/duckdb.js';
import { keyTextSql } from '../../validate/keyValue.js';
import { valueValidSql } from '../valueChecks.js';
import type { CompileContext, CompiledRule } from './compileRule.js';
import { tableFor } from './compileRule.js';
import type { AgreedValueRule } from './ruleTypes.js';

export function determinantKeySql(ctx: CompileContext, determinant: string[], alias?: string): string {
  const part = (c: string) => {
    const ref = alias ? `${alias}.${sqlIdent(c)}` : sqlIdent(c);
    const spec = ctx.contract.columns.find((x) => x.name === c);
    return spec ? keyTextSql(spec, ref) : ref;
  };
  return determinant.length === 1 ? part(determinant[0]) : `concat_ws(chr(31), ${determinant.map(part).join(', ')})`;
}

/** The grouped vote of one determinant: one row per decided key. */
export function agreedValuesSql(rule: AgreedValueRule, ctx: CompileContext, determinant: string[]): string {
  if (!ctx.evidence) throw new Error(`agreedValue rule on ${rule.column}: no evidence relation to vote over`);
  const spec = ctx.contract.columns.find((c) => c.name === rule.column);
  if (!spec) throw new Error(`agreedValue rule: ${rule.column} is not a column of the contract`);
  const v = `e.${sqlIdent(rule.column)}`;
  const notNull = determinant.map((c) => `e.${sqlIdent(c)} IS NOT NULL`).join(' AND ');
  return `WITH e AS (
      SELECT ${determinantKeySql(ctx, determinant, 'e')} AS k, ${v} AS v, e._airlock_passes AS ok
      FROM ${ctx.evidence} e WHERE ${notNull} AND ${valueValidSql(spec, v)}),
    g AS (SELECT k, bool_or(ok) AS any_ok FROM e GROUP BY k),
    votes AS (SELECT e.k, e.v, count(*) AS n FROM e JOIN g USING (k) WHERE e.ok OR NOT g.any_ok GROUP BY ALL),
    ranked AS (SELECT k, v, n, sum(n) OVER (PARTITION BY k) AS total,
                      row_number() OVER (PARTITION BY k ORDER BY n DESC, v) AS rk,
                      lead(n, 1, 0) OVER (PARTITION BY k ORDER BY n DESC, v) AS runner_up FROM votes)
    SELECT k AS _airlock_key, v AS _airlock_to, n AS support, total, runner_up FROM ranked
    WHERE rk = 1 AND n >= ${Number(rule.minSupport)} AND (n - runner_up) >= ${Number(rule.minMargin)} * total AND n > runner_up`;
}

export function compileAgreedValue(rule: AgreedValueRule, ctx: CompileContext): CompiledRule {
  const col = sqlIdent(rule.column);
  const setup: string[] = [];
  const teardown: string[] = [];
  const picks: string[] = [];
  rule.determinants.forEach((det, i) => {
    const t = `${tableFor(rule, 'agree')}_${i}`;
    setup.push(`CREATE OR REPLACE TEMP TABLE ${t} AS ${agreedValuesSql(rule, ctx, det)}`);
    teardown.push(`DROP TABLE IF EXISTS ${t}`);
    picks.push(`(SELECT a._airlock_to FROM ${t} a WHERE a._airlock_key = ${determinantKeySql(ctx, det)})`);
  });
  if (picks.length === 0) return { setup, set: { [rule.column]: col }, where: 'FALSE', teardown };
  const chosen = picks.length === 1 ? picks[0] : `coalesce(${picks.join(', ')})`;
  const agree = picks.length === 1 ? 'TRUE' : picks.flatMap((a, i) => picks.slice(i + 1).map((b) => `(${a} IS NULL OR ${b} IS NULL OR ${a} = ${b})`)).join(' AND ');
  return { setup, set: { [rule.column]: `CASE WHEN ${chosen} IS NOT NULL AND ${agree} THEN ${chosen} ELSE ${col} END` }, teardown };
}
