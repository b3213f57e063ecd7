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

  it('casts a count to BIGINT, but not a text column', () => {
    expect(spark('SELECT CAST(sum(c) OVER (PARTITION BY k) AS BIGINT) FROM t')).toContain('CAST(SUM(c) OVER (PARTITION BY k) AS BIGINT)');
    expect(refusal('SELECT CAST(c AS BIGINT) FROM t')).toMatch(/CAST to BIG_INT/);
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

  it('reads lower(x) IN (words) where no character outside ASCII can turn into one of them', () => {
    expect(spark("SELECT lower(x) IN ('true', 'yes', 'n') FROM t")).toContain("LOWER(x) IN ('true', 'yes', 'n')");
    // U+0130 is 'i' in DuckDB and 'i̇' in Spark; U+212A (Kelvin) is 'k' in both, but 'K' upper-cased differs
    expect(refusal("SELECT lower(x) IN ('si', 'no') FROM t")).toMatch(/lower\(\)/);
    expect(refusal("SELECT lower(x) IN ('ok') FROM t")).toMatch(/lower\(\)/);
    expect(refusal("SELECT lower(x) = 'yes' FROM t")).toMatch(/lower\(\)/);
  });

  it('refuses what it has no exact translation for, naming it', () => {
    expect(refusal('SELECT x FROM t LIMIT 5')).toMatch(/limit/);
    expect(refusal('SELECT x FROM t UNION ALL SELECT x FROM u')).toMatch(/union/);
    expect(refusal('SELECT a / b FROM t')).toMatch(/\/ operator/);
    expect(refusal("SELECT TRY_CAST(x AS DATE) FROM t")).toMatch(/DATE/);
    expect(refusal('SELECT chr(300) FROM t')).toMatch(/chr\(\)/);
    expect(refusal('SELECT string_agg(x, \',\') FROM t')).toMatch(/string_agg/);
    expect(refusal('SELECT count(DISTINCT x) FROM t')).toMatch(/DISTINCT/);
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
