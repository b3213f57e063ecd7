// The remediation sandbox refuses every hostile expression in the fixture corpus, accepts the
// benign ones, and what it accepts really runs: the normalized text gives the same answers as the
// original on a small table whose columns are all VARCHAR, as in staging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openLockedDuckDB, queryRows, sqlString, type LockedDuckDB } from '../../main/store/duckdb.js';
import {
  ALLOWED_FUNCTIONS,
  checkExpression,
  checkPredicate,
  checkProposal,
  checkSerializedAst,
  lexicalProblem,
} from '../../main/remediate/sandbox.js';
import { HOSTILE_EXPRESSIONS } from '../fixtures/hostile-sql.js';
import { tempDir } from '../helpers/tmp.js';

const COLUMNS = ['a', 'b', 'First Name', 'email', 'phone', 'amount', 'dob', 'country', 'code'];

const ROWS: Array<Array<string | null>> = [
  ['Alice', 'Smith', ' alice ', 'Alice.Smith@Example.COM', '(020) 555-0101', '1,234.50', '03/04/1990', 'UK', '42'],
  ['bob', null, 'Bob', 'bob@example.org', '+44 20 5550 102', '17', '19851231', 'Germany', '7'],
  [null, 'O\'Brien', 'Zoë', 'not-an-email', '555', 'n/a', 'garbage', 'Deutschland', 'ABCDE'],
  ['  spaced   out  ', 'x', '', '', '', '', '', '', ''],
  ['Ærøskøbing', 'straße', 'ß', 'ADMIN@example.com', '0049-30-555', '-3', '29/02/2000', 'U.K.', '123456'],
];

/** Benign SET expressions: each must be accepted, and run to the same values once normalized. */
const BENIGN: string[] = [
  'lower(a)',
  'upper(trim(b))',
  "regexp_replace(phone, '[^0-9]', '', 'g')",
  "regexp_replace(a, '\\s+', ' ', 'g')",
  "CASE WHEN country IN ('UK', 'U.K.', 'Great Britain') THEN 'GB' ELSE country END",
  "CASE country WHEN 'Deutschland' THEN 'DE' WHEN 'Germany' THEN 'DE' ELSE NULL END",
  'CAST(code AS VARCHAR)',
  'TRY_CAST(amount AS DOUBLE)',
  "TRY_CAST(replace(amount, ',', '') AS DECIMAL(12,2))",
  "strftime(try_strptime(dob, '%d/%m/%Y'), '%Y-%m-%d')",
  "coalesce(strftime(try_strptime(dob, '%d/%m/%Y'), '%Y-%m-%d'), strftime(try_strptime(dob, '%Y%m%d'), '%Y-%m-%d'))",
  "lpad(code, 5, '0')",
  "rpad(left(code, 3), 6, '-')",
  "\"First Name\" || ' ' || b",
  "concat_ws(' ', trim(\"First Name\"), trim(b))",
  'substr(phone, 1, 3)',
  "split_part(email, '@', 2)",
  "lower(split_part(email, '@', 1)) || '@' || lower(split_part(email, '@', 2))",
  "nullif(trim(a), '')",
  "ifnull(a, 'unknown')",
  "CASE WHEN regexp_matches(email, '^[^@]+@[^@]+$') THEN lower(email) END",
  'strip_accents(a)',
  'CAST(round(TRY_CAST(amount AS DOUBLE), 2) AS VARCHAR)',
  'CAST(floor(TRY_CAST(amount AS DOUBLE)) AS BIGINT)',
  'abs(TRY_CAST(amount AS INTEGER))',
  "regexp_extract(phone, '([0-9]{3})', 1)",
  'length(a) > 3',
  'left(a, 2) || right(b, 2)',
  "CASE WHEN levenshtein(lower(country), 'germany') <= 2 THEN 'DE' ELSE country END",
  "CASE WHEN jaro_winkler_similarity(lower(a), 'alice') > 0.9 THEN 'Alice' ELSE a END",
  "printf('%05d', TRY_CAST(code AS INTEGER))",
  "format('{}-{}', a, b)",
  't.a',
  '"A"',
  "MAP {'UK': 'GB', 'U.K.': 'GB', 'Germany': 'DE'}[country]",
  "string_split(phone, '-')[1]",
  "a NOT LIKE '%x%'",
  "a ILIKE 'AL%'",
  "a SIMILAR TO '[A-Z].*'",
  "trim(BOTH '.' FROM a)",
  "position('@' IN email)",
  "CAST(extract(year FROM try_strptime(dob, '%d/%m/%Y')) AS VARCHAR)",
  "date_diff('day', DATE '2000-01-01', CAST(try_strptime(dob, '%d/%m/%Y') AS DATE))",
  "CAST(CAST(try_strptime(dob, '%d/%m/%Y') AS DATE) + INTERVAL 1 DAY AS VARCHAR)",
  'TRY(CAST(amount AS INTEGER))',
  "a COLLATE nocase = 'ALICE'",
  'md5(email)',
  "translate(phone, '()', '')",
  'greatest(length(a), length(b))',
  'a[1:3]',
  "E'it\\'s ' || a",
  "'O''Brien'",
  '-1 * TRY_CAST(amount AS DOUBLE)',
  "CASE WHEN a IS NULL OR trim(a) = '' THEN NULL ELSE upper(substr(a, 1, 1)) || lower(substr(a, 2)) END",
  'a IS DISTINCT FROM b',
  "a BETWEEN 'a' AND 'm'",
  "NOT (a = 'x')",
  "CASE\n\tWHEN a IS NULL THEN 'none'\n\tELSE 'some'\nEND",
  "CASE WHEN TRY_CAST(code AS INTEGER) > 10 IS TRUE THEN 'big' ELSE 'small' END",
  'reverse(a)',
  "'café ' || a",
  "replace(b, 'ß', 'ss')",
  "regexp_replace(regexp_replace(trim(a), '\\s+', ' ', 'g'), '^(.)', '\\1')",
  'TRY_CAST(amount AS DOUBLE) * 1e2',
  "list_contains(['UK', 'GB'], country)",
];

const BENIGN_PREDICATES: string[] = [
  'a IS NULL',
  "regexp_matches(phone, '^[0-9() +-]+$')",
  "country IN ('UK', 'GB') AND length(code) < 5",
  "try_strptime(dob, '%d/%m/%Y') IS NOT NULL",
  "NOT starts_with(lower(email), 'admin')",
  'TRY_CAST(amount AS DOUBLE) BETWEEN 0 AND 1000',
  "a ~~ 'A%' OR b IS NULL",
];

let db: LockedDuckDB;

beforeAll(async () => {
  const dir = tempDir('sandbox');
  db = await openLockedDuckDB({ path: join(dir, 'ws.duckdb'), allowedDirectories: [dir], threads: 1 });
  const cols = COLUMNS.map((c) => `"${c}" VARCHAR`).join(', ');
  await db.conn.run(`CREATE TABLE t (${cols})`);
  const values = ROWS.map((r) => `(${r.map((v) => (v === null ? 'NULL' : sqlString(v))).join(', ')})`).join(', ');
  await db.conn.run(`INSERT INTO t VALUES ${values}`);
});

afterAll(() => db?.close());

describe('hostile corpus', () => {
  it('holds at least 100 expressions', () => {
    expect(HOSTILE_EXPRESSIONS.length).toBeGreaterThanOrEqual(100);
  });

  const asExpression = HOSTILE_EXPRESSIONS.filter((h) => h.kind !== 'predicate');
  it.each(asExpression.map((h) => [h.why, h] as const))('refuses as a SET expression: %s', async (_why, h) => {
    const r = await checkExpression(db.conn, h.expr, COLUMNS);
    expect(r.ok, `accepted: ${h.expr.slice(0, 200)}`).toBe(false);
    if (!r.ok && h.reason) expect(r.reason.toLowerCase()).toContain(h.reason.toLowerCase());
  });

  it.each(HOSTILE_EXPRESSIONS.map((h) => [h.why, h] as const))('refuses as a WHERE predicate: %s', async (_why, h) => {
    const r = await checkPredicate(db.conn, h.expr, COLUMNS);
    expect(r.ok, `accepted: ${h.expr.slice(0, 200)}`).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    if (!r.ok && h.kind === 'predicate' && h.reason) expect(r.reason.toLowerCase()).toContain(h.reason.toLowerCase());
  });

  it('leaves the table untouched', async () => {
    const rows = await queryRows<{ n: number }>(db.conn, 'SELECT count(*) AS n FROM t');
    expect(rows[0].n).toBe(ROWS.length);
  });
});

describe('benign corpus', () => {
  it('holds at least 30 expressions', () => {
    expect(BENIGN.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BENIGN)('accepts and runs %s', async (expr) => {
    const r = await checkExpression(db.conn, expr, COLUMNS);
    if (!r.ok) throw new Error(`refused ${expr}: ${r.reason}`);
    // The normalized text must compute exactly what the original does, row by row.
    const rows = await queryRows<{ same: boolean }>(
      db.conn,
      `SELECT ((${expr}) IS NOT DISTINCT FROM (${r.normalized})) AS same FROM t`,
    );
    expect(rows).toHaveLength(ROWS.length);
    expect(rows.every((row) => row.same)).toBe(true);
  });

  it.each(BENIGN_PREDICATES)('accepts and runs predicate %s', async (pred) => {
    const r = await checkPredicate(db.conn, pred, COLUMNS);
    if (!r.ok) throw new Error(`refused ${pred}: ${r.reason}`);
    const raw = await queryRows<{ n: number }>(db.conn, `SELECT count(*) AS n FROM t WHERE ${pred}`);
    const norm = await queryRows<{ n: number }>(db.conn, `SELECT count(*) AS n FROM t WHERE ${r.normalized}`);
    expect(norm[0].n).toBe(raw[0].n);
  });

  // How fast the check is belongs to a benchmark, not to a test that a loaded machine can fail.
  it('accepts a 2,000-branch lookup CASE, and it maps values', async () => {
    const branches = Array.from({ length: 2000 }, (_, i) => `WHEN code = '${i}' THEN 'value-${i}'`).join(' ');
    const expr = `CASE ${branches} ELSE code END`;
    const r = await checkExpression(db.conn, expr, COLUMNS);
    if (!r.ok) throw new Error(`refused the lookup CASE: ${r.reason}`);
    const rows = await queryRows<{ code: string; v: string }>(db.conn, `SELECT code, (${r.normalized}) AS v FROM t ORDER BY code`);
    expect(rows.find((row) => row.code === '42')?.v).toBe('value-42');
    expect(rows.find((row) => row.code === 'ABCDE')?.v).toBe('ABCDE');
  });

  it('matches columns case-insensitively and refuses a type error at bind time', async () => {
    expect((await checkExpression(db.conn, 'LOWER(EMAIL)', COLUMNS)).ok).toBe(true);
    const r = await checkExpression(db.conn, "regexp_replace(a)", COLUMNS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/bind/i);
  });

  it('returns DuckDB\'s rendering, free of the original spacing', async () => {
    const r = await checkExpression(db.conn, "  lower(\n a )||'x'  ", COLUMNS);
    expect(r).toEqual({ ok: true, normalized: "(lower(a) || 'x')", type: 'VARCHAR' });
  });

  it('refuses a condition that is not true/false, and a value that is a list', async () => {
    expect(await checkPredicate(db.conn, 'lower(a)', COLUMNS)).toEqual({
      ok: false,
      reason: 'a condition must be true or false (this one gives VARCHAR)',
    });
    expect(await checkExpression(db.conn, "string_split(a, ',')", COLUMNS)).toEqual({
      ok: false,
      reason: 'a value must be a single value (this one gives VARCHAR[])',
    });
    expect(await checkExpression(db.conn, "string_split(a, ',')", COLUMNS, { bind: false })).toEqual({
      ok: true,
      normalized: "string_split(a, ',')",
    });
  });

  it('allows a tighter length limit for model output', async () => {
    const r = await checkExpression(db.conn, `lower(a) || '${'x'.repeat(5000)}'`, COLUMNS, { maxChars: 4000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/limit is 4000/);
  });
});

describe('checkProposal', () => {
  it('normalizes every SET and the WHERE', async () => {
    const r = await checkProposal(db.conn, { set: { phone: "regexp_replace(phone, '[^0-9]', '', 'g')" }, where: 'phone IS NOT NULL' }, COLUMNS);
    expect(r).toEqual({ ok: true, set: { phone: "regexp_replace(phone, '[^0-9]', '', 'g')" }, where: '(phone IS NOT NULL)' });
  });

  it('refuses an unknown target column, an empty SET and a hostile WHERE', async () => {
    expect((await checkProposal(db.conn, { set: { nope: 'a' } }, COLUMNS)).ok).toBe(false);
    expect((await checkProposal(db.conn, { set: {} }, COLUMNS)).ok).toBe(false);
    const r = await checkProposal(db.conn, { set: { a: 'b' }, where: "getenv('HOME') IS NOT NULL" }, COLUMNS);
    expect(r).toEqual({ ok: false, reason: 'where: function getenv is not allowed' });
  });
});

describe('allow-list', () => {
  it('names only built-in scalar functions (never table, aggregate or window functions)', async () => {
    const names = [...ALLOWED_FUNCTIONS].map(sqlString).join(', ');
    const rows = await queryRows<{ name: string; kinds: string[]; internal: boolean[] }>(
      db.conn,
      `SELECT function_name AS name, list(DISTINCT function_type) AS kinds, list(DISTINCT internal) AS internal
         FROM duckdb_functions() WHERE function_name IN (${names}) GROUP BY function_name`,
    );
    const found = new Map(rows.map((r) => [r.name, r]));
    for (const name of ALLOWED_FUNCTIONS) {
      const row = found.get(name);
      expect(row, `${name} is not a DuckDB function`).toBeDefined();
      expect(row!.kinds.every((k) => k === 'scalar' || k === 'macro'), `${name}: ${row!.kinds.join(',')}`).toBe(true);
      expect(row!.internal.every(Boolean), `${name} is not built in`).toBe(true);
    }
  });
});

/**
 * What an escape from the wrapper would look like once parsed. The parenthesis guard stops these
 * texts before DuckDB sees them, so the structural checks behind it are tested on the parse trees.
 */
const ESCAPED_STATEMENTS: Array<[sql: string, kind: 'expression' | 'predicate', reason: string]> = [
  ['SELECT (a) AS v FROM t UNION ALL SELECT (b) AS v FROM t', 'expression', 'set operations (UNION) are not allowed'],
  ["SELECT (a) AS v FROM t WHERE a = 'x'", 'expression', 'WHERE is not allowed inside an expression'],
  ['SELECT (a) AS v, (b) FROM t', 'expression', 'exactly one expression is allowed (found 2)'],
  ['SELECT (a) FROM t', 'expression', 'aliases are not allowed'],
  ['SELECT (a) AS w FROM t', 'expression', 'aliases are not allowed'],
  ['SELECT DISTINCT (a) AS v FROM t', 'expression', 'DISTINCT is not allowed'],
  ['SELECT (a) AS v FROM t ORDER BY a', 'expression', 'ORDER BY is not allowed'],
  ['SELECT (a) AS v FROM t LIMIT 1', 'expression', 'LIMIT is not allowed'],
  ['SELECT (a) AS v FROM t GROUP BY a', 'expression', 'GROUP BY is not allowed'],
  ['SELECT (a) AS v FROM t GROUP BY ALL', 'expression', 'GROUP BY is not allowed'],
  ['SELECT (a) AS v FROM t HAVING true', 'expression', 'HAVING is not allowed'],
  ['SELECT (a) AS v FROM t QUALIFY true', 'expression', 'QUALIFY is not allowed'],
  ['SELECT (a) AS v FROM t USING SAMPLE 10', 'expression', 'sampling is not allowed'],
  ['WITH x AS (SELECT 1) SELECT (a) AS v FROM t', 'expression', 'WITH (common table expressions) is not allowed'],
  ['SELECT (a) AS v FROM t JOIN u ON true', 'expression', 'FROM must be the row\'s own table only (found JOIN)'],
  ["SELECT (a) AS v FROM read_csv('/etc/passwd')", 'expression', "FROM must be the row's own table only (found TABLE_FUNCTION read_csv())"],
  ['SELECT (a) AS v FROM (SELECT 1 AS a)', 'expression', "FROM must be the row's own table only (found SUBQUERY)"],
  ['SELECT (a) AS v FROM t AS x', 'expression', "FROM must be the row's own table only"],
  ['SELECT (a) AS v FROM main.t', 'expression', "FROM must be the row's own table only"],
  ['SELECT (a) AS v FROM u', 'expression', "FROM must be the row's own table only"],
  ['SELECT (a) AS v FROM t TABLESAMPLE 10%', 'expression', "FROM must be the row's own table only"],
  ['SELECT (a) AS v', 'expression', "FROM must be the row's own table only (found EMPTY)"],
  ['SELECT 2 FROM t WHERE (a IS NULL)', 'predicate', 'the condition escaped its WHERE clause'],
  ['SELECT 1, 2 FROM t WHERE (a IS NULL)', 'predicate', 'exactly one expression is allowed (found 2)'],
  ['SELECT 1 FROM t', 'predicate', 'the condition is missing'],
  ['SELECT 1 FROM t WHERE (a IS NULL) UNION SELECT 1', 'predicate', 'set operations (UNION) are not allowed'],
  ['SELECT 1 FROM t WHERE (true) GROUP BY (a)', 'predicate', 'GROUP BY is not allowed'],
  ['SELECT 1 FROM t WHERE (true) ORDER BY (a)', 'predicate', 'ORDER BY is not allowed'],
];

describe('structural checks behind the parenthesis guard', () => {
  it.each(ESCAPED_STATEMENTS)('refuses %s', async (sql, kind, reason) => {
    const rows = await queryRows<{ j: string }>(db.conn, `SELECT json_serialize_sql(${sqlString(sql)}) AS j`);
    expect(checkSerializedAst(rows[0].j, COLUMNS, kind)).toEqual({ ok: false, reason });
  });

  it('accepts the wrapper shapes themselves', async () => {
    for (const [sql, kind] of [
      ['SELECT (\nlower(a)\n) AS v FROM t', 'expression'],
      ['SELECT 1 FROM t WHERE (\na IS NULL\n)', 'predicate'],
    ] as const) {
      const rows = await queryRows<{ j: string }>(db.conn, `SELECT json_serialize_sql(${sqlString(sql)}) AS j`);
      expect(checkSerializedAst(rows[0].j, COLUMNS, kind)).toEqual({ ok: true });
    }
  });
});

describe('checkSerializedAst (no DuckDB)', () => {
  const lowerA = {
    error: false,
    statements: [
      {
        node: {
          type: 'SELECT_NODE',
          modifiers: [],
          cte_map: { map: [] },
          select_list: [
            {
              class: 'FUNCTION', type: 'FUNCTION', alias: 'v', query_location: 8, function_name: 'lower', schema: '',
              children: [{ class: 'COLUMN_REF', type: 'COLUMN_REF', alias: '', query_location: 14, column_names: ['a'] }],
              filter: null, order_bys: { type: 'ORDER_MODIFIER', orders: [] }, distinct: false, is_operator: false,
              export_state: false, catalog: '',
            },
          ],
          from_table: {
            type: 'BASE_TABLE', alias: '', sample: null, query_location: 20, schema_name: '', table_name: 't',
            column_name_alias: [], catalog_name: '', at_clause: null,
          },
          where_clause: null, group_expressions: [], group_sets: [], aggregate_handling: 'STANDARD_HANDLING',
          having: null, sample: null, qualify: null,
        },
        named_param_map: [],
      },
    ],
  };
  const clone = (): typeof lowerA => structuredClone(lowerA);

  it('accepts a well-formed tree, as text or as an object', () => {
    expect(checkSerializedAst(JSON.stringify(lowerA), ['a'])).toEqual({ ok: true });
    expect(checkSerializedAst(lowerA, ['A'])).toEqual({ ok: true });
  });

  it('refuses unknown columns, functions and keys, and DuckDB errors', () => {
    expect(checkSerializedAst(lowerA, ['b'])).toEqual({ ok: false, reason: 'unknown column "a"' });
    const fn = clone();
    fn.statements[0].node.select_list[0].function_name = 'read_text';
    expect(checkSerializedAst(fn, ['a'])).toEqual({ ok: false, reason: 'function read_text is not allowed' });
    // A field a later DuckDB adds is refused until someone looks at it.
    const extra = clone() as unknown as { statements: Array<{ node: { select_list: Array<Record<string, unknown>> } }> };
    extra.statements[0].node.select_list[0].new_field = 1;
    expect(checkSerializedAst(extra, ['a'])).toEqual({ ok: false, reason: 'unexpected new_field in FUNCTION' });
    const two = clone();
    two.statements.push(two.statements[0]);
    expect(checkSerializedAst(two, ['a'])).toEqual({ ok: false, reason: 'only one statement is allowed' });
    const err = { error: true, error_type: 'not implemented', error_message: 'Only SELECT statements can be serialized to json!' };
    expect(checkSerializedAst(err, ['a'])).toEqual({
      ok: false,
      reason: 'DuckDB refused to parse it: Only SELECT statements can be serialized to json!',
    });
    expect(checkSerializedAst('not json', ['a'])).toEqual({ ok: false, reason: 'malformed parse tree' });
  });

  it('refuses a tree over the node limit', () => {
    const r = checkSerializedAst(lowerA, ['a'], 'expression', { maxNodes: 1 });
    expect(r).toEqual({ ok: false, reason: 'expression has more than 1 nodes' });
  });
});

describe('lexicalProblem', () => {
  it('lets quoted text hold what bare text may not', () => {
    expect(lexicalProblem("replace(a, ';', '--')")).toBeNull();
    expect(lexicalProblem('"col; -- /* $1 ?"')).toBeNull();
    expect(lexicalProblem("'Zoë ß 東京'")).toBeNull();
    expect(lexicalProblem("E'it\\'s; --'")).toBeNull();
    expect(lexicalProblem('a; b')).toMatch(/semicolon/);
    expect(lexicalProblem("lower(a) || ')'")).toBeNull();
    expect(lexicalProblem('a) OR (b')).toMatch(/unbalanced/);
    expect(lexicalProblem("E'\\' -- ")).toMatch(/unterminated/);
  });
});
