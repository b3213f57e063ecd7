// The harm guard of verification (A10). A rule can "fix" every cell of a cluster and break no
// check, and still destroy the data: writing one constant into many distinct values (every date
// became the text 'yyyy-MM-dd'), or writing values unlike anything the column's valid rows hold.
// Such a rule is refused unless its proposer brings its own evidence for the values it writes:
// a dependency group's agreed value, a look-up into a reference table or the contract's set, a
// value found in the row itself, or an analyst's own edit.
// A language model's rule meets one more test (modelHarm): every value it writes must be spelled
// out by the value it replaces, because verification cannot tell 'disabled' → 'pending' (a
// valid member, wrong) from 'disabled' → 'inactive', and the small models make the first kind.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { batchRows, type RemediationScope } from './context.js';

/** Strategies whose written values come from evidence outside the failing value itself. */
const EVIDENCE_STRATEGIES = new Set(['fd-agreed-value', 'reference-lookup', 'enum-typo', 'flag-words', 'value-in-other-column', 'swapped-columns']);

/** Distinct failing values one constant may replace before that needs evidence. */
export const MAX_COLLAPSE = 2;

/** Rule kinds that bring the evidence for what they write: a group's vote, a reference table, an analyst. */
const EVIDENCE_KINDS = new Set(['agreedValue', 'lookup', 'manual']);

export function suppliesEvidence(proposer: string | undefined, kind?: string): boolean {
  if (kind && EVIDENCE_KINDS.has(kind)) return true;
  if (!proposer) return false;
  if (proposer.startsWith('analyst:')) return true;
  const base = proposer.replace(/^recipe:/, '');
  return base.startsWith('synth:') && EVIDENCE_STRATEGIES.has(base.slice('synth:'.length));
}

/** Collapsed shape, the SQL twin of synth/common.ts shapeOf: digit runs → 9, letter runs → a. */
function shapeSql(v: string): string {
  return `regexp_replace(regexp_replace(${v}, '[0-9]+', '9', 'g'), '\\p{L}+', 'a', 'g')`;
}

/** The value's letter and digit runs, lower-cased: the words it spells. */
const wordsSql = (v: string) => `regexp_extract_all(lower(${v}), '[\\p{L}\\p{N}]+')`;
const flatSql = (v: string) => `array_to_string(${wordsSql(v)}, '')`;

/**
 * SQL true when `nw` is spelled out by `old`: the same words with only case, spacing or
 * punctuation changed, some words dropped (a unit, a currency sign, 'at'/'dot'), the words
 * re-ordered (a date's parts), or an abbreviation spelled out: `old`'s letters in order in the
 * longer `nw`, starting alike ('Y' → 'yes', 'CNL' → 'cancelled'). Words are only letters and
 * digits, so they are safe inside the regular expressions built from them.
 */
export function spelledOutSql(old: string, nw: string): string {
  const fo = flatSql(old), fn = flatSql(nw);
  const dropsWords = `regexp_full_match(${fn}, '(' || array_to_string(${wordsSql(old)}, ')?(') || ')?')`;
  const reorders = `list_has_all(${wordsSql(old)}, ${wordsSql(nw)})`;
  // an abbreviation spelled out is letters only: '5' → '500000' or '2' → '2024-12-31' is no expansion
  const expands = `(length(${fo}) > 0 AND length(${fo}) < length(${fn}) AND left(${fo}, 1) = left(${fn}, 1) AND NOT regexp_matches(${fo} || ${fn}, '[0-9]')
    AND regexp_matches(${fn}, '^' || regexp_replace(${fo}, '(.)', '\\1.*', 'g')))`;
  return `(length(${fn}) > 0 AND (${dropsWords} OR ${reorders} OR ${expands}) AND ${keepsNumbersSql(old, nw)} AND ${keepsNegationSql(old, nw)})`;
}

/**
 * The numbers a value holds, in order, each with its decimal point and without its thousands
 * separators: '$1,234.50' → ['1234.50'], '2023-01-05' → ['2023', '01', '05'].
 */
const numbersSql = (v: string) => `list_transform(regexp_extract_all(${v}, '[0-9]+(?:[.,][0-9]+)*'), n -> replace(n, ',', ''))`;
/** Minus signs of numbers (at the start, or after a space, '(' or a currency sign), not a date's dashes. */
const minusesSql = (v: string) => `len(regexp_extract_all(${v}, '(?:^|[\\s($€£])-[0-9]'))`;

/**
 * SQL true when `nw` holds exactly the numbers of `old`, with their signs: dropping or
 * re-ordering words must not flip a sign ('-5' → '5'), move a decimal point ('12' → '1.2',
 * '1,500' → '1.500'), or swap a date's day and month ('2023-01-05' → '2023-05-01').
 */
const keepsNumbersSql = (old: string, nw: string) => `(${numbersSql(old)} = ${numbersSql(nw)} AND ${minusesSql(old)} = ${minusesSql(nw)})`;

/** Words that turn a value into its opposite: dropping one ('not approved' → 'approved') is no spelling. */
const NEGATIONS = ['not', 'no', 'non', 'never', 'none', 'nor', 'without'];
const keepsNegationSql = (old: string, nw: string) =>
  `list_has_all(${wordsSql(nw)}, list_intersect(${wordsSql(old)}, [${NEGATIONS.map((w) => `'${w}'`).join(', ')}]))`;

/** Why a language model's rule, trialled in `tried`, writes values its failing values do not spell out, or null. */
async function modelHarm(conn: DuckDBConnection, tried: string, work: string, columns: string[]): Promise<string | null> {
  for (const column of columns) {
    const c = sqlIdent(column);
    const [row] = await queryRows<{ n: number; old: string | null; new: string | null }>(conn, `WITH
      ch AS (SELECT DISTINCT b.${c} AS old, a.${c} AS new FROM ${tried} a JOIN ${work} b USING (_airlock_row_id) WHERE a.${c} IS DISTINCT FROM b.${c}),
      -- erasing a value (writing NULL) spells nothing out either: a model may not blank a cell to pass
      bad AS (SELECT * FROM ch WHERE old IS NULL OR new IS NULL OR NOT ${spelledOutSql('old', 'new')})
      SELECT (SELECT count(*) FROM bad) AS n, (SELECT min(old) FROM bad) AS old, (SELECT min(new) FROM bad WHERE old = (SELECT min(old) FROM bad)) AS new`);
    const n = Number(row.n);
    if (n > 0) {
      return `a language model's rule may only write what the failing value spells out; ${n} change${n === 1 ? '' : 's'} of ${column} do not (${JSON.stringify(row.old)} → ${JSON.stringify(row.new)})`;
    }
  }
  return null;
}

/**
 * Why the rule trialled in `tried` (against the working copy `work`) is harmful, or null. Judged
 * per column it writes, on the cells it changed.
 */
export async function harmOf(conn: DuckDBConnection, s: RemediationScope, tried: string, work: string, columns: string[], proposer: string | undefined, kind?: string): Promise<string | null> {
  if (suppliesEvidence(proposer, kind)) return null;
  for (const column of columns) {
    const c = sqlIdent(column);
    const [row] = await queryRows<{ olds: number; news: number; one: string | null; held: number; nvalid: number; unseen: number; example: string | null }>(conn, `WITH
      ch AS (SELECT b.${c} AS old, a.${c} AS new FROM ${tried} a JOIN ${work} b USING (_airlock_row_id) WHERE a.${c} IS DISTINCT FROM b.${c} AND a.${c} IS NOT NULL),
      valid AS (SELECT DISTINCT ${c} AS v FROM ${batchRows(s)} WHERE ${c} IS NOT NULL
        AND _airlock_row_id NOT IN (SELECT row_id FROM ${s.st.violations} WHERE run_id = ${sqlString(s.runId)} AND "column" = ${sqlString(column)})),
      shapes AS (SELECT DISTINCT ${shapeSql('v')} AS shape FROM valid)
      SELECT (SELECT count(DISTINCT old) FROM ch) AS olds, (SELECT count(DISTINCT new) FROM ch) AS news, (SELECT min(new) FROM ch) AS one,
             (SELECT count(*) FROM ch WHERE new IN (SELECT v FROM valid)) AS held,
             (SELECT count(*) FROM valid) AS nvalid,
             (SELECT count(*) FROM ch WHERE ${shapeSql('new')} NOT IN (SELECT shape FROM shapes)) AS unseen,
             (SELECT min(new) FROM ch WHERE ${shapeSql('new')} NOT IN (SELECT shape FROM shapes)) AS example`);
    const olds = Number(row.olds), news = Number(row.news), held = Number(row.held), nvalid = Number(row.nvalid), unseen = Number(row.unseen);
    if (news === 1 && olds > MAX_COLLAPSE && held === 0) {
      return `writes the one value ${JSON.stringify(row.one)} into ${olds} distinct values of ${column}, and no valid row holds it`;
    }
    if (nvalid > 0 && unseen > 0) {
      return `writes ${unseen} value${unseen === 1 ? '' : 's'} of ${column} shaped like no valid value (${JSON.stringify(row.example)})`;
    }
  }
  if (proposer?.replace(/^recipe:/, '').startsWith('llm:')) return modelHarm(conn, tried, work, columns);
  return null;
}
