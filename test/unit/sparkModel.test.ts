// The statement translation for Spark (main/export/dbt/sparkModel.ts) accepts what it can prove
// equal and refuses the rest by name. (What it accepts is run in real Spark by
// test/integration/sparkModelTranslation.test.ts and dbtSpark.test.ts.)
import { describe, expect, it } from 'vitest';
import { translateModelSql } from '../../main/export/dbt/sparkModel.js';
import { ref } from '../../main/export/dbt/jinjaSql.js';

function spark(sql: string): string {
  const t = translateModelSql(sql);
  if (!t.ok) throw new Error(t.reason);
  return t.sql;
}

function refusal(sql: string): string {
  const t = translateModelSql(sql);
  if (t.ok) throw new Error(`translated: ${t.sql}`);
  return t.reason;
}

const INT_OK = `regexp_full_match(trim(x), '[+-]?[0-9]+')`;

describe('translateModelSql', () => {
  it('keeps the refs of the model, as placeholders', () => {
    const out = spark(`SELECT c.* FROM ${ref('t_candidates')} c WHERE c._airlock_row_id NOT IN (SELECT row_id FROM ${ref('t_violations')})`);
    expect(out).toBe(`SELECT c.* FROM ${ref('t_candidates')} AS c WHERE c._airlock_row_id NOT IN (SELECT row_id FROM ${ref('t_violations')})`);
  });

  it('casts text to BIGINT or DOUBLE only behind the shape test of the same text', () => {
    expect(spark(`SELECT ${INT_OK} AND TRY_CAST(trim(x) AS BIGINT) > 3 FROM t`)).toMatch(/TRY_CAST\(REGEXP_REPLACE\(x, .* AS BIGINT\) > 3/);
    expect(spark(`SELECT CASE WHEN (${INT_OK} AND y = 1) THEN TRY_CAST(trim(x) AS BIGINT) END FROM t`)).toContain('TRY_CAST');
    expect(refusal('SELECT TRY_CAST(trim(x) AS BIGINT) FROM t')).toMatch(/CAST to BIG_INT/);
    // the test of another text, a test that does not have to hold (OR, NOT), a test after the cast
    expect(refusal(`SELECT ${INT_OK} AND TRY_CAST(trim(y) AS BIGINT) > 3 FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT (${INT_OK} OR y = 1) AND TRY_CAST(trim(x) AS BIGINT) > 3 FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT NOT ${INT_OK} AND TRY_CAST(trim(x) AS BIGINT) > 3 FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT TRY_CAST(trim(x) AS BIGINT) > 3 AND ${INT_OK} FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT CASE WHEN ${INT_OK} THEN 1 ELSE TRY_CAST(trim(x) AS BIGINT) END FROM t`)).toMatch(/CAST to BIG_INT/);
    // the integer test does not guard a DOUBLE cast, nor the other way round
    expect(refusal(`SELECT ${INT_OK} AND TRY_CAST(trim(x) AS DOUBLE) > 3 FROM t`)).toMatch(/CAST to DOUBLE/);
    // a pattern that is not the typed-value test's own is no guard
    expect(refusal(`SELECT regexp_full_match(trim(x), '[0-9]+') AND TRY_CAST(trim(x) AS BIGINT) > 3 FROM t`)).toMatch(/CAST to BIG_INT/);
  });

  it('sums counts only, and casts a count to BIGINT, but not a text column', () => {
    expect(spark('SELECT CAST(sum(n) OVER (PARTITION BY k) AS BIGINT) FROM (SELECT k, count(*) AS n FROM t GROUP BY k)')).toContain('CAST(SUM(n) OVER (PARTITION BY k) AS BIGINT)');
    expect(refusal('SELECT CAST(c AS BIGINT) FROM t')).toMatch(/CAST to BIG_INT/);
    // a column of unknown type, a guarded BIGINT (DuckDB sums past 2^63), a DECIMAL (DuckDB rounds the cast)
    expect(refusal('SELECT sum(c) FROM t')).toMatch(/sum\(\) of anything but a count/);
    expect(refusal(`SELECT sum(CASE WHEN ${INT_OK} THEN TRY_CAST(trim(x) AS BIGINT) END) FROM t`)).toMatch(/sum\(\)/);
    expect(refusal('SELECT CAST(sum(TRY_CAST(x AS DECIMAL(10,1))) AS BIGINT) FROM t')).toMatch(/BIG_INT|sum\(\)|DECIMAL/);
  });

  it('keeps no shape test in force where other rows or values are seen (from an adversarial pass)', () => {
    // a window, a subquery, a lambda and CASE x WHEN … see text the test did not pass
    expect(refusal(`SELECT CASE WHEN ${INT_OK} THEN max(TRY_CAST(trim(x) AS BIGINT)) OVER (PARTITION BY g) END FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT CASE WHEN ${INT_OK} THEN (SELECT max(TRY_CAST(trim(x) AS BIGINT)) FROM u) END FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT CASE WHEN ${INT_OK} THEN list_filter(['3.5'], x -> TRY_CAST(trim(x) AS BIGINT) IS NOT NULL) END FROM t`)).toMatch(/CAST to BIG_INT/);
    expect(refusal(`SELECT CASE false WHEN ${INT_OK} THEN TRY_CAST(trim(x) AS BIGINT) END FROM t`)).toMatch(/CAST to BIG_INT/);
  });

  it('refuses values the engines write differently as text or JSON (from an adversarial pass)', () => {
    const dbl = `CASE WHEN regexp_full_match(trim(x), '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?') THEN TRY_CAST(trim(x) AS DOUBLE) END`;
    expect(refusal(`SELECT CAST(${dbl} AS VARCHAR) FROM t`)).toMatch(/DOUBLE to text/);
    expect(refusal(`SELECT json_object('d', ${dbl}) FROM t`)).toMatch(/json_object\(\) of a DOUBLE/);
    expect(refusal("SELECT json_object('d', 1.50) FROM t")).toMatch(/json_object\(\) of a DECIMAL/);
    expect(refusal("SELECT json_object('o', json_object('s', x)) FROM t")).toMatch(/object or a list/);
    expect(refusal("SELECT CAST(CAST(CAST(try_strptime(x, '%Y-%m-%d') AS TIMESTAMP) AS DATE) AS VARCHAR) FROM t")).toMatch(/DATE to text/);
    expect(refusal('SELECT TRY_CAST(x AS DECIMAL(10,2)) FROM t')).toMatch(/DECIMAL in a model/);
    expect(refusal('SELECT TRY_CAST(x AS BOOLEAN) FROM t')).toMatch(/BOOLEAN in a model/);
    expect(refusal("SELECT isfinite(TRY_CAST(x AS BIGINT)) FROM t")).toMatch(/isfinite/);
  });

  it('refuses what DuckDB and Spark evaluate differently around lists and subqueries (from an adversarial pass)', () => {
    expect(refusal("SELECT unnest(['a', 'b']) AS p, unnest(['c', 'd', 'e']) AS q FROM t")).toMatch(/two unnest/);
    expect(refusal("SELECT list_filter(['a', 'b'], (x, i) -> i = 1) FROM t")).toMatch(/index parameter/);
    expect(refusal('SELECT x NOT IN (SELECT u FROM v) AS gone FROM t')).toMatch(/IN \(subquery\) as a value/);
    expect(spark('SELECT x FROM t WHERE x NOT IN (SELECT u FROM v) AND y = 1')).toContain('NOT IN (SELECT u FROM v)');
    expect(spark('SELECT x FROM t JOIN w ON w.k = t.k AND (t.x IN (SELECT u FROM v))')).toContain('IN (SELECT u FROM v)');
  });

  it('writes out the NULL order DuckDB sorts by', () => {
    expect(spark('SELECT row_number() OVER (PARTITION BY k ORDER BY v) FROM t')).toContain('ORDER BY v NULLS LAST');
    expect(spark('SELECT row_number() OVER (ORDER BY v DESC) FROM t')).toContain('ORDER BY v DESC NULLS LAST');
    expect(spark('SELECT v FROM t ORDER BY v NULLS FIRST')).toContain('ORDER BY v NULLS FIRST');
  });

  it('writes structs, lists, their filter and unnest as Spark has them', () => {
    const out = spark(`SELECT id, unnest(list_filter([CASE WHEN a THEN {'column': 'x', 'detail': json_object('k', n)} END], e -> e IS NOT NULL)) AS v FROM t`);
    expect(out).toContain("EXPLODE(FILTER(ARRAY(CASE WHEN a THEN NAMED_STRUCT('column', 'x', 'detail', TO_JSON(NAMED_STRUCT('k', n), MAP('ignoreNullFields', 'false'))) END), e -> e IS NOT NULL)) AS v");
    expect(refusal('SELECT length(unnest(l)) FROM t')).toMatch(/unnest\(\) inside an expression/);
    expect(refusal("SELECT {'a': 1}['a'] FROM t")).toMatch(/cannot be exported/);
  });

  it('writes lower() and upper() as translate() with DuckDB\'s own table of code points', () => {
    const out = spark("SELECT lower(x) IN ('si', 'ok') AS l, upper(x) AS u FROM t");
    const [, from, to] = /TRANSLATE\(x, '([^']*)', '([^']*)'\) IN \('si', 'ok'\)/.exec(out) ?? [];
    // U+0130 is 'i' in DuckDB and 'i̇' in Java; the Kelvin sign is 'k'; a final sigma stays 'σ'
    for (const [big, small] of [['A', 'a'], ['İ', 'i'], ['K', 'k'], ['Σ', 'σ'], ['𐐀', '𐐨']]) expect([...to!][[...from!].indexOf(big!)]).toBe(small);
    expect(out).not.toMatch(/LOWER|UPPER/);
    const [, ufrom, uto] = /TRANSLATE\(x, '([^']*)', '([^']*)'\) AS u/.exec(out) ?? [];
    // DuckDB's upper of 'ß' is 'ẞ' (one code point), Java's 'SS'
    expect([...uto!][[...ufrom!].indexOf('ß')]).toBe('ẞ');
  });

  it('writes what an agreedValue rule\'s evidence is made of: count / count, lead(), range() and list_transform() with positions, list_position(), [k], a split unnested', () => {
    const share = spark('SELECT n / total AS s FROM (SELECT count(*) AS n, sum(count(*)) OVER () AS total FROM t GROUP BY x)');
    // DuckDB divides by zero into infinity or NaN; Spark gives NULL or stops: written out
    expect(share).toMatch(/CASE WHEN total = 0 THEN CASE WHEN n IS NULL THEN NULL WHEN n > 0 THEN CAST\('Infinity' AS DOUBLE\)/);
    expect(share).toContain('ELSE (n) / (total) END');
    expect(spark('SELECT coalesce(lead(n, 1) OVER (PARTITION BY k ORDER BY n DESC, v), 0) FROM t')).toContain('LEAD(n, 1) OVER (PARTITION BY k ORDER BY n DESC NULLS LAST, v NULLS LAST)');
    // range(1, 1) is empty in DuckDB; Spark's sequence(1, 0) counts down
    const range = spark('SELECT range(1, length(x) + 1)[2] FROM t');
    expect(range).toContain('CASE WHEN 1 IS NULL OR LENGTH(x) + 1 IS NULL THEN NULL WHEN LENGTH(x) + 1 <= 1 THEN SLICE(SEQUENCE(1, 1), 1, 0) ELSE SEQUENCE(1, (LENGTH(x) + 1) - 1) END');
    expect(range).toMatch(/^SELECT TRY_ELEMENT_AT\(CASE .* END, 2\) FROM t$/);
    const first = spark("SELECT list_position(list_transform(range(1, length(a) + 1), _airlock_i -> substr(a, _airlock_i, 1) = substr(b, _airlock_i, 1)), false) FROM t");
    expect(first).toContain('NULLIF(ARRAY_POSITION(TRANSFORM(');
    expect(first).toContain('_airlock_i -> SUBSTRING(a, _airlock_i, 1) = SUBSTRING(b, _airlock_i, 1)');
    expect(spark("SELECT w FROM (SELECT unnest(string_split_regex(lower(v), '[^0-9A-Za-z]+')) AS w FROM t)")).toContain("EXPLODE(SPLIT(TRANSLATE(v, ");
    expect(spark('SELECT 0 AS det, CAST(0 AS BIGINT) AS row_id WHERE false')).toContain('CAST(0 AS BIGINT)');
    // where the engines would part, still refused
    expect(refusal('SELECT length(x) / 2 FROM t')).toMatch(/\/ operator of anything but two counts/);
    expect(refusal("SELECT lead(x, 1, 'd') OVER (ORDER BY x) FROM t")).toMatch(/default/);
    expect(refusal('SELECT lead(x) OVER (PARTITION BY y) FROM t')).toMatch(/without ORDER BY/);
    expect(refusal('SELECT list_transform(range(0, 3), _i -> substr(x, _i, 1)) FROM t')).toMatch(/substr\(\) with a start/);
    expect(refusal('SELECT list_transform(range(1, 3), (_i, _j) -> _i + _j) FROM t')).toMatch(/index parameter/);
    expect(refusal('SELECT list_position([x], NULL) FROM t')).toMatch(/list_position\(\) of anything but a truth constant/);
    expect(refusal('SELECT x[1] FROM t')).toMatch(/\[ \] indexing/);
    expect(refusal('SELECT [x][0] FROM t')).toMatch(/\[ \] indexing/);
    expect(refusal("SELECT unnest(string_split_regex(x, 'a*')) FROM t")).toMatch(/empty string/);
    expect(refusal("SELECT unnest(string_split_regex(x, ',', 'i')) FROM t")).toMatch(/options/);
    expect(refusal("SELECT CAST('7' AS BIGINT) FROM t")).toMatch(/BIG_INT/);
    // from an adversarial pass: what passed for a count, a position or a truth list, and was not
    expect(refusal('WITH c AS (SELECT count(*) AS n FROM t) SELECT sum(CASE WHEN n > 0 THEN 9223372036854775807 ELSE n END) FROM c')).toMatch(/sum\(\)/);
    expect(refusal("WITH c AS (SELECT count(*) AS n FROM t), s AS (SELECT {'n': 9223372036854775807} AS st FROM t) SELECT sum(st.n) FROM s")).toMatch(/sum\(\)/);
    expect(refusal('WITH c AS (SELECT count(*) AS n, count(x) AS m FROM t) SELECT list_transform([3.0], n -> list_transform([0.1], m -> m / n)[1])[1] FROM c')).toMatch(/\/ operator/);
    expect(refusal('WITH x AS (SELECT count(*) AS n, count(y) AS m FROM t UNION ALL SELECT 99999999999999999999.9, 3) SELECT n / m FROM x')).toMatch(/\/ operator/);
    expect(refusal("SELECT CASE WHEN g = 'z' THEN count(*) ELSE 2.5 END / count(*) FROM t GROUP BY g")).toMatch(/\/ operator/);
    expect(refusal('WITH c AS (SELECT count(*) AS n FROM t), d AS (SELECT 2.5 AS N) SELECT n / n FROM c')).toMatch(/\/ operator/);
    expect(spark("SELECT CASE WHEN g = 'z' THEN count(*) END / count(*) FROM t GROUP BY g")).toContain('CASE WHEN');
    expect(refusal('SELECT list_transform(range(1, 3), p -> list_transform([0], p -> substr(x, p, 2))[1])[1] FROM t')).toMatch(/substr\(\) with a start/);
    expect(refusal("SELECT list_transform(range(1, 3), p -> list_filter([0, 1], p -> substr(x, p, 1) = '')[1])[1] FROM t")).toMatch(/substr\(\) with a start/);
    expect(spark("SELECT list_transform(range(1, 3), p -> list_transform(range(1, 2), q -> substr(x, p, 1) = 'a')[1])[1] FROM t")).toContain('SUBSTRING(x, p, 1)');
    expect(refusal("SELECT list_position([1, 2], '2') FROM t")).toMatch(/list_position/);
    expect(refusal('SELECT list_position(list_transform([1, 2], z -> z + 1), false) FROM t')).toMatch(/list_position/);
    expect(refusal("SELECT unnest(string_split_regex(x, '^a')) FROM t")).toMatch(/anchor/);
    expect(refusal("SELECT unnest(string_split_regex(x, 'a{1001}')) FROM t")).toMatch(/over 1000/);
    // DuckDB prints a truth constant as a cast of its letter (beers' city rule is stored so)
    expect(spark("SELECT coalesce(x = 'a', CAST('f' AS BOOLEAN)) OR CAST('t' AS BOOLEAN) FROM t")).toBe("SELECT COALESCE(x = 'a', FALSE) OR TRUE FROM t");
    expect(refusal("SELECT CAST('yes' AS BOOLEAN) FROM t")).toMatch(/BOOLEAN/);
    expect(refusal('SELECT CAST(x AS BOOLEAN) FROM t')).toMatch(/BOOLEAN/);
  });

  it('refuses what it has no exact translation for, naming it', () => {
    expect(refusal('SELECT x FROM t LIMIT 5')).toMatch(/limit/);
    expect(refusal('SELECT x FROM t UNION SELECT x FROM u')).toMatch(/UNION without ALL/);
    expect(refusal('SELECT a / b FROM t')).toMatch(/\/ operator/);
    expect(refusal("SELECT TRY_CAST(x AS DATE) FROM t")).toMatch(/DATE/);
    expect(refusal('SELECT chr(300) FROM t')).toMatch(/chr\(\)/);
    expect(refusal('SELECT string_agg(x, \',\') FROM t')).toMatch(/string_agg/);
    expect(spark('SELECT count(DISTINCT x) FROM t')).toContain('COUNT(DISTINCT x)');
    expect(refusal('SELECT count(DISTINCT lower(x)) FROM t')).toMatch(/DISTINCT/);
    expect(refusal('SELECT count(DISTINCT TRY_CAST(x AS DOUBLE)) FROM t')).toMatch(/DISTINCT/);
    expect(refusal('SELECT min(DISTINCT x) FROM t')).toMatch(/DISTINCT/);
    // from an adversarial pass: Spark refuses DISTINCT window functions
    expect(refusal('SELECT count(DISTINCT x) OVER (PARTITION BY y) FROM t')).toMatch(/DISTINCT over a window/);
    expect(refusal('SELECT min(x) OVER (ORDER BY y ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t')).toMatch(/frame/);
    expect(refusal("SELECT json_object('k', x) FROM t WHERE x IN (SELECT y FROM u LIMIT 1)")).toMatch(/limit/);
    expect(refusal('SELECT airlock_ref__x FROM t')).toMatch(/airlock_ref__/);
  });
});

describe('trim() for Spark', () => {
  it('removes the Unicode space separators DuckDB removes, not only the space (Spark TRIM removes only the space)', () => {
    const out = spark('SELECT trim(x), ltrim(x), rtrim(x) FROM t');
    expect(out).not.toMatch(/\bTRIM\(/);
    expect(out).toContain("REGEXP_REPLACE(x, '^[\\\\x{20}\\\\x{a0}\\\\x{1680}\\\\x{2000}-\\\\x{200a}\\\\x{202f}\\\\x{205f}\\\\x{3000}]+|[\\\\x{20}\\\\x{a0}\\\\x{1680}\\\\x{2000}-\\\\x{200a}\\\\x{202f}\\\\x{205f}\\\\x{3000}]+\\\\z', '')");
    // with characters named, both trim exactly those
    expect(spark("SELECT trim(x, '*') FROM t")).toContain("TRIM('*' FROM x)");
  });
});
