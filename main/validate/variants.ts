// Variant spellings of a dominant value in a categorical text column (OpenRefine's "cluster and
// edit", key collision and nearest neighbour): `AMERICAN PALE ALE (APA)`, `American  IPA` or
// `Engish Pale Ale` among hundreds of rows of the usual spelling. They pass every check a contract
// can state without a closed set, so before validation the batch itself is read, in DuckDB, for
// values that are rare spellings of a value the column holds often. What is found becomes the
// column's `variants`, which validation reports as LIKELY_VARIANT (compileViolations.ts), so such a
// row is held with a reason and changed only by an audited rule (remediate/synth/variantSpelling.ts).
// The list is literal: the sandbox judges a repair by membership, not by re-reading the batch.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnSpec, Contract, VariantSpelling } from '../contract/types.js';
import { queryRows, sqlIdent, sqlString } from '../store/duckdb.js';
import { missingSql, singleValueChecks, singleValueMetricChecks } from './compileViolations.js';

/** Least non-missing rows before a column's distribution says anything. */
export const MIN_ROWS = 30;
/** Least rows behind a spelling that others are folded into. */
export const MIN_SUPPORT = 3;
/** A case/spacing variant needs its dominant spelling this many times as often (or a rare variant of a clear majority). */
export const COLLISION_RATIO = 10;
/** A typo's partner: at least this many rows, and this many times the typo's own count. */
export const TYPO_SUPPORT = 5;
/** Shorter (folded) values are never read as typos: `IPA` and `APA` are both styles. */
export const TYPO_MIN_LENGTH = 6;
/** From this (folded) length a typo may be two edits away. */
export const TYPO_TWO_EDITS_LENGTH = 12;
/**
 * Most value pairs the typo pass compares in one column: past it the column is no short list of
 * categories, and only key collisions are looked for.
 */
export const MAX_TYPO_PAIRS = 2_000_000;

/**
 * Columns the check may read: free text (no closed set, no pattern-typed format), never a key
 * (a key's values are each their own), never personal data, not the dependent of a functional
 * dependency (its group's vote is the evidence, already checked), not turned off.
 */
export function variantEligible(contract: Contract, col: ColumnSpec): boolean {
  if (contract.variantCheck === false || col.variantCheck === false) return false;
  if (col.logicalType !== 'string') return false;
  if (col.enum && col.enum.length) return false;
  if (col.primaryKey || col.unique || col.pii) return false;
  if (col.quality.some((q) => q.metric === 'duplicateValues')) return false;
  if (contract.quality.some((q) => q.metric === 'duplicateValues' && q.properties?.includes(col.name))) return false;
  // A dependent's spelling is its determinant group's to judge (FD_VIOLATION): a rare spelling
  // the whole group agrees on ('Rivertown Brewing Company' for its own brewery id) is corroborated.
  if (contract.fds.some((fd) => fd.dependent.includes(col.name))) return false;
  return true;
}

/** SQL: the fingerprint OpenRefine keys on, spaces trimmed and collapsed, case folded. */
export function fingerprintSql(v: string): string {
  const ws = '[ \\t\\r\\n\u00a0]';
  return `lower(regexp_replace(regexp_replace(${v}, ${sqlString(`^${ws}+|${ws}+$`)}, '', 'g'), ${sqlString(`${ws}+`)}, ' ', 'g'))`;
}

/** The white space the form checks read: space, tab, line breaks, no-break space (as RE2 and JS spell it). */
const WS = '[ \\t\\r\\n\u00a0]';

/** SQL: edge white space stripped and inner runs (tabs, no-break spaces) collapsed to one space. */
export function squishSql(v: string): string {
  return `regexp_replace(regexp_replace(${v}, ${sqlString(`^${WS}+|${WS}+$`)}, '', 'g'), ${sqlString(`${WS}+`)}, ' ', 'g')`;
}

/** Least share (per hundred) of the lettered rows in one case class before that class is the column's. */
export const CASE_CLASS_PER_100 = 90;

/** Least share (per hundred) of a word's uses in the column's mixed-case values written in one casing. */
export const WORD_FORM_PER_100 = 90;
/** A value of more words than this is not re-cased (free text, not a category's spelling). */
export const RECASE_MAX_WORDS = 24;
/** Words re-assembled per step (RECASE_MAX_WORDS is a multiple of it). */
const RECASE_RUN = 4;
/** Least uses of a word in the column's mixed-case values before its casing is the column's. */
export const WORD_MIN_USES = 2;

/** SQL: a value's letter case class: none (no letters), upper, lower or mixed. */
function caseClassSql(v: string): string {
  return `CASE WHEN NOT regexp_matches(${v}, '\\pL') THEN 'none' WHEN ${v} = upper(${v}) THEN 'upper' WHEN ${v} = lower(${v}) THEN 'lower' ELSE 'mixed' END`;
}

/** The value counts, fingerprints, key collisions and typo candidates of one column, as CTEs. */
function candidateCtes(col: ColumnSpec, source: string): string {
  const own = [...singleValueChecks(col, 'v'), ...singleValueMetricChecks(col, 'v')].map((c) => c.when);
  const ok = own.length ? `NOT coalesce(${own.join(' OR ')}, false)` : 'TRUE';
  return `WITH vals AS (
  SELECT v, count(*) AS c FROM (SELECT CAST(${sqlIdent(col.name)} AS VARCHAR) AS v FROM ${source}) WHERE NOT ${missingSql(col, 'v')} GROUP BY v),
-- Categorical: most rows hold a value at least ${MIN_SUPPORT} rows share. A column of names is
-- mostly unique values, and a rare value there is no evidence of anything.
shape AS (SELECT sum(c) AS n, coalesce(sum(c) FILTER (WHERE c >= ${MIN_SUPPORT}), 0) AS rep FROM vals),
fp AS (SELECT v, c, ${fingerprintSql('v')} AS f, regexp_replace(v, '[^0-9]', '', 'g') AS digits, ${ok} AS ok FROM vals
       WHERE (SELECT n >= ${MIN_ROWS} AND 2 * rep >= n FROM shape)),
ranked AS (SELECT *, row_number() OVER w AS r, lead(c) OVER w AS next_c, sum(c) OVER (PARTITION BY f) AS n_g
           FROM fp WINDOW w AS (PARTITION BY f ORDER BY c DESC, v)),
-- Key collision: the group's one most frequent spelling, valid on its own, well supported and
-- strictly ahead of the runner-up; each other spelling is far rarer (or a rare one of a majority).
dom AS (SELECT f, v AS d, c AS cd, coalesce(next_c, 0) AS c2, n_g, ok FROM ranked WHERE r = 1),
collide AS (SELECT x.v AS "from", dom.d AS "to", x.c AS count, dom.cd AS support, 'key-collision' AS how
            FROM ranked x JOIN dom USING (f)
            WHERE x.r > 1 AND dom.ok AND dom.cd >= ${MIN_SUPPORT} AND dom.cd > dom.c2
              AND (dom.cd >= ${COLLISION_RATIO} * x.c OR (x.c <= 2 AND 2 * dom.cd > dom.n_g))),
-- Near typo: a value of one or two rows, alone in its fingerprint group and long enough to carry
-- an edit, against the frequent valid values that are not themselves variants.
freq AS (SELECT v AS d, c AS cd, f AS fd, digits AS dd FROM fp WHERE c >= ${MIN_SUPPORT} AND ok AND v NOT IN (SELECT "from" FROM collide)),
-- A misspelling is read in words: a code (K1A 0B1, AB-12C) has no run of four letters, and each of
-- its characters carries meaning, so one letter off another code is another code.
rare0 AS (SELECT v, c, f, digits FROM ranked WHERE c <= 2 AND r = 1 AND n_g = c AND length(f) >= ${TYPO_MIN_LENGTH}
          AND regexp_matches(f, '\\pL{4}')),
-- Lengths more than three apart are more than three edits apart: never a typo or its runner-up.
band AS (SELECT r.v, r.c, r.f, r.digits, q.d, q.cd, q.fd, q.dd FROM rare0 r JOIN freq q ON abs(length(r.f) - length(q.fd)) <= 3)`;
}

/** How many value pairs the typo pass would compare in the column (a count, before any distance). */
export function typoPairsSql(col: ColumnSpec, source: string): string {
  return `${candidateCtes(col, source)}
SELECT count(*) AS n FROM band`;
}

/**
 * The variants of one column of `source`, as one DuckDB query over its value counts; without
 * `typos`, key collisions only.
 */
export function variantsSql(col: ColumnSpec, source: string, typos = true): string {
  return `${candidateCtes(col, source)},
-- Plain edits first (cheap); a swap of neighbours counts as one edit (Damerau), as a typist makes
-- it, measured only where it can matter: Damerau is at least half the plain distance.
near AS (SELECT *, levenshtein(f, fd) AS lev FROM band WHERE ${typos ? 'TRUE' : 'FALSE'}),
pairs AS (SELECT *, damerau_levenshtein(f, fd) AS dist FROM near WHERE lev <= 6),
scored AS (SELECT *, min(dist) OVER (PARTITION BY v) AS d1 FROM pairs),
-- Clearly nearer: no other frequent value within one more edit than the best.
lone AS (SELECT v FROM scored GROUP BY v HAVING count(*) FILTER (WHERE dist <= d1 + 1) = 1),
typo AS (SELECT v AS "from", d AS "to", c AS count, cd AS support, 'near-typo' AS how FROM scored
         WHERE dist = d1 AND v IN (SELECT v FROM lone)
           AND dist BETWEEN 1 AND CASE WHEN length(f) >= ${TYPO_TWO_EDITS_LENGTH} THEN 2 ELSE 1 END
           -- a changed digit is another value (Route 66, Gate 7), never a typo to fold
           AND digits = dd
           -- nor a changed first letter: Cortland and Portland are two towns, typos strike later
           AND left(f, 1) = left(fd, 1)
           AND cd >= ${TYPO_SUPPORT} AND cd >= ${TYPO_SUPPORT} * c),
-- Stray white space alone is never read in free text: a value that passes every check arrives as
-- delivered, its edges and inner spaces included (test/proof/recordAccounting.test.ts). The
-- spacing is mended only together with a departure in letter case, below.
-- each value's squished form and its case class, computed once (a column may hold a million distinct values)
squished AS (SELECT v, c, s, ${caseClassSql('s')} AS cls FROM (SELECT v, c, ${squishSql('v')} AS s FROM vals)),
conv AS (SELECT sum(c) AS n FROM squished),
classes AS (SELECT cls AS k, sum(c) AS c FROM squished GROUP BY 1),
domclass AS (SELECT k FROM classes WHERE k <> 'none'
             AND 100 * c >= ${CASE_CLASS_PER_100} * (SELECT sum(c) FROM classes WHERE k <> 'none')),
-- A departure in letter case ('LOCAL 5 PALE ALE', 'snake dog ipa') in a column whose lettered
-- values are mixed case: the value re-written word by word in the casing the column gives each
-- word ('Local', 'Pale', 'Ale', 'IPA'), only when every word with letters is written one way in
-- at least ${WORD_FORM_PER_100} of 100 of its uses there, and used at least ${WORD_MIN_USES} times. A word the column
-- never spells (a name of its own) leaves the value as it is: title case would be a guess.
vocab AS (SELECT lower(w) AS k, arg_max(w, n) AS form, max(n) AS top, sum(n) AS tot
          FROM (SELECT w, sum(c) AS n FROM (SELECT unnest(string_split(s, ' ')) AS w, c FROM squished WHERE cls = 'mixed') GROUP BY w)
          GROUP BY 1),
recase_src AS (SELECT v, c, s FROM squished
               WHERE cls IN ('upper', 'lower') AND 'mixed' IN (SELECT k FROM domclass) AND (SELECT n >= ${MIN_ROWS} FROM conv)),
words AS (SELECT v, c, unnest(string_split(s, ' ')) AS w, generate_subscripts(string_split(s, ' '), 1) AS i FROM recase_src),
resolved AS (SELECT x.v, x.c, x.i, x.w,
                    CASE WHEN NOT regexp_matches(x.w, '\\pL') THEN x.w
                         WHEN q.tot >= ${WORD_MIN_USES} AND 100 * q.top >= ${WORD_FORM_PER_100} * q.tot THEN q.form END AS out
             FROM words x LEFT JOIN vocab q ON q.k = lower(x.w)),
-- Re-assembled position by position, in runs of ${RECASE_RUN} words and then runs of runs: max per
-- position is a small fixed-size state the hash aggregate can spill, where string_agg's per-value
-- state cannot (and a column may hold millions of such values). A value of more than
-- ${RECASE_MAX_WORDS} words is free text, not a category: left as it is.
runs AS (SELECT v, c, (i - 1) // ${RECASE_RUN} AS run, bool_and(out IS NOT NULL) AS known,
                count(*) FILTER (WHERE regexp_matches(w, '\\pL')) AS lettered, max(i) AS last,
                concat_ws(' ', ${Array.from({ length: RECASE_RUN }, (_, k) => `max(out) FILTER (WHERE (i - 1) % ${RECASE_RUN} = ${k})`).join(', ')}) AS part
         FROM resolved GROUP BY v, c, run),
recase AS (SELECT v AS "from", concat_ws(' ', ${Array.from({ length: RECASE_MAX_WORDS / RECASE_RUN }, (_, k) => `max(part) FILTER (WHERE run = ${k})`).join(', ')}) AS "to", any_value(c) AS count,
                  (SELECT c FROM classes WHERE k = 'mixed') AS support, 'case-departure' AS how
           -- one word alone ('old') says too little: a typo of another word reads the same
           FROM runs GROUP BY v HAVING bool_and(known) AND sum(lettered) >= 2 AND max(last) <= ${RECASE_MAX_WORDS}),
-- The column's own mixed-case spellings: a value the column already writes one way ('Lake Of The
-- Woods') is that spelling's to claim, never a word-by-word re-casing ('Lake of the Woods') that
-- would add a spelling the column has never used.
spelled AS (SELECT DISTINCT lower(s) AS k, s FROM squished WHERE cls = 'mixed')
SELECT "from", "to", CAST(count AS INTEGER) AS count, CAST(support AS INTEGER) AS support, how FROM collide
UNION ALL SELECT "from", "to", CAST(count AS INTEGER), CAST(support AS INTEGER), how FROM typo
UNION ALL SELECT "from", "to", CAST(count AS INTEGER), CAST(support AS INTEGER), how FROM recase
  WHERE "from" NOT IN (SELECT "from" FROM collide) AND "from" NOT IN (SELECT "from" FROM typo) AND ${caseClassSql('"to"')} = 'mixed'
    AND NOT EXISTS (SELECT 1 FROM spelled p WHERE p.k = lower(recase."to") AND p.s <> recase."to")
ORDER BY "from"`;
}

/**
 * The contract with each eligible column's variants in `source` (the batch being validated);
 * columns with none are left as they are.
 */
export async function withBatchVariants(conn: DuckDBConnection, contract: Contract, source: string): Promise<Contract> {
  let changed = false;
  const columns: ColumnSpec[] = [];
  for (const col of contract.columns) {
    if (!variantEligible(contract, col)) {
      columns.push(col);
      continue;
    }
    const [pairs] = await queryRows<{ n: number }>(conn, typoPairsSql(col, source));
    const rows = await queryRows<VariantSpelling>(conn, variantsSql(col, source, Number(pairs?.n ?? 0) <= MAX_TYPO_PAIRS));
    const variants = rows.map((r) => ({ from: String(r.from), to: String(r.to), count: Number(r.count), support: Number(r.support), how: r.how }));
    if (variants.length) changed = true;
    columns.push(variants.length ? { ...col, variants } : col);
  }
  return changed ? { ...contract, columns } : contract;
}

/** The variants a run found, per column, for its summary. */
export function variantsOf(contract: Contract): { variants?: Record<string, VariantSpelling[]> } {
  const found = contract.columns.filter((c) => c.variants?.length);
  return found.length ? { variants: Object.fromEntries(found.map((c) => [c.name, c.variants!])) } : {};
}

/**
 * The contract as a run validated with it: its variants back on their columns, so that a review or
 * a release after the run judges LIKELY_VARIANT as the run's validation did.
 */
export function withRunVariants(contract: Contract, variants: Record<string, VariantSpelling[]> | undefined): Contract {
  if (!variants || Object.keys(variants).length === 0) return contract;
  return { ...contract, columns: contract.columns.map((c) => (variants[c.name]?.length ? { ...c, variants: variants[c.name] } : c)) };
}

/** The contract without a run's variants: they are that batch's evidence, not a rule for the next file. */
export function withoutRunVariants(contract: Contract): Contract {
  if (!contract.columns.some((c) => c.variants)) return contract;
  return { ...contract, columns: contract.columns.map(({ variants: _found, ...c }) => c) };
}
