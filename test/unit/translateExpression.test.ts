// The DuckDB -> Spark rule translator without Spark: every allow-list function has a decision,
// the rewrites produce the Spark forms that match DuckDB's semantics, and everything without an
// exact translation is refused with a reason naming the function or construct.
import { describe, expect, it } from 'vitest';
import { ALLOWED_FUNCTIONS } from '../../main/remediate/sandboxAllowList.js';
import { NOT_EXPORTABLE, SPARK_EXPORTABLE } from '../../main/export/dbt/notExportable.js';
import { translateRuleExpression } from '../../main/export/dbt/translateExpression.js';

function spark(expr: string): string {
  const r = translateRuleExpression(expr, 'spark');
  if (!r.ok) throw new Error(`refused ${expr}: ${r.reason}`);
  return r.sql;
}

function refusal(expr: string): string {
  const r = translateRuleExpression(expr, 'spark');
  if (r.ok) throw new Error(`${expr} was translated to ${r.sql}`);
  return r.reason;
}

describe('every function on the sandbox allow-list has an export decision', () => {
  it('each allowed function is either exportable or listed as not exportable, never both', () => {
    const undecided = [...ALLOWED_FUNCTIONS].filter((f) => !SPARK_EXPORTABLE.has(f) && !NOT_EXPORTABLE.has(f));
    const both = [...ALLOWED_FUNCTIONS].filter((f) => SPARK_EXPORTABLE.has(f) && NOT_EXPORTABLE.has(f));
    expect(undecided).toEqual([]);
    expect(both).toEqual([]);
  });
  it('the decision lists name only allowed functions', () => {
    expect([...SPARK_EXPORTABLE, ...NOT_EXPORTABLE.keys()].filter((f) => !ALLOWED_FUNCTIONS.has(f))).toEqual([]);
  });
});

describe('DuckDB is its own target', () => {
  it('returns the expression unchanged', () => {
    expect(translateRuleExpression('lower("a")', 'duckdb')).toEqual({ ok: true, sql: 'lower("a")' });
  });
});

describe('AST rewrites where Spark differs', () => {
  it("concat() skips NULLs in DuckDB, so it becomes Spark's concat_ws('')", () => {
    expect(spark('concat("a", \'-\', "b")')).toMatch(/^\(?CONCAT_WS\('', `?a`?, '-', `?b`?\)\)?$/);
  });
  it("a number read from text drops DuckDB's digit-separator underscores first", () => {
    expect(spark("TRY_CAST(replace(a, ',', '') AS DECIMAL(12,2))")).toContain("REGEXP_REPLACE(REPLACE(a, ',', ''), '(?<=[0-9])_(?=[0-9])', '')");
  });
  it('sign() is cast to TINYINT as in DuckDB', () => {
    expect(spark('sign(length(a))')).toContain('CAST(SIGN(LENGTH(a)) AS TINYINT)');
  });
  it('sha256 becomes sha2(x, 256); strlen (bytes) becomes octet_length', () => {
    expect(spark('sha256("a")')).toContain('SHA2(');
    expect(spark('strlen("a")')).toContain('OCTET_LENGTH(');
  });
  it("trim with characters becomes TRIM(BOTH/LEADING/TRAILING 'c' FROM x), not Spark's two-argument form", () => {
    expect(spark("main.\"trim\"(a, 'x')")).toContain("TRIM(BOTH 'x' FROM a)");
    expect(spark("ltrim(a, 'x')")).toContain("TRIM(LEADING 'x' FROM a)");
    expect(spark("rtrim(a, 'x')")).toContain("TRIM(TRAILING 'x' FROM a)");
  });
  it('a literal list membership becomes array_contains(array(...), x)', () => {
    expect(spark("list_contains(['a', 'b'], a)")).toContain("ARRAY_CONTAINS(ARRAY('a', 'b'), a)");
  });
  it('quoted column names and string literals are quoted for Spark', () => {
    expect(spark('"First Name" || \'it\'\'s\'')).toContain('`First Name`');
    expect(spark("'back\\slash'")).toContain("'back\\\\slash'");
  });
  it('lower() and upper() become translate() with DuckDB\'s table, not Spark\'s full case mapping', () => {
    expect(spark('lower(a)')).toMatch(/^\(?TRANSLATE\(a, 'ABC/);
    expect(spark('upper(a)')).not.toMatch(/UPPER/);
  });
  it('DuckDB rendering (the sandbox normalized form) translates like the written form', () => {
    expect(spark("main.\"position\"(a, 'x')")).toBe(spark("instr(a, 'x')"));
  });
});

describe('refusals name the function or construct', () => {
  it.each([
    ['strip_accents(a)', 'strip_accents()'],
    ["regexp_replace(a, '[0-9]', '', 'gs')", "regexp_replace() with options other than 'g' and 'i'"],
    ["regexp_full_match(a, 'é', 'i')", 'outside ASCII under the case-insensitive option'],
    ["regexp_replace(a, '[0-9]*', '', 'g')", 'can match the empty string'],
    ["regexp_replace(a, '[[:digit:]]', '')", 'regexp_replace()'],
    ["regexp_extract(a, '[0-9]', 1)", 'regexp_extract() of group 1'],
    ['regexp_split_to_array(a, \',\')', 'regexp_split_to_array()'],
    ["strftime(try_strptime(a, '%d/%m/%Y'), '%d.%m.%Y')", 'strftime()'],
    ["strftime(try_strptime(a, '%d %B %Y'), '%Y-%m-%d')", "the date format '%d %B %Y'"],
    ['reverse(a)', 'reverse()'],
    ['a[1]', '[ ] indexing'],
    ['string_split(a, \',\')', 'string_split()'],
    ['1 / 0', '/ operator'],
    ["a COLLATE nocase = 'x'", 'COLLATE'],
    ["a LIKE 'x\\%'", 'LIKE'],
    ["a ILIKE 'x%'", 'ILIKE'],
    ['substr(a, 0, 2)', 'substr()'],
    ['substr(a, -2)', 'substr()'],
    ['left(a, -1)', 'left()'],
    ["split_part(a, '', 1)", 'split_part()'],
    ["lpad(a, 3, '')", 'lpad()'],
    ['CAST(a AS DATE)', 'CAST to DATE'],
    ['TRY_CAST(a AS TIMESTAMP)', 'CAST to TIMESTAMP'],
    ['TRY_CAST(a AS DOUBLE)', 'CAST to DOUBLE'],
    ['TRY_CAST(a AS INTEGER)', 'CAST to INT'],
    ["list_contains(['a', NULL], a)", 'list_contains()'],
    ['round(TRY_CAST(a AS DOUBLE), 2)', 'round()'],
    ["levenshtein(a, 'x')", 'levenshtein()'],
    ["format('{}', a)", 'format()'],
  ])('%s', (expr, named) => {
    expect(refusal(expr)).toContain(named);
  });
  it('DuckDB integer division, which the transpiler cannot parse, is refused', () => {
    expect(refusal('7 // 2')).toMatch(/cannot parse/);
  });
  it('more than one expression, or a query, is refused', () => {
    expect(refusal('1) , (2')).toMatch(/single scalar expression|cannot parse/);
    expect(refusal('(SELECT 1)')).toMatch(/cannot be exported|cannot parse/);
  });
});
