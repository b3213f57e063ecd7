// Compiles a contract into one SQL query that yields every violation of a staged batch as
// (row_id, column, reason, rule, detail). Keys and functional dependencies are grouped
// aggregations over the few columns they read (the duplicated keys, the disagreeing groups: small
// relations), joined back to the batch by value; then one scan where each row builds its list of
// violations, and unnest flattens them. No window runs over the batch: a window materialises and
// sorts every column of every row once per partitioning, which made validation the costliest
// stage. Nothing here loops over rows in JavaScript.
import type { ColumnSpec, Contract, QualityCheck } from '../contract/types.js';
import { sqlIdent, sqlString } from '../store/duckdb.js';
import { boundLiteral, compareSql, typeOkSql } from './typedValue.js';
import { keyPartitionSql } from './keyValue.js';
import { determinantSuspectsSql } from './determinantSuspects.js';

export interface Check {
  column: string;
  reason: string;
  rule: string;
  /** SQL boolean: the row violates */
  when: string;
  /** SQL VARCHAR detail, or NULL */
  detail?: string;
}

/**
 * A grouped aggregation over the batch (`_airlock_src`), LEFT JOINed back to it on `keys`
 * (NULL matches NULL, as rows of one partition did): the relation names its columns with the
 * reserved prefix, so no contract column is ambiguous.
 */
interface GroupJoin {
  name: string;
  /** SELECT over _airlock_src yielding the key columns `${name}_k<i>` and the aggregates */
  sql: string;
  /** the batch-side expressions matched to `${name}_k<i>` */
  keys: string[];
}

/** Rows of a key that occurs more than once, with the first row id holding it (`${name}_first`). */
function duplicateKeyGroup(groups: GroupJoin[], keys: string[]): string {
  const name = `_airlock_dupk${groups.length}`;
  groups.push({
    name, keys,
    sql: `SELECT ${keys.map((k, i) => `${k} AS ${name}_k${i}`).join(', ')}, min(_airlock_row_id) AS ${name}_first
      FROM _airlock_src GROUP BY ${keys.map((_, i) => i + 1).join(', ')} HAVING count(*) > 1`,
  });
  return `${name}_first`;
}

export function missingSql(col: ColumnSpec, v: string): string {
  const tokens = col.missingTokens.filter((t) => t.trim() !== '');
  const tokenTest = tokens.length ? ` OR ${v} IN (${tokens.map(sqlString).join(', ')})` : '';
  return `(${v} IS NULL OR trim(${v}) = ''${tokenTest})`;
}

/**
 * The checks of one column that judge a value on its own (type, pattern, closed set, length,
 * range): each `when` is TRUE when the text `v` violates. Validation compiles these; a repair's
 * output is judged by the same builders (remediate/valueChecks.ts valueValidSql), so the two agree.
 */
export function singleValueChecks(col: ColumnSpec, v: string): Check[] {
  const present = `NOT ${missingSql(col, v)}`;
  const typeOk = typeOkSql(col, v);
  const typed = compareSql(col, v);
  const checks: Check[] = [];
  const name = col.name;
  if (typeOk !== 'TRUE') {
    checks.push({ column: name, reason: 'TYPE_MISMATCH', rule: `${name}.logicalType=${col.logicalType}${col.format ? ` format ${col.format}` : ''}`, when: `(${present} AND NOT ${typeOk})` });
  }
  if (col.pattern) {
    checks.push({ column: name, reason: 'PATTERN_MISMATCH', rule: `${name}.pattern`, when: `(${present} AND NOT regexp_full_match(${v}, ${sqlString(col.pattern)}))`, detail: sqlString(col.pattern) });
  }
  // The closed set, however the contract wrote it (the old `enum` key, or an invalidValues check
  // whose validValues are the set: metricRowChecks leaves that part to this check).
  if (col.enum) {
    checks.push({ column: name, reason: 'NOT_IN_SET', rule: col.enumRule ?? `${name}.enum`, when: `(${present} AND ${v} NOT IN (${col.enum.map(sqlString).join(', ')}))` });
  }
  // Rare spellings of a value the batch holds often (validate/variants.ts): a literal list, so a
  // repaired value is judged the same way in the sandbox as in the batch.
  if (col.variants?.length) {
    const froms = `[${col.variants.map((x) => sqlString(x.from)).join(', ')}]`;
    const details = `[${col.variants.map((x) => sqlString(JSON.stringify({ dominant: x.to, rows: x.count, support: x.support, how: x.how }))).join(', ')}]`;
    checks.push({ column: name, reason: 'LIKELY_VARIANT', rule: `${name}.variant`, when: `(${v} IN (${col.variants.map((x) => sqlString(x.from)).join(', ')}))`, detail: `${details}[list_position(${froms}, ${v})]` });
  }
  if (col.minLength !== undefined) checks.push({ column: name, reason: 'LENGTH_VIOLATION', rule: `${name}.minLength=${col.minLength}`, when: `(${present} AND length(${v}) < ${col.minLength})` });
  if (col.maxLength !== undefined) checks.push({ column: name, reason: 'LENGTH_VIOLATION', rule: `${name}.maxLength=${col.maxLength}`, when: `(${present} AND length(${v}) > ${col.maxLength})` });
  const ranges: Array<[keyof ColumnSpec, string]> = [['minimum', '<'], ['maximum', '>'], ['exclusiveMinimum', '<='], ['exclusiveMaximum', '>=']];
  for (const [k, op] of ranges) {
    const bound = col[k] as number | string | undefined;
    if (bound === undefined) continue;
    checks.push({
      column: name, reason: 'OUT_OF_RANGE', rule: `${name}.${k}=${bound}`,
      when: `(${present} AND ${typeOk} AND ${typed} ${op} ${boundLiteral(col, bound)})`,
    });
  }
  return checks;
}

/** The value-level part of the column's library metrics (nullValues, invalidValues), over text `v`. */
export function singleValueMetricChecks(col: ColumnSpec, v: string): Check[] {
  return col.quality.flatMap((q) => (q.type === 'library' && (q.metric === 'nullValues' || q.metric === 'invalidValues') ? metricRowChecks(q, col, [], undefined, v) : []));
}

function columnChecks(col: ColumnSpec, windows: GroupJoin[]): Check[] {
  const v = sqlIdent(col.name);
  const present = `NOT ${missingSql(col, v)}`;
  const checks: Check[] = [];
  const name = col.name;
  if (col.required) checks.push({ column: name, reason: 'REQUIRED_MISSING', rule: `${name}.required`, when: missingSql(col, v) });
  checks.push(...singleValueChecks(col, v));
  if (col.unique || col.primaryKey) {
    // Every row of a repeated key but its first (by row id) is a duplicate.
    const first = duplicateKeyGroup(windows, keyPartitionSql(col, v));
    checks.push({ column: name, reason: 'DUPLICATE_KEY', rule: `${name}.${col.primaryKey ? 'primaryKey' : 'unique'}`, when: `(${present} AND ${first} IS NOT NULL AND _airlock_row_id <> ${first})` });
  }
  col.quality.forEach((q) => checks.push(...metricRowChecks(q, col, windows)));
  return checks;
}

/** Row-level effect of a library metric: the rows it counts are violations. */
function metricRowChecks(q: QualityCheck, col: ColumnSpec | undefined, windows: GroupJoin[], contract?: Contract, valueExpr?: string): Check[] {
  if (q.type !== 'library') return [];
  if (col) {
    const v = valueExpr ?? sqlIdent(col.name);
    switch (q.metric) {
      case 'nullValues':
        return [{ column: col.name, reason: 'NULL_VALUE', rule: q.name, when: `(${v} IS NULL)` }];
      case 'missingValues':
        // Optional columns get their tokens normalised to NULL before validation (audited);
        // required ones already report REQUIRED_MISSING.
        return [];
      case 'invalidValues': {
        const conds: string[] = [];
        // A set of valid values is the column's closed set (NOT_IN_SET, see columnChecks) when
        // it is the one the column's enum came from; any further set is an INVALID_VALUE check.
        if (q.validValues && q.name !== col.enumRule) conds.push(`${v} NOT IN (${q.validValues.map(sqlString).join(', ')})`);
        if (q.pattern) conds.push(`NOT regexp_full_match(${v}, ${sqlString(q.pattern)})`);
        if (conds.length === 0) return [];
        return [{ column: col.name, reason: 'INVALID_VALUE', rule: q.name, when: `(NOT ${missingSql(col, v)} AND (${conds.join(' OR ')}))` }];
      }
      case 'duplicateValues': {
        const first = duplicateKeyGroup(windows, keyPartitionSql(col, v));
        return [{ column: col.name, reason: 'DUPLICATE_KEY', rule: q.name, when: `(${v} IS NOT NULL AND ${first} IS NOT NULL AND _airlock_row_id <> ${first})` }];
      }
      default:
        return [];
    }
  }
  if (q.metric === 'duplicateValues' && q.properties?.length) {
    const cols = q.properties.map(sqlIdent);
    // Each part of a composite key compares as its column's type (a property the contract does
    // not declare compares as text).
    const parts = q.properties.flatMap((p) => {
      const spec = contract?.columns.find((c) => c.name === p);
      return spec ? keyPartitionSql(spec, sqlIdent(p)) : [sqlIdent(p)];
    });
    const first = duplicateKeyGroup(windows, parts);
    return [{ column: q.properties.join('+'), reason: 'DUPLICATE_KEY', rule: q.name, when: `(${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} AND ${first} IS NOT NULL AND _airlock_row_id <> ${first})` }];
  }
  return [];
}

/** A value of a determinant column that can name a group: present and passing its column's own checks. */
export function determinantUsableSql(col: ColumnSpec, v: string): string {
  const checks = [...singleValueChecks(col, v), ...singleValueMetricChecks(col, v)];
  return `coalesce((NOT ${missingSql(col, v)}${checks.map((c) => ` AND NOT coalesce(${c.when}, false)`).join('')}), false)`;
}

/**
 * Functional dependencies: within a group of equal determinant values, a row whose dependent
 * value differs from the group's clear majority (more than half the rows) is a violation; in a
 * group with no clear majority every row is flagged. The detail carries the majority value and
 * its support, the evidence a repair can use.
 */
function fdChecks(contract: Contract, windows: GroupJoin[], joins: SuspectJoin[], only?: Set<string>): Check[] {
  const checks: Check[] = [];
  contract.fds.forEach((fd, i) => {
    const detTouched = !only || fd.determinant.some((c) => only.has(c));
    if (!detTouched && !fd.dependent.some((c) => only!.has(c))) return;
    const suspects = determinantSuspectCheck(fd, i, joins);
    if (suspects) checks.push(suspects);
    const det = fd.determinant.map(sqlIdent);
    // A determinant value that is missing or fails its own column's checks ('N/A', '?', a zip
    // with a letter) names no entity: its rows are held for that value and form no group (they
    // would otherwise all be "the same" and disagree). Its repair brings the row into its group.
    const detPresent = fd.determinant.map((c) => {
      const spec = contract.columns.find((x) => x.name === c);
      return spec ? determinantUsableSql(spec, sqlIdent(c)) : `(${sqlIdent(c)} IS NOT NULL AND trim(${sqlIdent(c)}) <> '')`;
    }).join(' AND ');
    fd.dependent.forEach((dep, j) => {
      if (!detTouched && !only!.has(dep)) return;
      const d = sqlIdent(dep);
      // Per (determinant, dependent value): its rows c, and its determinant group's rows n. A row
      // holding the clear majority has 2c > n. Every other row of a group that disagrees (a
      // minority row, or any row of a group with no clear majority) has 2c <= n: only those
      // (determinant, value) pairs are kept and joined back.
      const name = `_airlock_fd${i}_${j}`;
      const keys = [...det, `coalesce(${d}, chr(0))`];
      const c = `${name}_c`;
      const n = `${name}_n`;
      const k = keys.map((_, x) => `${name}_k${x}`);
      windows.push({
        name, keys,
        sql: `SELECT * FROM (SELECT ${k.join(', ')}, ${c}, CAST(sum(${c}) OVER (PARTITION BY ${k.slice(0, det.length).join(', ')}) AS BIGINT) AS ${n}
          FROM (SELECT ${keys.map((e, x) => `${e} AS ${k[x]}`).join(', ')}, count(*) AS ${c} FROM _airlock_src GROUP BY ${keys.map((_, x) => x + 1).join(', ')}))
          WHERE 2 * ${c} <= ${n}`,
      });
      checks.push({
        column: dep,
        reason: 'FD_VIOLATION',
        rule: `fd:${fd.determinant.join('+')}->${dep}`,
        when: `(${detPresent} AND ${c} IS NOT NULL)`,
        detail: `json_object('determinant', ${sqlString(fd.determinant.join('+'))}, 'agreeing', ${c}, 'group', ${n})`,
      });
    });
  });
  return checks;
}

/** A relation of suspect rows joined to the scanned rows by row id (columns prefixed by `prefix`). */
interface SuspectJoin { name: string; sql: string; prefix: string }

/**
 * A row whose determinant is the likelier error (validate/determinantSuspects.ts): its key is rare,
 * and its dependents are exactly those of one well-supported key spelt almost alike. Reported on
 * the determinant, with the candidate key and its support as detail (the repair's evidence). The
 * check reads the whole relation it is compiled over, so it changes whenever the dependency's
 * determinant or a dependent does: a partial compile includes it with the dependency. Over a
 * verification's universe (the subject rows and the rows tied to them by a key) it sees only the
 * keys in reach: a repaired row, now in its candidate's group, is judged right; apply.ts judges
 * every changed row again over the whole batch before anything is promoted.
 */
function determinantSuspectCheck(fd: Contract['fds'][number], i: number, joins: SuspectJoin[]): Check | null {
  const name = `_fdsus${i}`;
  const prefix = `_airlock_fdsus${i}_`;
  const sql = determinantSuspectsSql(fd, '_airlock_src');
  if (!sql) return null;
  joins.push({ name, sql, prefix });
  const c = (k: string) => `${prefix}${k}`;
  return {
    column: fd.determinant[0],
    reason: 'FD_DETERMINANT_SUSPECT',
    rule: `fd-determinant:${fd.determinant[0]}->${fd.dependent.join('+')}`,
    when: `(${c('to')} IS NOT NULL)`,
    detail: `json_object('determinant', ${sqlString(fd.determinant[0])}, 'candidate', ${c('to')}, 'support', ${c('support')}, 'group', ${c('grp')}, 'distance', ${c('dist')}, 'oneToOne', ${c('one_to_one')}, 'dependentTuples', ${c('tuples')})`,
  };
}

export interface CompiledValidation {
  /** SELECT producing (row_id BIGINT, column VARCHAR, reason VARCHAR, rule VARCHAR, detail VARCHAR) */
  sql: string;
  checks: number;
  /** the rule names compiled (a partial compile covers only some) */
  rules: string[];
}

/**
 * @param only when given, only the checks a change to these columns can affect: their own
 *   checks, the keys that include them, and the FDs they take part in (all dependents of an FD
 *   whose determinant changed, and the FD's determinant suspects whichever of its columns changed).
 */
export function compileViolations(contract: Contract, source: string, only?: Iterable<string>): CompiledValidation {
  const onlySet = only ? new Set(only) : undefined;
  const windows: GroupJoin[] = [];
  const checks: Check[] = [];
  for (const col of contract.columns) if (!onlySet || onlySet.has(col.name)) checks.push(...columnChecks(col, windows));
  for (const q of contract.quality) {
    if (!onlySet || (q.properties ?? []).some((p) => onlySet.has(p))) checks.push(...metricRowChecks(q, undefined, windows, contract));
  }
  const joins: SuspectJoin[] = [];
  checks.push(...fdChecks(contract, windows, joins, onlySet));
  const rules = [...new Set(checks.map((c) => c.rule))];
  if (checks.length === 0) {
    return { sql: `SELECT CAST(NULL AS BIGINT) AS row_id, NULL::VARCHAR AS "column", NULL::VARCHAR AS reason, NULL::VARCHAR AS rule, NULL::VARCHAR AS detail WHERE false`, checks: 0, rules };
  }
  const structs = checks.map((c) =>
    `CASE WHEN ${c.when} THEN {'column': ${sqlString(c.column)}, 'reason': ${sqlString(c.reason)}, 'rule': ${sqlString(c.rule)}, 'detail': CAST(${c.detail ?? 'NULL'} AS VARCHAR)} END`);
  // Checks over the whole relation (determinant suspects) are relations of their own, joined by row id.
  // Their columns are renamed with a reserved prefix, so that no contract column is ambiguous.
  const joinCtes = joins.map((j) => {
    const cols = [['id', 'id'], ['det_to', 'to'], ['support', 'support'], ['grp', 'grp'], ['dist', 'dist'], ['one_to_one', 'one_to_one'], ['tuples', 'tuples']].map(([a, b]) => `${a} AS ${j.prefix}${b}`).join(', ');
    return `${j.name} AS (SELECT ${cols} FROM (${j.sql})),\n`;
  }).join('');
  const groupCtes = windows.map((g) => `${g.name} AS (${g.sql}),\n`).join('');
  const joinFrom = joins.map((j) => ` LEFT JOIN ${j.name} ON ${j.prefix}id = _airlock_src._airlock_row_id`).join('')
    + windows.map((g) => ` LEFT JOIN ${g.name} ON ${g.keys.map((e, x) => `(${e}) IS NOT DISTINCT FROM ${g.name}_k${x}`).join(' AND ')}`).join('');
  const head = joins.length || windows.length
    ? `WITH _airlock_src AS (SELECT * FROM ${source}),\n${joinCtes}${groupCtes}w AS (SELECT * FROM _airlock_src${joinFrom}),`
    : `WITH w AS (SELECT * FROM ${source}),`;
  const sql = `${head}
v AS (SELECT _airlock_row_id, unnest(list_filter([${structs.join(',\n  ')}], x -> x IS NOT NULL)) AS v FROM w)
SELECT _airlock_row_id AS row_id, v."column" AS "column", v.reason AS reason, v.rule AS rule, v.detail AS detail FROM v`;
  return { sql, checks: checks.length, rules };
}
