// The Merkle tree of audit/merkle.ts, in DuckDB: leaves as one SELECT over the changes, then one
// GROUP BY per level (about 18 statements for 200,000 cells), every rule application at once.
// JavaScript loops over levels, never over cells.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PiiKind } from '../contract/types.js';
import { queryRows, sqlString } from '../store/duckdb.js';
import { LEAF_FORMAT } from './merkle.js';

// The whole-value shapes of detectPiiKind (pii.ts) that SQL can tell without a checksum.
const EMAIL_RE = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}';
const SSN_RE = '\\d{3}-\\d{2}-\\d{4}';

const enc = (expr: string) => `CASE WHEN ${expr} IS NULL THEN '-' ELSE CAST(octet_length(encode(${expr})) AS VARCHAR) || ':' || ${expr} END`;

/** The SQL expression of a change's leaf digest (hex) over the audit-form columns of `alias`. */
export function leafSql(a: string): string {
  const fields = [`CAST(${a}.row_id AS VARCHAR)`, `${a}."column"`, `${a}.old_value`, `${a}.new_value`, `${a}.reason`, `${a}.rule`, `${a}.confidence`, `${a}.proposer`, `${a}.ts`];
  return `sha256('\\x00'::BLOB || encode(${sqlString(LEAF_FORMAT)} || ${fields.map(enc).join(' || ')}))`;
}

/**
 * Leaves of the changes in `source` (a changes-table query), one row each: the audit form of the
 * change (old/new tokenised where personal: the contract's pii columns, and e-mails and SSNs in
 * any column), the raw value and kind of what was tokenised (for the token register only; never
 * shipped), g = the rule application (rule, proposer, ts), i = the leaf's place in its tree.
 */
export function auditLeavesSql(source: string, piiByColumn: ReadonlyMap<string, PiiKind>, token: (valueExpr: string, kindExpr: string) => string): string {
  const columnKind = piiByColumn.size === 0 ? 'CAST(NULL AS VARCHAR)'
    : `CASE "column" ${[...piiByColumn].map(([c, k]) => `WHEN ${sqlString(c)} THEN ${sqlString(k)}`).join(' ')} END`;
  const kindOf = (v: string) => `CASE WHEN ${v} IS NULL OR trim(${v}) = '' THEN NULL WHEN _ck IS NOT NULL THEN _ck
    WHEN length(trim(${v})) >= 6 AND regexp_full_match(trim(${v}), ${sqlString(EMAIL_RE)}) THEN 'email'
    WHEN length(trim(${v})) >= 6 AND regexp_full_match(trim(${v}), ${sqlString(SSN_RE)}) THEN 'ssn' END`;
  return `WITH k AS (SELECT *, ${kindOf('old_value')} AS old_kind, ${kindOf('new_value')} AS new_kind FROM (SELECT *, ${columnKind} AS _ck FROM ${source})),
    f AS (SELECT row_id, "column", old_value AS old_raw, new_value AS new_raw, old_kind, new_kind,
      CASE WHEN old_kind IS NULL THEN old_value ELSE ${token('old_value', 'old_kind')} END AS old_value,
      CASE WHEN new_kind IS NULL THEN new_value ELSE ${token('new_value', 'new_kind')} END AS new_value,
      reason, rule, CAST(confidence AS VARCHAR) AS confidence, proposer, ts FROM k)
    SELECT *, ${leafSql('f')} AS leaf,
      dense_rank() OVER (ORDER BY rule, proposer, ts) AS g,
      row_number() OVER (PARTITION BY rule, proposer, ts ORDER BY row_id, "column") - 1 AS i
    FROM f`;
}

export interface ApplicationRoot {
  g: number;
  rule: string;
  proposer: string;
  ts: string;
  cells: number;
  /** the columns it changed, sorted */
  columns: string[];
  root: string;
}

/** Reduces the leaves of `table` (g, i, leaf, rule, proposer, ts) to one root per application. */
export async function reduceMerkleLevels(conn: DuckDBConnection, table: string): Promise<ApplicationRoot[]> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE _merkle_level AS SELECT g, i, leaf AS h FROM ${table}`);
  try {
    for (;;) {
      const [open] = await queryRows<{ n: bigint | number }>(conn, 'SELECT count(*) - count(DISTINCT g) AS n FROM _merkle_level');
      if (Number(open.n) === 0) break;
      // Pairs (2k, 2k+1) become node k; an odd last node (a group of one) moves up unchanged.
      await conn.run(`CREATE OR REPLACE TEMP TABLE _merkle_level AS
        SELECT g, i // 2 AS i, CASE WHEN count(*) = 1 THEN any_value(h) ELSE sha256('\\x01'::BLOB || unhex(arg_min(h, i)) || unhex(arg_max(h, i))) END AS h
        FROM _merkle_level GROUP BY g, i // 2`);
    }
    const rows = await queryRows<{ g: bigint | number; rule: string; proposer: string; ts: string; cells: bigint | number; columns: string; root: string }>(conn,
      `SELECT a.g, a.rule, a.proposer, a.ts, a.cells, a.columns, m.h AS root
       FROM (SELECT g, any_value(rule) AS rule, any_value(proposer) AS proposer, any_value(ts) AS ts, count(*) AS cells,
               to_json(list(DISTINCT "column" ORDER BY "column"))::VARCHAR AS columns FROM ${table} GROUP BY g) a
       JOIN _merkle_level m USING (g) ORDER BY a.g`);
    return rows.map((r) => ({ g: Number(r.g), rule: r.rule, proposer: r.proposer, ts: r.ts, cells: Number(r.cells), columns: JSON.parse(r.columns) as string[], root: r.root }));
  } finally {
    await conn.run('DROP TABLE IF EXISTS _merkle_level');
  }
}

/**
 * The personal values SQL does not tell, in the columns that are not pii: IBANs, cards and phones
 * (checksums, written shapes) and personal spans inside text. The few candidates (a value with an
 * '@' or six digits) are protected by `protect` (PiiProtector.protectValues, as the per-cell path
 * did), and the leaves of the changes they were in are hashed again over the protected values.
 */
export async function protectOtherValues(conn: DuckDBConnection, table: string, protect: (values: string[]) => Map<string, string>): Promise<number> {
  const cands = await queryRows<{ v: string }>(conn, `SELECT DISTINCT v FROM (SELECT old_value AS v FROM ${table} WHERE old_kind IS NULL
      UNION ALL SELECT new_value FROM ${table} WHERE new_kind IS NULL)
    WHERE v IS NOT NULL AND (contains(v, '@') OR regexp_matches(v, '(\\d\\D{0,3}){6}')) ORDER BY v`);
  const changed = [...protect(cands.map((c) => c.v))].filter(([v, t]) => v !== t);
  if (changed.length === 0) return 0;
  await conn.run(`CREATE OR REPLACE TEMP TABLE _pii_other AS SELECT * FROM (VALUES ${changed.map(([v, t]) => `(${sqlString(v)}, ${sqlString(t)})`).join(', ')}) m(v, t)`);
  try {
    await conn.run(`UPDATE ${table} SET old_value = m.t FROM _pii_other m WHERE ${table}.old_kind IS NULL AND ${table}.old_value = m.v`);
    await conn.run(`UPDATE ${table} SET new_value = m.t FROM _pii_other m WHERE ${table}.new_kind IS NULL AND ${table}.new_value = m.v`);
    await conn.run(`UPDATE ${table} SET leaf = ${leafSql(table)}`);
  } finally {
    await conn.run('DROP TABLE IF EXISTS _pii_other');
  }
  return changed.length;
}
