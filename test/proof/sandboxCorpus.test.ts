// The hostile SQL corpus is complete, checked against the live DuckDB rather than a list kept by
// hand: every statement type the DuckDB binding defines has real statements in the corpus (each
// parses as a statement when run on its own), and every one is refused by the remediation sandbox;
// every function DuckDB has (core and loaded extensions) that is not on the sandbox's allow-list is
// refused when called, every table function also inside a subquery, and every file, network or
// catalog table function is named in the static corpus. A contract's `type: sql` check refuses
// every non-SELECT statement and every table function too.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementType } from '@duckdb/node-api';
import { openLockedDuckDB, queryRows, type LockedDuckDB } from '../../main/store/duckdb.js';
import { ALLOWED_FUNCTIONS, checkExpression, checkPredicate } from '../../main/remediate/sandbox.js';
import { checkSqlGateQuery } from '../../main/validate/sqlGateCheck.js';
import { UserError } from '../../main/contract/errors.js';
import { HOSTILE_EXPRESSIONS } from '../fixtures/hostile-sql.js';
import { tempDir } from '../helpers/tmp.js';

const COLUMNS = ['a', 'b'];

/**
 * How each statement type is written, by its leading keywords (DuckDB's grammar). INVALID,
 * RELATION and LOGICAL_PLAN come only from the C API, never from SQL text.
 */
const STATEMENT_SYNTAX: Record<string, RegExp | null> = {
  INVALID: null,
  RELATION: null,
  LOGICAL_PLAN: null,
  SELECT: /^\(?\s*(SELECT|FROM|VALUES|TABLE|WITH|SUMMARIZE|DESCRIBE|SHOW|UNPIVOT)\b/i,
  INSERT: /^INSERT\b/i,
  UPDATE: /^UPDATE\s+(?!EXTENSIONS\b)/i,
  EXPLAIN: /^EXPLAIN\b/i,
  DELETE: /^(DELETE|TRUNCATE)\b/i,
  PREPARE: /^PREPARE\b/i,
  CREATE: /^CREATE\b(?!.*\b(MACRO|FUNCTION)\b)/i,
  EXECUTE: /^EXECUTE\b/i,
  ALTER: /^(ALTER|COMMENT\s+ON)\b/i,
  TRANSACTION: /^(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|ABORT)\b/i,
  COPY: /^COPY\b(?!\s+FROM\s+DATABASE)/i,
  ANALYZE: /^ANALYZE\b/i,
  VARIABLE_SET: /^(SET|RESET)\s+VARIABLE\b/i,
  CREATE_FUNC: /^CREATE\b.*\b(MACRO|FUNCTION)\b/i,
  DROP: /^(DROP|DEALLOCATE)\b/i,
  EXPORT: /^(EXPORT|IMPORT)\s+DATABASE\b/i,
  PRAGMA: /^PRAGMA\b/i,
  VACUUM: /^VACUUM\b/i,
  CALL: /^(CALL\b|(FORCE\s+)?CHECKPOINT\b(?!\s*\())/i,
  SET: /^(SET|RESET|USE)\b(?!\s+VARIABLE)/i,
  LOAD: /^LOAD\b/i,
  EXTENSION: /^(FORCE\s+)?INSTALL\b/i,
  ATTACH: /^ATTACH\b/i,
  DETACH: /^DETACH\b/i,
  MULTI: /^\(?\s*PIVOT\b/i,
  COPY_DATABASE: /^COPY\s+FROM\s+DATABASE\b/i,
  UPDATE_EXTENSIONS: /^UPDATE\s+EXTENSIONS\b/i,
  MERGE_INTO: /^MERGE\s+INTO\b/i,
};

/** Names of table functions that read files, reach the network or read the catalog. */
const FILE_NET_CATALOG = /(^|_)(read|scan|glob|sniff|csv|parquet|json|ndjson|text|blob|duckdb|pragma|query|checkpoint|arrow|secret|secrets|logs?|logging|sql|file|http|s3|iceberg|delta|sqlite|postgres|mysql)(_|$)/i;

let db: LockedDuckDB;
let dir: string;
let functions: { name: string; type: string }[];

beforeAll(async () => {
  dir = tempDir('proof-sandbox');
  db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [dir], threads: 1 });
  await db.conn.run('CREATE TABLE t (a VARCHAR, b VARCHAR)');
  functions = (await queryRows<{ name: string; type: string }>(db.conn,
    'SELECT DISTINCT function_name AS name, function_type AS type FROM duckdb_functions() ORDER BY 2, 1'));
});

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the corpus covers every DuckDB statement type', () => {
  const liveTypes = Object.keys(StatementType).filter((k) => Number.isNaN(Number(k)));

  it('knows how every statement type of the live DuckDB binding is written', () => {
    expect(liveTypes.length).toBeGreaterThanOrEqual(30);
    // a statement type added by a DuckDB upgrade fails here until the corpus covers it
    expect(liveTypes.filter((t) => !(t in STATEMENT_SYNTAX))).toEqual([]);
  });

  const written = Object.entries(STATEMENT_SYNTAX).filter((e): e is [string, RegExp] => e[1] !== null);
  it.each(written)('%s: real statements in the corpus, each refused as an expression and as a predicate', async (type, syntax) => {
    const entries = HOSTILE_EXPRESSIONS.filter((h) => syntax.test(h.expr.trim()));
    expect(entries.length, `no ${type} statement in test/fixtures/hostile-sql.ts`).toBeGreaterThan(0);
    const notStatements: string[] = [];
    const accepted: string[] = [];
    for (const h of entries) {
      // A real statement: DuckDB's parser takes it on its own, so refusing it is not a typo's luck.
      // (IMPORT DATABASE is expanded while parsing: it reaches for the dump, and the lock refuses.)
      const parsed = await db.conn.extractStatements(h.expr).then((x) => x.count, (e: Error) => e.message);
      if (!(typeof parsed === 'number' && parsed >= 1) && !/Permission Error/.test(String(parsed))) notStatements.push(`${h.expr}: ${parsed}`);
      const asSet = await checkExpression(db.conn, h.expr, COLUMNS);
      const asWhere = await checkPredicate(db.conn, h.expr, COLUMNS);
      if (asSet.ok || asWhere.ok) accepted.push(h.expr);
    }
    expect(notStatements).toEqual([]);
    expect(accepted).toEqual([]);
  });
});

describe('every function of the live DuckDB outside the allow-list is refused', () => {
  const callable = () => functions.filter((f) => /^[a-z_][a-z0-9_]*$/i.test(f.name) && !ALLOWED_FUNCTIONS.has(f.name.toLowerCase()));
  const tableLike = () => functions.filter((f) => ['table', 'table_macro', 'pragma'].includes(f.type) && /^[a-z_][a-z0-9_]*$/i.test(f.name));

  it('the live list is the real one: hundreds of functions, the file readers among the table functions', () => {
    expect(callable().length).toBeGreaterThan(500);
    const tables = new Set(tableLike().map((f) => f.name));
    for (const reader of ['read_csv', 'read_parquet', 'read_json', 'read_text', 'read_blob', 'glob', 'read_duckdb', 'query_table']) {
      expect(tables.has(reader), reader).toBe(true);
    }
  });

  it('positive control: an allow-listed function passes the same check, so the refusals are not blanket', async () => {
    const r = await checkExpression(db.conn, "lower('/etc/passwd')", COLUMNS);
    expect(r.ok).toBe(true);
  });

  it('refuses every one called as a scalar, naming it', async () => {
    const wrong: string[] = [];
    for (const f of callable()) {
      const r = await checkExpression(db.conn, `${f.name}('/etc/passwd')`, COLUMNS);
      if (r.ok) wrong.push(`${f.type} ${f.name}: ACCEPTED`);
      else if (!r.reason.toLowerCase().includes(f.name.toLowerCase()) && !/parse/.test(r.reason)) wrong.push(`${f.type} ${f.name}: ${r.reason}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every table function, table macro and pragma inside a subquery, as an expression and as a predicate', async () => {
    const accepted: string[] = [];
    for (const f of tableLike()) {
      const sub = `(SELECT * FROM ${f.name}('/etc/passwd'))`;
      const a = await checkExpression(db.conn, sub, COLUMNS);
      const b = await checkPredicate(db.conn, `EXISTS ${sub}`, COLUMNS);
      if (a.ok || b.ok) accepted.push(f.name);
    }
    expect(tableLike().length).toBeGreaterThan(80);
    expect(accepted).toEqual([]);
  });

  it('names every file, network and catalog table function in the static corpus', () => {
    const risky = tableLike().filter((f) => FILE_NET_CATALOG.test(f.name)).map((f) => f.name);
    expect(risky.length).toBeGreaterThan(40);
    const text = HOSTILE_EXPRESSIONS.map((h) => h.expr.toLowerCase()).join('\n');
    expect(risky.filter((n) => !text.includes(`${n.toLowerCase()}(`))).toEqual([]);
  });
});

describe("a contract's sql check refuses every other statement type and every table function", () => {
  async function gateRefusal(query: string): Promise<string | null> {
    try {
      await checkSqlGateQuery(db.conn, query, 't');
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return (e as Error).message;
    }
  }

  it('positive control: a plain count over its own table is accepted', async () => {
    expect(await gateRefusal('SELECT count(*) FROM t WHERE a IS NULL')).toBeNull();
  });

  it('refuses every non-SELECT statement of the corpus', async () => {
    const statements = HOSTILE_EXPRESSIONS.filter((h) => Object.entries(STATEMENT_SYNTAX).some(([type, re]) => re && type !== 'SELECT' && re.test(h.expr.trim())));
    expect(statements.length).toBeGreaterThan(60);
    const accepted: string[] = [];
    for (const h of statements) if ((await gateRefusal(h.expr)) === null) accepted.push(h.expr);
    expect(accepted).toEqual([]);
  });

  it('refuses SHOW, DESCRIBE and SUMMARIZE, which read the catalog of the whole workspace', async () => {
    const accepted: string[] = [];
    for (const q of ['SHOW TABLES', 'SHOW ALL TABLES', 'SHOW DATABASES', 'DESCRIBE', 'SELECT count(*) FROM (SHOW ALL TABLES)',
      "SELECT count(*) FROM (SHOW ALL TABLES) WHERE name LIKE 's%'", 'SELECT (SELECT count(*) FROM (SHOW DATABASES))',
      'SELECT count(*) FROM t JOIN (DESCRIBE) ON true', 'SELECT count(*) FROM (SUMMARIZE t)']) {
      if ((await gateRefusal(q)) === null) accepted.push(q);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses every table function of the live DuckDB', async () => {
    const accepted: string[] = [];
    const tables = functions.filter((f) => f.type === 'table' || f.type === 'table_macro');
    for (const f of tables) {
      if ((await gateRefusal(`SELECT count(*) FROM ${f.name}('/etc/passwd')`)) === null) accepted.push(f.name);
      if ((await gateRefusal(`SELECT count(*) FROM t WHERE a IN (SELECT * FROM ${f.name}('/etc/passwd'))`)) === null) accepted.push(`${f.name} (in a subquery)`);
    }
    expect(tables.length).toBeGreaterThan(80);
    expect(accepted).toEqual([]);
  });
});
