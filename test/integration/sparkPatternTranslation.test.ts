// RE2 patterns rewritten for Java (main/export/dbt/javaPattern.ts) match the same strings: 600
// patterns generated from a seed (literals, metacharacters escaped, `.`, \d \w \s and their
// negations, classes with ranges and `&&`, groups, alternation, greedy and lazy quantifiers,
// anchors at the ends) run as regexp_full_match, regexp_matches, regexp_replace (first match, and
// every match with 'g', with generated replacements: group references, literal digits, `$`,
// backslashes) and regexp_extract (each group), and the first three with the case-insensitive
// option 'i' (RE2 folds k to the Kelvin sign and s to the long s), in DuckDB and, translated, in real Spark (one local
// SparkSession) over strings chosen where the two regex engines differ: line terminators Java
// treats specially (\r, \u0085, \u2028, a final \n), the vertical tab, non-ASCII letters and
// digits, an emoji. Every answer must agree, NULL included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLockedDuckDB, queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import { translateRuleExpression } from '../../main/export/dbt/translateExpression.js';
import { javaPattern } from '../../main/export/dbt/javaPattern.js';
import { seededRandom } from '../../main/models/tiny/seededRandom.js';
import { evaluateInSpark, type SparkResult, type SparkRow } from '../helpers/sparkSql.js';

// seeded (mulberry32), so a failure reproduces
const rand = seededRandom(20261207);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const ATOMS = ['a', 'b', 'Z', 'k', 'S', 'i', '[a-z]', '[^k]', '[S-]', '[\\[x]', '[ \u00a0]', '\u00a0', '1', '7', '_', ' ', '-', '%', '&', 'é', 'ü', '٣', '\\.', '\\-', '\\(', '\\*', '\\$', '\\\\', '\\]', '\\{',
  '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\n', '\\t', '\\r', '\\v', '\\f', '\\x41', '{', '}', ']', ',',
  '[abc]', '[^a-c]', '[\\d_]', '[\\s.]', '[a-z0-9]', '[é-ü]', '[-a]', '[a-]', '[.^$]', '[a&&b]', '[^\\n]', '[\\w-]', '[\\]x]', '[^\\s]'];
const QUANTIFIERS = ['*', '+', '?', '{2}', '{1,3}', '{2,}', '*?', '+?', '{0,1}'];

function term(depth: number): string {
  const r = rand();
  if (depth > 0 && r < 0.2) return `(${expr(depth - 1)})`;
  if (depth > 0 && r < 0.3) return `(?:${expr(depth - 1)})`;
  const atom = pick(ATOMS);
  return rand() < 0.35 ? atom + pick(QUANTIFIERS) : atom;
}

function sequence(depth: number): string {
  const n = 1 + Math.floor(rand() * 4);
  return Array.from({ length: n }, () => term(depth)).join('');
}

function expr(depth: number): string {
  return rand() < 0.2 ? `${sequence(depth)}|${sequence(depth)}` : sequence(depth);
}

// case folding: the Kelvin sign and the long s fold to k and s in RE2; the dotted and dotless i do not fold to i
const CHARS = ['a', 'b', 'Z', 'k', 'K', 's', 'S', 'i', 'I', '\u212a', '\u017f', '\u0130', '\u0131', '\u00a0', '[', '1', '7', '_', ' ', '-', '%', '&', 'é', 'ü', '٣', '.', '(', '*', '$', '\\', ']', '{', '}', ',', 'A', 'x',
  '\n', '\r', '\t', '\u000b', '\f', '\u0085', '\u2028', '\u2029', '😀'];

function rows(): SparkRow[] {
  const fixed: Array<string | null> = [null, '', 'a', 'ab', 'a\n', 'a\r', '\r\n', '\n', '\u0085', '\u2028', '\u000b', ' ', '\t',
    'é', '٣', '1', '12', 'Z1_', '\u212a', '\u017f', 'KS', '\u0130\u0131', 'a.b', 'a-b', '&', 'a&&b', '$', '^', 'A', 'aaa', 'ab\nab', '😀', 'a{2}', '%_', 'a\r\n'];
  const random = Array.from({ length: 90 }, () => Array.from({ length: Math.floor(rand() * 6) }, () => pick(CHARS)).join(''));
  return [...fixed, ...random].map((a, i) => [i + 1, a, null]);
}

const ROWS = rows();

/** An RE2 rewrite string: literal text (digits, `$`, a doubled backslash) and references to groups 0..groups. */
function rewrite(groups: number): string {
  const refs = Array.from({ length: groups + 1 }, (_, g) => `\\${g}`);
  const parts = ['', 'x', '-', '$', '$1', '\\\\', '0', '9', 'é', ' ', ...refs, ...refs];
  return Array.from({ length: Math.floor(rand() * 4) }, () => pick(parts)).join('');
}

/** The DuckDB expressions generated for one pattern. */
function expressions(p: string): string[] {
  const java = javaPattern(p, false);
  const groups = java.ok ? java.groups : 0;
  const q = sqlString(p);
  return [
    `regexp_full_match(a, ${q})`,
    `regexp_matches(a, ${q})`,
    `regexp_replace(a, ${q}, ${sqlString(rewrite(groups))})`,
    `regexp_replace(a, ${q}, ${sqlString(rewrite(groups))}, 'g')`,
    `regexp_extract(a, ${q}, ${Math.floor(rand() * (groups + 1))})`,
    // DuckDB's case-insensitive option
    `regexp_full_match(a, ${q}, 'i')`,
    `regexp_matches(a, ${q}, 'i')`,
    `regexp_replace(a, ${q}, ${sqlString(rewrite(groups))}, 'i')`,
    `regexp_replace(a, ${q}, ${sqlString(rewrite(groups))}, 'gi')`,
  ];
}
// anchors at the ends only: inside a pattern they are refused (DuckDB reads `a$b` on a column as text)
const anchored = (): string => `${rand() < 0.3 ? '^' : ''}${expr(2)}${rand() < 0.3 ? '$' : ''}`;
const PATTERNS = [...new Set(Array.from({ length: 600 }, anchored))];

interface Case { duckdb: string; spark: string | null; duck?: Array<string | null>; sparkOut?: SparkResult }

let db: LockedDuckDB;
const cases: Case[] = [];
let duckRefused = 0;

beforeAll(async () => {
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [] });
  const values = ROWS.map(([id, a]) => `(${id}, ${a === null ? 'NULL' : sqlString(a)})`);
  await db.conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${values.join(', ')}) AS v(id, a)`);
  for (const p of PATTERNS) {
    for (const duckdb of expressions(p)) {
      let duck: Array<string | null>;
      try {
        duck = (await queryRows<{ v: string | null }>(db.conn, `SELECT CAST(${duckdb} AS VARCHAR) AS v FROM t ORDER BY id`)).map((r) => r.v);
      } catch {
        duckRefused++; // not an RE2 pattern: DuckDB would refuse the rule before any export
        continue;
      }
      const tr = translateRuleExpression(duckdb, 'spark');
      cases.push({ duckdb, spark: tr.ok ? tr.sql : null, duck });
    }
  }
  const translated = cases.filter((c) => c.spark !== null);
  const out = evaluateInSpark(ROWS, translated.map((c) => c.spark!));
  translated.forEach((c, i) => { c.sparkOut = out[i]; });
}, 1_800_000);

afterAll(() => db?.close());

describe('RE2 patterns translated for Spark match what DuckDB matches', () => {
  it('most generated patterns are translated (the comparison is not vacuous)', () => {
    const translated = cases.filter((c) => c.spark !== null).length;
    // the generator writes mostly translatable syntax; refusals are \S / \W / \D inside classes
    expect(duckRefused).toBeLessThan(PATTERNS.length);
    expect(translated).toBeGreaterThan(0.7 * cases.length);
    expect(cases.length).toBeGreaterThan(2000);
    // each function is compared on hundreds of translated patterns
    for (const f of ['regexp_full_match', 'regexp_matches', 'regexp_replace', 'regexp_extract']) {
      expect(cases.filter((c) => c.spark !== null && c.duckdb.startsWith(`${f}(`)).length, f).toBeGreaterThan(300);
    }
    expect(cases.filter((c) => c.spark !== null && c.duckdb.endsWith(", 'g')")).length).toBeGreaterThan(150);
    // the case-insensitive option, on patterns of ASCII (others are refused under it)
    for (const o of ["'i')", "'gi')"]) expect(cases.filter((c) => c.spark !== null && c.duckdb.endsWith(`, ${o}`)).length, o).toBeGreaterThan(150);
  });

  it('every translated pattern gives DuckDB\'s answer on every row, in Spark', () => {
    const wrong = cases.filter((c) => c.spark !== null).flatMap((c): unknown[] => {
      const s = c.sparkOut;
      if (!s || 'error' in s) return [{ duckdb: c.duckdb, spark: c.spark, error: s && 'error' in s ? s.error : 'missing' }];
      // both render booleans as 'true'/'false' and text as itself
      const diff = ROWS.flatMap(([id, a], i) => (s.values[i] === c.duck![i] ? [] : [{ id, a, duckdb: c.duck![i], spark: s.values[i] }]));
      return diff.length ? [{ duckdb: c.duckdb, spark: c.spark, rows: diff.slice(0, 4) }] : [];
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('a pattern refused names what has no Java translation', () => {
    for (const p of ['[[:alpha:]]', '\\pL', '\\z', '\\bword', '(a)\\1', '[\\S]', '😀']) {
      const r = javaPattern(p, true);
      expect(r.ok, p).toBe(false);
      const t = translateRuleExpression(`regexp_full_match(a, ${sqlString(p)})`, 'spark');
      expect(t.ok, p).toBe(false);
      if (!t.ok) expect(t.reason).toContain('regexp_full_match()');
    }
  });
});
