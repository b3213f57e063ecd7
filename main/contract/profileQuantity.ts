// Amounts written with a unit or a currency ('12.0 oz', '12.0 OZ.', '16 ounce', '0.09%', '$5'):
// the number is the value, the affix is how someone typed it. A profiler that treats each
// spelling as a value proposes a closed set of 19 ways to write twelve ounces; this counts, per
// column and in DuckDB, the values that are a number plus one known unit spelling (trailing words
// such as 'Silo Can' allowed), and which unit group each spelling names. A column whose values are
// numbers or amounts in ONE unit group is a number column in that unit (profileInfer decides).
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/duckdb.js';
import { UNIT_GROUPS } from './units.js';

export interface QuantityEvidence {
  /** values that are a number with a unit, percent or currency affix (not bare numbers) */
  affixed: number;
  /** unit group id -> values: 'fl oz', '%', or a currency code */
  groups: Map<string, number>;
  /** the affix spellings seen, most frequent first ('oz', 'oz.', 'OZ.', 'ounce') */
  spellings: string[];
  /** the same, per unit group */
  spellingsOf: Map<string, string[]>;
}

const PERCENT = ['%', 'percent', 'per cent', 'pct'];
// The currencies a profile can name from a symbol or a code alone; others stay text.
const CURRENCY: Record<string, string> = { '$': 'USD', usd: 'USD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP', '¥': 'JPY', jpy: 'JPY', chf: 'CHF', cad: 'CAD', aud: 'AUD' };
const NUM = '[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?|[+-]?[.][0-9]+';

function affixTable(): string {
  const rows: [string, string][] = [];
  for (const g of UNIT_GROUPS) for (const a of g.aliases) rows.push([a, g.id]);
  for (const p of PERCENT) rows.push([p, '%']);
  for (const [k, code] of Object.entries(CURRENCY)) rows.push([k, code]);
  return `(VALUES ${rows.map(([a, g]) => `(${sqlString(a)}, ${sqlString(g)})`).join(', ')}) AS u(alias, grp)`;
}

/**
 * Per column of the value-count table `vc` (col, v, c), the amounts written with an affix. A
 * suffix is the text after the number up to the first space (a trailing '.' dropped, case
 * folded); what follows it must be words ('oz. Silo Can'), never digits. A prefix is a currency
 * symbol or code.
 */
export async function quantityEvidence(conn: DuckDBConnection, vc: string, columns: string[]): Promise<Map<string, QuantityEvidence>> {
  // The longest alias the rest of the value starts with wins ('12 min' is minutes, not metres).
  const rows = await queryRows<{ col: string; grp: string; spelling: string; n: number }>(conn, `
    WITH p AS (
      SELECT col, trim(v) AS t, c FROM ${vc}
      WHERE v IS NOT NULL AND regexp_matches(v, '[0-9]') AND regexp_matches(v, '[^0-9.,+ -]') AND length(v) <= 60
    ),
    s AS (
      SELECT col, t, c,
        regexp_extract(t, '^(${NUM}) *(.*)$', 5) AS rest,
        regexp_extract(t, '^(\\$|€|£|¥|[A-Za-z]{3}) *(${NUM})$', 1) AS prefix
      FROM p
    ),
    m AS (
      SELECT s.col, s.t, any_value(s.c) AS c,
        arg_max(u.grp, length(u.alias)) AS grp,
        arg_max(CASE WHEN s.prefix <> '' THEN s.prefix ELSE regexp_extract(s.rest, '^[^ ]+( [^ ]+)?', 0)[1:length(u.alias) + 1] END, length(u.alias)) AS spelling
      FROM s JOIN ${affixTable()} ON
        (s.prefix <> '' AND lower(s.prefix) = u.alias)
        OR (s.rest <> '' AND s.prefix = '' AND (
          lower(s.rest) IN (u.alias, u.alias || '.')
          OR ((starts_with(lower(s.rest), u.alias || ' ') OR starts_with(lower(s.rest), u.alias || '. '))
              AND NOT regexp_matches(s.rest[length(u.alias) + 1:], '[0-9]'))))
      GROUP BY s.col, s.t
    )
    SELECT col, grp, rtrim(spelling) AS spelling, sum(c) AS n FROM m GROUP BY ALL ORDER BY n DESC`);
  const out = new Map<string, QuantityEvidence>();
  for (const name of columns) out.set(name, { affixed: 0, groups: new Map(), spellings: [], spellingsOf: new Map() });
  for (const r of rows) {
    const q = out.get(r.col);
    if (!q) continue;
    const n = Number(r.n);
    q.affixed += n;
    q.groups.set(r.grp, (q.groups.get(r.grp) ?? 0) + n);
    if (!q.spellings.includes(r.spelling)) q.spellings.push(r.spelling);
    const own = q.spellingsOf.get(r.grp) ?? [];
    if (!own.includes(r.spelling)) q.spellingsOf.set(r.grp, [...own, r.spelling]);
  }
  return out;
}
