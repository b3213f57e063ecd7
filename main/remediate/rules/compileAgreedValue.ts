// `agreedValue`: a dependent column takes the value its determinant group agrees on. The votes are
// counted when the rule is applied, over the rows as they stand (the caller's evidence relation),
// so the rule carries no values and fixes the next file's new keys. Everything below is a set
// operation in DuckDB over small temp tables; TypeScript only writes the statements (one per
// truth-discovery iteration, never one per row or group), and their length does not grow with
// the number of groups.
//
// The vote, per determinant and per dependent of the contract's dependencies with that
// determinant (the rule's column first, its siblings for suspicion and source accuracy):
// - a ballot is a row whose determinant values are all present (a NULL or blank determinant does
//   not vote) and whose value is itself valid for the column (valueValidSql);
// - rows that pass every check outvote quarantined ones: a group with any passing ballot is
//   decided by its passing ballots only;
// - a group decides with a plurality: the winner must have `minSupport` supporters (rows, or
//   distinct sources when weighted) and lead the runner-up by `minMargin` of the group's total
//   weight; a tie or a thin lead is no decision (the cell keeps its value and its violation).
//   The winner's share of the group's weight is its confidence;
// - determinant suspicion: a row that disagrees with its group's agreed values on at least half
//   (and at least two) of the dependency's other dependents probably has a wrong determinant: it
//   is not repaired through that determinant and its ballot does not count in that group (a
//   sibling that is the agreed value but for white space or case agrees: a misspelt copy of the
//   group's value is evidence for the determinant, not against it); so is a row that disagrees
//   on two dependents or more (the rule's column counted) with values that another group agrees
//   on, all of them: it is that group's entity under a wrong determinant (copiedEntitySql);
// - a vote left undecided between two values, one plainly a corrupted spelling of the other, is
//   decided by their form (rankedSql);
// - where two determinants decide differently for one row, the row keeps its value.
//
// With `sourceColumn`, each ballot is weighted by its source's accuracy, estimated by truth
// discovery (as ACCU / TruthFinder do): every source starts at the same accuracy; per iteration a
// value's confidence in a group is the sum of the weights of the sources claiming it, and a
// source's accuracy is the mean, over its claims in groups that at least two sources report, of
// the confidence share of the value it claimed (clamped to [0.01, 0.99]). A source's rows in one
// group share its one weight: reporting the same thing twice is one claim, not two votes.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent, sqlString } from '../../store/duckdb.js';
import { keyTextSql } from '../../validate/keyValue.js';
import { oneCharacterReplacedSql } from '../../validate/oneCharacterReplaced.js';
import { valueValidSql } from '../valueChecks.js';
import type { CompileContext, CompiledRule } from './compileRule.js';
import { tableFor } from './compileRule.js';
import type { AgreedValueRule } from './ruleTypes.js';

/** Every source starts here: the first iteration is then a plain count of distinct sources. */
export const INITIAL_SOURCE_ACCURACY = 0.8;
/** Fixed, not until convergence: the same statements (and result) for the same evidence. */
export const TRUTH_DISCOVERY_ITERATIONS = 8;
const ACCURACY_FLOOR = 0.01;
const ACCURACY_CEILING = 0.99;

export function determinantKeySql(ctx: CompileContext, determinant: string[], alias?: string): string {
  const part = (c: string) => {
    const ref = alias ? `${alias}.${sqlIdent(c)}` : sqlIdent(c);
    const spec = ctx.contract.columns.find((x) => x.name === c);
    return spec ? keyTextSql(spec, ref) : ref;
  };
  return determinant.length === 1 ? part(determinant[0]) : `concat_ws(chr(31), ${determinant.map(part).join(', ')})`;
}

/**
 * All determinant values usable: present and valid for their column, as validation groups them
 * (a missing, blank or failing determinant such as 'N/A' does not vote and is not repaired).
 */
function presentSql(ctx: CompileContext, determinant: string[], alias?: string): string {
  return determinant.map((c) => {
    const ref = alias ? `${alias}.${sqlIdent(c)}` : sqlIdent(c);
    const spec = ctx.contract.columns.find((x) => x.name === c);
    return spec ? valueValidSql(spec, ref) : `(${ref} IS NOT NULL AND trim(${ref}) <> '')`;
  }).join(' AND ');
}

/** The names of the temp tables one rule's evidence lives in (valid between setup and teardown). */
export interface AgreedValueTables {
  /** ballots: (det, attr, k, v, row_id, src, ok) */
  ballots: string;
  /** each source's claims per group: (det, attr, k, v, src, frac, checked, gid, cid); only with sourceColumn */
  claims: string;
  /** source accuracies per iteration: (src, acc, claims, iter); only with sourceColumn */
  accuracy: string;
  /** every candidate of every group of every attribute: (det, attr, k, v, n, supporters, total, share, rk, runner_up, candidates, decided) */
  votes: string;
  /** rows whose determinant is suspect: (det, row_id) */
  suspects: string;
  /** the rule column's final vote, suspects left out: same columns as votes */
  final: string;
}

export function agreedValueTables(rule: AgreedValueRule): AgreedValueTables {
  const t = tableFor(rule, 'agree');
  return { ballots: `${t}_b`, claims: `${t}_c`, accuracy: `${t}_acc`, votes: `${t}_v`, suspects: `${t}_s`, final: `${t}_f` };
}

/** The columns voted on for one determinant: the rule's column, then its siblings in the contract's dependencies. */
export function votedAttributes(rule: AgreedValueRule, ctx: CompileContext, determinant: string[]): string[] {
  const same = (a: string[]) => a.length === determinant.length && a.every((x) => determinant.includes(x));
  const others: string[] = [];
  for (const fd of ctx.contract.fds) {
    if (!same(fd.determinant) || !fd.dependent.includes(rule.column)) continue;
    for (const o of fd.dependent) if (o !== rule.column && !determinant.includes(o) && !others.includes(o)) others.push(o);
  }
  return [rule.column, ...others];
}

/** A determinant is suspect on this many disagreements among `others` siblings (0: never). */
function suspicionLimit(others: number): number {
  return others >= 2 ? Math.max(2, Math.ceil(others / 2)) : 0;
}

function evidenceOf(rule: AgreedValueRule, ctx: CompileContext): string {
  if (!ctx.evidence) throw new Error(`agreedValue rule on ${rule.column}: no evidence relation to vote over`);
  if (!ctx.contract.columns.some((c) => c.name === rule.column)) throw new Error(`agreedValue rule: ${rule.column} is not a column of the contract`);
  return ctx.evidence;
}

/** A value with its white space trimmed and runs of it made one space (its well-formed spelling). */
const spacedSql = (v: string) => `regexp_replace(trim(${v}), '\\s+', ' ', 'g')`;
/** The case class of a value: all upper, all lower, or mixed (U, L, M). */
const caseClassSql = (v: string) => `(CASE WHEN ${v} = upper(${v}) AND ${v} <> lower(${v}) THEN 'U' WHEN ${v} = lower(${v}) AND ${v} <> upper(${v}) THEN 'L' ELSE 'M' END)`;
/** A case class this common in the column marks its convention; this rare, a departure from it. */
export const CASE_CONVENTION_SHARE = 0.8;
export const CASE_DEPARTURE_SHARE = 0.1;
/** A misspelling is at most this many edits from the value it stands for (and values this short are never read as one). */
export const TIE_TYPO_MIN_LENGTH = 5;

/**
 * Plurality with margin over a relation of ballots (det, attr, k, v, src, and with sourceColumn
 * their weight w). Unweighted, a vote is a count of rows, a whole number in every engine (the
 * dbt export runs these statements on Spark too, where a sum of doubles in another order could
 * turn a tie into a lead); a misspelling may be one edit from its value per 6 characters, 1 to 3.
 *
 * A group that the vote leaves undecided between exactly two values is decided by the form of
 * the values when one of them is plainly a corrupted spelling of the other, never otherwise:
 * - the same value but for white space or case (equal once trimmed, spaces collapsed and case
 *   folded): the well-formed spelling wins over one with stray white space, and a spelling in the
 *   column's case convention (a case class held by at least 80% of the column's ballots) wins
 *   over one in a case class at most 10% of them hold;
 * - a near spelling (a few edits; words, not codes or numbers: at least 5 characters and 3
 *   letters) where one value is attested by the rest of the column (written in another group, or
 *   each of its words is, but for words both values share) and the other is written nowhere else
 *   and holds a word no other group writes and the first lacks, as a misspelling does: the
 *   attested value wins. Many edits are one corruption when they replace a single character
 *   wherever it occurs (oneCharacterReplacedSql). Only words with a letter need attesting: a
 *   house or suite number is its own entity's, and no sign of a misspelling. A replacement at two
 *   positions or more that merged two characters (`po box 287` to `poxboxx287`: the `x` of `box`
 *   and the spaces are now one character) cannot be undone by one, so it tells which value came
 *   first even where the original's words are written nowhere else. At one position it tells
 *   nothing (`Marian` and `Marion`: a typo either way), and two such values stay undecided.
 * The winner must hold at least as much weight as the other value: form never outvotes a
 * plurality. Two values that are both attested, or both well formed, stay undecided.
 */
function rankedSql(rule: AgreedValueRule, ballots: string): string {
  const weighted = Boolean(rule.sourceColumn);
  return `WITH wb AS (SELECT * FROM ${ballots}),
    votes AS (SELECT det, attr, k, v, ${weighted ? 'sum(w)' : 'count(*)'} AS n, count(DISTINCT src) AS supporters FROM wb GROUP BY det, attr, k, v),
    ranked AS (SELECT *, sum(n) OVER (PARTITION BY det, attr, k) AS total, count(*) OVER (PARTITION BY det, attr, k) AS candidates,
                      row_number() OVER (PARTITION BY det, attr, k ORDER BY n DESC, v) AS rk,
                      coalesce(lead(n, 1) OVER (PARTITION BY det, attr, k ORDER BY n DESC, v), 0) AS runner_up FROM votes),
    base AS (SELECT *, (rk = 1 AND supporters >= ${Number(rule.minSupport)} AND n > runner_up
                        AND (n - runner_up) >= ${Number(rule.minMargin)} * total - 1e-9) AS plain FROM ranked),
    open AS (SELECT * FROM (SELECT *, bool_or(plain) OVER (PARTITION BY det, attr, k) AS settled FROM base) WHERE candidates = 2 AND NOT settled),
    -- the column's words, by the groups that write them (only columns with an open duel are split);
    -- letters and digits are ASCII ones, as RE2's [:alnum:] and [:alpha:] are, written as ranges Java reads the same
    words AS (SELECT det, attr, t, count(DISTINCT k) AS groups FROM (
                SELECT det, attr, k, unnest(string_split_regex(lower(v), '[^0-9A-Za-z]+')) AS t FROM wb
                WHERE EXISTS (SELECT 1 FROM open o WHERE o.det = wb.det AND o.attr = wb.attr)) WHERE t <> '' GROUP BY det, attr, t),
    own AS (SELECT DISTINCT det, attr, k, v, t FROM (SELECT det, attr, k, v, unnest(string_split_regex(lower(v), '[^0-9A-Za-z]+')) AS t FROM open) WHERE t <> ''),
    -- a word of one value that no other group writes and the other value does not share
    lone AS (SELECT o.det, o.attr, o.k, o.v, count(*) AS unattested
             FROM own o LEFT JOIN words w ON w.det = o.det AND w.attr = o.attr AND w.t = o.t
             WHERE coalesce(w.groups, 0) < 2 AND regexp_matches(o.t, '[A-Za-z]')
               AND NOT EXISTS (SELECT 1 FROM own y WHERE y.det = o.det AND y.attr = o.attr AND y.k = o.k AND y.v <> o.v AND y.t = o.t)
             GROUP BY o.det, o.attr, o.k, o.v),
    feat AS (SELECT o.det, o.attr, o.k, o.v, o.n, ${spacedSql('o.v')} AS sv, lower(${spacedSql('o.v')}) AS fp, ${caseClassSql('o.v')} AS cls,
                    (SELECT count(DISTINCT x.k) FROM wb x WHERE x.det = o.det AND x.attr = o.attr AND x.v = o.v) AS groups,
                    coalesce(l.unattested, 0) AS unattested, length(regexp_replace(o.v, '[^A-Za-z]', '', 'g')) AS letters
             FROM open o LEFT JOIN lone l ON l.det = o.det AND l.attr = o.attr AND l.k = o.k AND l.v = o.v),
    classes AS (SELECT det, attr, cls, n / sum(n) OVER (PARTITION BY det, attr) AS share
                FROM (SELECT det, attr, ${caseClassSql('v')} AS cls, count(*) AS n FROM wb GROUP BY 1, 2, 3)),
    duel AS (SELECT a.det, a.attr, a.k, a.v,
               (a.n >= b.n AND (
                 (a.fp = b.fp AND a.v = a.sv AND (b.v <> b.sv
                   OR (a.cls <> b.cls AND coalesce(ca.share, 0) >= ${CASE_CONVENTION_SHARE} AND coalesce(cb.share, 0) <= ${CASE_DEPARTURE_SHARE})))
                 OR (a.fp <> b.fp AND length(a.fp) >= ${TIE_TYPO_MIN_LENGTH} AND length(b.fp) >= ${TIE_TYPO_MIN_LENGTH}
                   AND a.letters >= 3 AND b.letters >= 3
                   AND (a.groups >= 2 OR a.unattested = 0
                     OR (damerau_levenshtein(a.fp, b.fp) >= 2 AND ${oneCharacterReplacedSql('a.fp', 'b.fp')} AND NOT ${oneCharacterReplacedSql('b.fp', 'a.fp')}))
                   AND b.groups = 1 AND b.unattested >= 1
                   AND (damerau_levenshtein(a.fp, b.fp) <= (CASE WHEN length(a.fp) >= 18 THEN 3 WHEN length(a.fp) >= 12 THEN 2 ELSE 1 END)
                     OR ${oneCharacterReplacedSql('a.fp', 'b.fp')})))) AS wins
             FROM feat a JOIN feat b ON b.det = a.det AND b.attr = a.attr AND b.k = a.k AND b.v <> a.v
             LEFT JOIN classes ca ON ca.det = a.det AND ca.attr = a.attr AND ca.cls = a.cls
             LEFT JOIN classes cb ON cb.det = b.det AND cb.attr = b.attr AND cb.cls = b.cls)
    SELECT r.det, r.attr, r.k, r.v, r.n, r.supporters, r.total, r.n / r.total AS share, r.rk, r.runner_up, r.candidates,
           (r.plain OR coalesce(d.wins, false)) AS decided
    FROM base r LEFT JOIN duel d ON d.det = r.det AND d.attr = r.attr AND d.k = r.k AND d.v = r.v`;
}

/** Ballots as they are (each row one vote), or with their weight: the source's accuracy shared among its rows in the group. */
function weightedSql(rule: AgreedValueRule, ballots: string, tables: AgreedValueTables): string {
  if (!rule.sourceColumn) return `(SELECT b.* FROM ${ballots} b)`;
  return `(SELECT b.*, a.acc / count(*) OVER (PARTITION BY b.det, b.attr, b.k, b.src) AS w
    FROM ${ballots} b JOIN ${tables.accuracy} a ON a.src = b.src AND a.iter = ${TRUTH_DISCOVERY_ITERATIONS})`;
}

/** Statements that build the evidence tables, in order (the first part of the compiled setup). */
export function agreedValueSetup(rule: AgreedValueRule, ctx: CompileContext): string[] {
  const evidence = evidenceOf(rule, ctx);
  const T = agreedValueTables(rule);
  const src = rule.sourceColumn ? `coalesce(CAST(e.${sqlIdent(rule.sourceColumn)} AS VARCHAR), '')` : 'CAST(e._airlock_row_id AS VARCHAR)';
  const parts: string[] = [];
  rule.determinants.forEach((det, i) => {
    for (const attr of votedAttributes(rule, ctx, det)) {
      const spec = ctx.contract.columns.find((c) => c.name === attr);
      if (!spec) continue;
      const v = `e.${sqlIdent(attr)}`;
      parts.push(`SELECT ${i} AS det, ${sqlString(attr)} AS attr, ${determinantKeySql(ctx, det, 'e')} AS k, CAST(${v} AS VARCHAR) AS v,
          e._airlock_row_id AS row_id, ${src} AS src, coalesce(e._airlock_passes, false) AS ok
        FROM ${evidence} e WHERE ${presentSql(ctx, det, 'e')} AND ${valueValidSql(spec, v)}`);
    }
  });
  const empty = `SELECT 0 AS det, '' AS attr, '' AS k, '' AS v, CAST(0 AS BIGINT) AS row_id, '' AS src, false AS ok WHERE false`;
  const setup = [
    `CREATE OR REPLACE TEMP TABLE ${T.ballots} AS WITH raw AS (${parts.length ? parts.join('\n UNION ALL ') : empty}),
      g AS (SELECT det, attr, k, bool_or(ok) AS any_ok FROM raw GROUP BY det, attr, k)
      SELECT r.det, r.attr, r.k, r.v, r.row_id, r.src, r.ok FROM raw r JOIN g ON g.det = r.det AND g.attr = r.attr AND g.k = r.k
      WHERE r.ok OR NOT g.any_ok`,
  ];
  if (rule.sourceColumn) {
    // Each source's claims, once: the share of its rows in the group holding each value (a source
    // reporting one value, however many times, claims it whole), and whether another source
    // reports the group too (only such claims say anything about a source's accuracy).
    // Groups and claimed values are numbered once, so that each iteration joins on integers.
    setup.push(`CREATE OR REPLACE TEMP TABLE ${T.claims} AS
      WITH c AS (SELECT det, attr, k, v, src, count(*) AS n FROM ${T.ballots} GROUP BY det, attr, k, v, src),
      g AS (SELECT det, attr, k, count(DISTINCT src) >= 2 AS checked FROM c GROUP BY det, attr, k)
      SELECT c.det, c.attr, c.k, c.v, c.src, c.n / sum(c.n) OVER (PARTITION BY c.det, c.attr, c.k, c.src) AS frac, g.checked,
             dense_rank() OVER (ORDER BY c.det, c.attr, c.k) AS gid, dense_rank() OVER (ORDER BY c.det, c.attr, c.k, c.v) AS cid
      FROM c JOIN g ON g.det = c.det AND g.attr = c.attr AND g.k = c.k`);
    setup.push(`CREATE OR REPLACE TEMP TABLE ${T.accuracy} AS SELECT DISTINCT src, ${INITIAL_SOURCE_ACCURACY}::DOUBLE AS acc, CAST(0 AS BIGINT) AS claims, 0 AS iter FROM ${T.claims}`);
    for (let it = 0; it < TRUTH_DISCOVERY_ITERATIONS; it++) {
      // Weight = the source's accuracy (not ACCU's log-odds ln(n·acc/(1−acc))): log-odds go
      // negative for a source below chance, and a group's shares and margin would stop being
      // fractions of its weight; with accuracy as weight the vote stays a weighted plurality.
      setup.push(`INSERT INTO ${T.accuracy}
        WITH a AS (SELECT src, acc FROM ${T.accuracy} WHERE iter = ${it}),
        conf AS (SELECT c.gid, c.cid, sum(a.acc * c.frac) AS w FROM ${T.claims} c JOIN a ON a.src = c.src GROUP BY c.gid, c.cid),
        share AS (SELECT cid, w / sum(w) OVER (PARTITION BY gid) AS s FROM conf),
        est AS (SELECT c.src, avg(s.s) AS acc, count(*) AS n FROM ${T.claims} c JOIN share s ON s.cid = c.cid WHERE c.checked GROUP BY c.src)
        SELECT a.src, greatest(${ACCURACY_FLOOR}, least(${ACCURACY_CEILING}, coalesce(est.acc, a.acc))), coalesce(est.n, 0), ${it + 1}
        FROM a LEFT JOIN est ON est.src = a.src`);
    }
  }
  setup.push(`CREATE OR REPLACE TEMP TABLE ${T.votes} AS ${rankedSql(rule, weightedSql(rule, T.ballots, T))}`);
  const suspects: string[] = [];
  rule.determinants.forEach((det, i) => {
    const others = votedAttributes(rule, ctx, det).slice(1);
    const limit = suspicionLimit(others.length);
    if (!limit) return;
    const joins = others.map((o, j) => `LEFT JOIN ${T.votes} a${j} ON a${j}.det = ${i} AND a${j}.attr = ${sqlString(o)} AND a${j}.decided AND a${j}.k = ${determinantKeySql(ctx, det, 'e')}`);
    // A sibling spelt as the agreed value but for white space or case supports the determinant.
    const disagreements = others.map((o, j) => {
      const mine = `CAST(e.${sqlIdent(o)} AS VARCHAR)`;
      return `(CASE WHEN a${j}.v IS NOT NULL AND lower(${spacedSql(mine)}) IS DISTINCT FROM lower(${spacedSql(`a${j}.v`)}) THEN 1 ELSE 0 END)`;
    });
    suspects.push(`SELECT ${i} AS det, e._airlock_row_id AS row_id FROM ${evidence} e ${joins.join(' ')}
      WHERE ${presentSql(ctx, det, 'e')} AND (${disagreements.join(' + ')}) >= ${limit}`);
  });
  rule.determinants.forEach((det, i) => {
    const copy = copiedEntitySql(rule, ctx, evidence, T, det, i);
    if (copy) suspects.push(copy);
  });
  setup.push(`CREATE OR REPLACE TEMP TABLE ${T.suspects} AS ${suspects.length ? suspects.join(' UNION ALL ') : 'SELECT 0 AS det, CAST(0 AS BIGINT) AS row_id WHERE false'}`);
  const kept = `(SELECT b.* FROM ${T.ballots} b WHERE b.attr = ${sqlString(rule.column)}
    AND NOT EXISTS (SELECT 1 FROM ${T.suspects} s WHERE s.det = b.det AND s.row_id = b.row_id))`;
  setup.push(`CREATE OR REPLACE TEMP TABLE ${T.final} AS ${rankedSql(rule, weightedSql(rule, kept, T))}`);
  return setup;
}

/**
 * Rows of determinant `i` that hold another group's entity under a wrong determinant value: the
 * row disagrees with its own group on at least two of the voted dependents (the rule's column and
 * its siblings), each of those values valid for its column, and one other group agrees with all of
 * the row's values it has a decided value for, those among them (case and white space aside): a
 * row that keeps its own group's name and phone while two yes/no or zip cells match some other
 * group is two cell errors, not another entity. One wrong determinant explains that row; two independent errors
 * that happen to spell another group's values do not (Lyon's row with 'GB' and 'GBP': Lyon's
 * group says FR and EUR, Leeds' says GB and GBP, so the city is the wrong cell, not the two
 * others). Such a row is not repaired through that determinant, and its ballot does not count.
 * Null when the determinant has a single dependent (one disagreement proves nothing).
 */
function copiedEntitySql(rule: AgreedValueRule, ctx: CompileContext, evidence: string, T: AgreedValueTables, det: string[], i: number): string | null {
  const attrs = votedAttributes(rule, ctx, det).filter((a) => ctx.contract.columns.some((c) => c.name === a));
  if (attrs.length < 2) return null;
  const fold = (v: string) => `lower(${spacedSql(v)})`;
  const values = attrs.map((a) => {
    const spec = ctx.contract.columns.find((c) => c.name === a)!;
    const v = `CAST(e.${sqlIdent(a)} AS VARCHAR)`;
    return `SELECT e._airlock_row_id AS row_id, ${determinantKeySql(ctx, det, 'e')} AS k, ${sqlString(a)} AS attr, ${fold(v)} AS fv
      FROM ${evidence} e WHERE ${presentSql(ctx, det, 'e')} AND ${valueValidSql(spec, v)}`;
  });
  return `SELECT DISTINCT ${i} AS det, row_id FROM (
    WITH agreed AS (SELECT k, attr, ${fold('v')} AS fv FROM ${T.votes} WHERE det = ${i} AND decided),
    mine AS (${values.join(' UNION ALL ')}),
    own AS (SELECT m.*, coalesce(a.fv IS NOT NULL AND m.fv <> a.fv, false) AS is_off FROM mine m LEFT JOIN agreed a ON a.k = m.k AND a.attr = m.attr),
    several AS (SELECT row_id, count(*) FILTER (WHERE is_off) AS n FROM own GROUP BY row_id HAVING count(*) FILTER (WHERE is_off) >= 2),
    cand AS (SELECT DISTINCT o.row_id, a.k FROM own o JOIN several s ON s.row_id = o.row_id
             JOIN agreed a ON a.attr = o.attr AND a.fv = o.fv AND a.k <> o.k WHERE o.is_off),
    -- the other group agrees with every value of the row it has a say on, the disagreeing ones among them
    cmp AS (SELECT c.row_id, c.k, any_value(s.n) AS n, count(*) AS compared, count(*) FILTER (WHERE o.fv = a.fv) AS matched,
                   count(*) FILTER (WHERE o.is_off AND o.fv = a.fv) AS matched_off
            FROM cand c JOIN several s ON s.row_id = c.row_id JOIN own o ON o.row_id = c.row_id
            JOIN agreed a ON a.k = c.k AND a.attr = o.attr GROUP BY c.row_id, c.k)
    SELECT row_id FROM cmp WHERE matched = compared AND matched_off = n)`;
}

export function agreedValueTeardown(rule: AgreedValueRule): string[] {
  const T = agreedValueTables(rule);
  return [T.final, T.suspects, T.votes, T.accuracy, T.claims, T.ballots].map((t) => `DROP TABLE IF EXISTS ${t}`);
}

/**
 * The decided groups of one of the rule's determinants, one row per key: `_airlock_key`,
 * `_airlock_to` (the agreed value), `support` (rows, or sources when weighted), `weight`, `total`,
 * `share` (the winner's share of the group's weight: its confidence) and `runner_up`. Reads the
 * rule's temp tables (valid between setup and teardown).
 */
export function agreedValuesSql(rule: AgreedValueRule, ctx: CompileContext, determinant: string[]): string {
  evidenceOf(rule, ctx);
  const i = rule.determinants.findIndex((d) => d.length === determinant.length && d.every((c) => determinant.includes(c)));
  if (i < 0) throw new Error(`agreedValue rule on ${rule.column}: ${determinant.join('+')} is not one of its determinants`);
  return `SELECT k AS _airlock_key, v AS _airlock_to, supporters AS support, n AS weight, total, share, runner_up
    FROM ${agreedValueTables(rule).final} WHERE det = ${i} AND decided`;
}

/**
 * The value determinant `i` decides for the row (NULL: undecided, suspect or no determinant).
 * The row's columns are unqualified in the compiled rule, so each look-up reads a derived table
 * whose only columns carry the reserved prefix: a contract column named `k` or `total` still
 * means the row's own column, never the temp table's.
 */
function pickSql(rule: AgreedValueRule, ctx: CompileContext, i: number, alias?: string): string {
  const T = agreedValueTables(rule);
  const det = rule.determinants[i];
  const rowId = alias ? `${alias}._airlock_row_id` : '_airlock_row_id';
  return `(CASE WHEN ${presentSql(ctx, det, alias)}
      AND NOT EXISTS (SELECT 1 FROM (SELECT row_id AS _airlock_suspect FROM ${T.suspects} WHERE det = ${i}) s WHERE s._airlock_suspect = ${rowId})
    THEN (SELECT f._airlock_agreed FROM (SELECT k AS _airlock_agreed_key, v AS _airlock_agreed FROM ${T.final} WHERE det = ${i} AND decided) f
          WHERE f._airlock_agreed_key = ${determinantKeySql(ctx, det, alias)}) END)`;
}

/** The rule's decision for a row: its agreed value, or NULL when it keeps its own. */
export function decisionSql(rule: AgreedValueRule, ctx: CompileContext, alias?: string): string {
  const picks = rule.determinants.map((_, i) => pickSql(rule, ctx, i, alias));
  if (picks.length === 0) return 'CAST(NULL AS VARCHAR)';
  if (picks.length === 1) return picks[0];
  const agree = picks.flatMap((a, i) => picks.slice(i + 1).map((b) => `(${a} IS NULL OR ${b} IS NULL OR ${a} = ${b})`)).join(' AND ');
  return `(CASE WHEN ${agree} THEN coalesce(${picks.join(', ')}) END)`;
}

export function compileAgreedValue(rule: AgreedValueRule, ctx: CompileContext): CompiledRule {
  const col = sqlIdent(rule.column);
  if (rule.determinants.length === 0) return { setup: [], set: { [rule.column]: col }, where: 'FALSE', teardown: [] };
  const decision = decisionSql(rule, ctx);
  return {
    setup: agreedValueSetup(rule, ctx),
    set: { [rule.column]: `coalesce(${decision}, ${col})` },
    where: `${decision} IS NOT NULL`,
    teardown: agreedValueTeardown(rule),
  };
}

/** Runs `fn` between the rule's setup and teardown. */
export async function withAgreedValueTables<T>(conn: DuckDBConnection, rule: AgreedValueRule, ctx: CompileContext, fn: (tables: AgreedValueTables) => Promise<T>): Promise<T> {
  for (const s of agreedValueSetup(rule, ctx)) await conn.run(s);
  try {
    return await fn(agreedValueTables(rule));
  } finally {
    for (const s of agreedValueTeardown(rule)) await conn.run(s);
  }
}

export interface SourceAccuracy {
  source: string;
  /** estimated share of its claims that are the agreed truth, in [0.01, 0.99] */
  accuracy: number;
  /** claims it made in groups at least two sources report (the evidence behind the estimate) */
  claims: number;
}

/** The sources' estimated accuracies, best first (valid between setup and teardown; sourceColumn rules only). */
export function sourceAccuracySql(rule: AgreedValueRule): string {
  const T = agreedValueTables(rule);
  return `SELECT src AS source, acc AS accuracy, claims FROM ${T.accuracy} WHERE iter = ${TRUTH_DISCOVERY_ITERATIONS} ORDER BY acc DESC, src`;
}

/** Each source's estimated accuracy for this rule over this evidence (empty without sourceColumn). */
export async function estimateSourceAccuracy(conn: DuckDBConnection, rule: AgreedValueRule, ctx: CompileContext): Promise<SourceAccuracy[]> {
  if (!rule.sourceColumn) return [];
  return withAgreedValueTables(conn, rule, ctx, async () =>
    (await queryRows<{ source: string; accuracy: number; claims: number }>(conn, sourceAccuracySql(rule)))
      .map((r) => ({ source: r.source, accuracy: Number(r.accuracy), claims: Number(r.claims) })));
}

export interface RankedCandidate {
  rowId: number;
  column: string;
  /** the determinant whose group offers the candidate (`a+b` for a composite one) */
  determinant: string;
  candidate: string;
  /** the votes (or summed source weights) behind it */
  weight: number;
  /** its share of the group's weight, 0..1 */
  share: number;
  rank: number;
}

/**
 * Ranked candidate values for the evidence rows the rule leaves undecided (a tie, a thin margin,
 * too little support, or determinants that disagree), in groups offering a choice (two
 * candidates or more): one row per (row, determinant, candidate), over the rule's temp tables
 * (valid between setup and teardown). Suspect determinants offer none. `rows`, when given, is a
 * relation with `_airlock_row_id` narrowing the answer (e.g. the cells shown in Quarantine).
 */
export function rankedCandidatesSql(rule: AgreedValueRule, ctx: CompileContext, rows?: string): string {
  const evidence = evidenceOf(rule, ctx);
  const T = agreedValueTables(rule);
  const only = rows ? ` AND e._airlock_row_id IN (SELECT r._airlock_row_id FROM ${rows} r)` : '';
  const parts = rule.determinants.map((det, i) => `SELECT e._airlock_row_id AS row_id, ${sqlString(rule.column)} AS "column", ${sqlString(det.join('+'))} AS determinant,
      f.v AS candidate, f.n AS weight, f.share AS share, f.rk AS rank
    FROM ${evidence} e JOIN ${T.final} f ON f.det = ${i} AND f.candidates >= 2 AND f.k = ${determinantKeySql(ctx, det, 'e')}
    WHERE ${presentSql(ctx, det, 'e')} AND ${decisionSql(rule, ctx, 'e')} IS NULL${only}
      AND NOT EXISTS (SELECT 1 FROM ${T.suspects} s WHERE s.det = ${i} AND s.row_id = e._airlock_row_id)`);
  if (parts.length === 0) return `SELECT CAST(0 AS BIGINT) AS row_id, '' AS "column", '' AS determinant, '' AS candidate, 0.0 AS weight, 0.0 AS share, 0 AS rank WHERE false`;
  return `${parts.join(' UNION ALL ')} ORDER BY row_id, determinant, rank`;
}

/** rankedCandidatesSql, run: set up, read, tear down. */
export async function rankedCandidates(conn: DuckDBConnection, rule: AgreedValueRule, ctx: CompileContext, rows?: string): Promise<RankedCandidate[]> {
  return withAgreedValueTables(conn, rule, ctx, async () =>
    (await queryRows<{ row_id: number; column: string; determinant: string; candidate: string; weight: number; share: number; rank: number }>(conn, rankedCandidatesSql(rule, ctx, rows)))
      .map((r) => ({ rowId: Number(r.row_id), column: r.column, determinant: r.determinant, candidate: r.candidate, weight: Number(r.weight), share: Number(r.share), rank: Number(r.rank) })));
}
