// The remediation sandbox: every rule expression (a model's answer or a synthesized rule) is
// checked here before it touches data. After a cheap text guard, DuckDB parses the text
// (json_serialize_sql: parse only, nothing bound or run) and the parse tree is accepted only when
// every node is on the allow-list in sandboxAllowList.ts: this table's own columns, constants,
// operators and a set of scalar string/regex/date/number functions, with bounds on size and on
// how much a value can grow. Table functions, subqueries, aggregates, windows, lambdas,
// parameters, other tables and every non-SELECT statement fail the check. Only then is the
// expression bound, against an empty stand-in for the table, to catch type errors.
//
// On success the caller gets `normalized`: DuckDB's own rendering of the checked tree, re-parsed
// and re-checked to give the same tree. Splice only `normalized` into SQL, never the raw text.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, queryValue, sqlIdent, sqlString } from '../store/duckdb.js';
import {
  ALLOWED_CAST_TYPES,
  ALLOWED_COLLATIONS,
  ALLOWED_COMPARISON_TYPES,
  ALLOWED_OPERATOR_TYPES,
  FUNCTION_POLICIES,
  PARSER_QUALIFIED_FUNCTIONS,
  REFUSED_CLASSES,
} from './sandboxAllowList.js';
import type { Proposal } from './types.js';

export { ALLOWED_FUNCTIONS } from './sandboxAllowList.js';

/**
 * `normalized` is the text to splice into SQL; `type` is DuckDB's type for it (absent when
 * binding was skipped).
 */
export type CheckResult = { ok: true; normalized: string; type?: string } | { ok: false; reason: string };
export type AstCheckResult = { ok: true } | { ok: false; reason: string };
/** `expression`: a value for SET; `predicate`: a WHERE condition. */
export type ExpressionKind = 'expression' | 'predicate';

export interface SandboxLimits {
  /** text length; room for lookup CASEs of a few thousand branches */
  maxChars: number;
  /** parse-tree nodes */
  maxNodes: number;
  /** parse-tree nesting */
  maxDepth: number;
  /** how many times longer than its longest input cell any intermediate value may get */
  maxGrowth: number;
  /** characters any intermediate value may get from constants alone */
  maxFixedChars: number;
  /** largest lpad/rpad width */
  maxPadWidth: number;
  /** largest width or precision in a format()/printf() pattern */
  maxFormatWidth: number;
}

export const SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  maxChars: 262_144,
  maxNodes: 50_000,
  maxDepth: 200,
  maxGrowth: 4_096,
  maxFixedChars: 1_000_000,
  maxPadWidth: 10_000,
  maxFormatWidth: 100,
});

export interface CheckOptions extends Partial<SandboxLimits> {
  /** also bind the expression against an empty table of the columns and check its type (default true) */
  bind?: boolean;
}

/** How the text is wrapped for parsing, and how DuckDB renders the wrapped statement back. */
const WRAPPERS: Record<ExpressionKind, { open: string; close: string; prefix: string; suffix: string }> = {
  // The parentheses and newlines keep the text inside its slot: a `--` comment ends at the
  // newline, and breaking out needs an unbalanced ')', which changes the statement's shape.
  expression: { open: 'SELECT (\n', close: '\n) AS v FROM t', prefix: 'SELECT ', suffix: ' AS v FROM t' },
  predicate: { open: 'SELECT 1 FROM t WHERE (\n', close: '\n)', prefix: 'SELECT 1 FROM t WHERE ', suffix: '' },
};

/** Checks a scalar expression over the row's own columns (a value for `SET col = ...`). */
export function checkExpression(
  conn: DuckDBConnection,
  expr: string,
  columns: string[],
  opts: CheckOptions = {},
): Promise<CheckResult> {
  return check(conn, expr, columns, 'expression', opts);
}

/** Checks a WHERE condition over the row's own columns. */
export function checkPredicate(
  conn: DuckDBConnection,
  pred: string,
  columns: string[],
  opts: CheckOptions = {},
): Promise<CheckResult> {
  return check(conn, pred, columns, 'predicate', opts);
}

export type ProposalCheck =
  | { ok: true; set: Record<string, string>; where?: string }
  | { ok: false; reason: string };

/** Checks every expression of a proposal; the answer carries the normalized texts to apply. */
export async function checkProposal(
  conn: DuckDBConnection,
  proposal: Pick<Proposal, 'set' | 'where'>,
  columns: string[],
  opts: CheckOptions = {},
): Promise<ProposalCheck> {
  const entries = Object.entries(proposal.set);
  if (entries.length === 0) return { ok: false, reason: 'the proposal sets no column' };
  const known = new Set(columns.map((c) => c.toLowerCase()));
  const set: Record<string, string> = {};
  for (const [column, expr] of entries) {
    if (!known.has(column.toLowerCase())) return { ok: false, reason: `set: "${column}" is not a column of this table` };
    const r = await checkExpression(conn, expr, columns, opts);
    if (!r.ok) return { ok: false, reason: `set "${column}": ${r.reason}` };
    set[column] = r.normalized;
  }
  if (proposal.where === undefined) return { ok: true, set };
  const w = await checkPredicate(conn, proposal.where, columns, opts);
  if (!w.ok) return { ok: false, reason: `where: ${w.reason}` };
  return { ok: true, set, where: w.normalized };
}

/**
 * Pure check of json_serialize_sql output for the wrapped statement
 * (`SELECT (<expr>) AS v FROM t`, or `SELECT 1 FROM t WHERE (<pred>)` for a predicate).
 */
export function checkSerializedAst(
  json: string | unknown,
  columns: string[],
  kind: ExpressionKind = 'expression',
  limits: Partial<SandboxLimits> = {},
): AstCheckResult {
  const r = analyse(json, columns, kind, { ...SANDBOX_LIMITS, ...limits });
  return r.ok ? { ok: true } : r;
}

async function check(
  conn: DuckDBConnection,
  text: string,
  columns: string[],
  kind: ExpressionKind,
  opts: CheckOptions,
): Promise<CheckResult> {
  const limits: SandboxLimits = { ...SANDBOX_LIMITS, ...definedOnly(opts) };
  if (typeof text !== 'string') return { ok: false, reason: 'expression is not text' };
  const lexical = lexicalProblem(text, limits.maxChars);
  if (lexical) return { ok: false, reason: lexical };

  const wrap = WRAPPERS[kind];
  const first = await parse(conn, wrap.open + text + wrap.close);
  const checked = analyse(first, columns, kind, limits);
  if (!checked.ok) return checked;

  // Let DuckDB render the checked tree, then prove the rendering means the same thing. A column
  // written `t.a` is rendered `a`: the rule is applied by UPDATE of tables not named t.
  // (on the text: a parse and stringify of the tree would round its 64-bit numbers)
  const tree = first.replace(/"column_names":\s*\[\s*"[tT]"\s*,\s*("(?:[^"\\]|\\.)*")\s*\]/g, '"column_names":[$1]');
  const rendered = await queryValue<string>(conn, `SELECT json_deserialize_sql(${sqlString(tree)})`).catch(() => null);
  if (typeof rendered !== 'string' || !rendered.startsWith(wrap.prefix) || !rendered.endsWith(wrap.suffix)) {
    return { ok: false, reason: 'DuckDB rendered the expression in an unexpected shape' };
  }
  const normalized = rendered.slice(wrap.prefix.length, rendered.length - wrap.suffix.length);
  const second = analyse(await parse(conn, wrap.open + normalized + wrap.close), columns, kind, limits);
  if (!second.ok || JSON.stringify(comparable(second.root)) !== JSON.stringify(comparable(checked.root))) {
    return { ok: false, reason: 'the expression does not survive normalisation unchanged' };
  }

  if (opts.bind === false) return { ok: true, normalized };
  const bound = await bindType(conn, normalized, columns);
  if ('error' in bound) return { ok: false, reason: `DuckDB cannot bind it: ${bound.error}` };
  const wrongType = typeProblem(bound.type, kind);
  if (wrongType) return { ok: false, reason: wrongType };
  return { ok: true, normalized, type: bound.type };
}

/** DuckDB's parse tree as JSON; a failure to parse comes back as DuckDB's own error JSON. */
async function parse(conn: DuckDBConnection, sql: string): Promise<string> {
  try {
    return await queryValue<string>(conn, `SELECT json_serialize_sql(${sqlString(sql)})`);
  } catch (e) {
    return JSON.stringify({ error: true, error_message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Binds the checked expression against an empty stand-in for the table, so a typo or a type
 * error is refused here rather than halfway through applying a rule, and reports its type.
 * Only allow-listed scalar functions are involved, over no rows.
 */
async function bindType(conn: DuckDBConnection, normalized: string, columns: string[]): Promise<{ type: string } | { error: string }> {
  const cols = columns.length ? columns.map((c) => `CAST(NULL AS VARCHAR) AS ${sqlIdent(c)}`).join(', ') : '1 AS "?airlock_none"';
  try {
    const rows = await queryRows<{ column_type: string }>(
      conn,
      `DESCRIBE SELECT (${normalized}) AS v FROM (SELECT ${cols} LIMIT 0) AS t`,
    );
    return { type: String(rows[0]?.column_type) };
  } catch (e) {
    return { error: firstLine(e instanceof Error ? e.message : String(e)) };
  }
}

function typeProblem(type: string, kind: ExpressionKind): string | null {
  if (kind === 'predicate') return type === 'BOOLEAN' ? null : `a condition must be true or false (this one gives ${type})`;
  // A list, map or struct would be stored as its text rendering: almost surely a mistake.
  return /[[\]]|^(MAP|STRUCT|UNION)\b/.test(type) ? `a value must be a single value (this one gives ${type})` : null;
}

// ---------------------------------------------------------------------------------------------
// Text-level guard: cheap refusals before DuckDB sees the text.

/**
 * Rules are generated text and have no use for comments, statement separators, parameters,
 * dollar quoting, unbalanced parentheses, control characters or non-ASCII outside quotes
 * (homoglyphs, bidi overrides, zero-width characters). Quoted strings and identifiers may hold
 * any printable character.
 */
export function lexicalProblem(text: string, maxChars: number = SANDBOX_LIMITS.maxChars): string | null {
  if (text.length > maxChars) return `expression is ${text.length} characters long; the limit is ${maxChars}`;
  if (text.trim() === '') return 'expression is empty';
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (isControl(code)) return `control character U+${hex(code)} is not allowed`;
    if (c === "'" || c === '"') {
      const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 2] ?? '');
      const end = closingQuote(text, i, c, backslashes);
      if (end < 0) return c === "'" ? 'unterminated string literal' : 'unterminated quoted identifier';
      for (let j = i + 1; j < end; j++) {
        const cc = text.charCodeAt(j);
        if (isControl(cc)) return `control character U+${hex(cc)} is not allowed`;
      }
      i = end + 1;
      continue;
    }
    // Balanced parentheses keep the text inside the slot it is spliced into.
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return 'unbalanced parentheses';
    if (c === ';') return 'semicolons (statement separators) are not allowed';
    if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*')) return 'comments are not allowed';
    if (c === '$') return '$ (parameters and dollar-quoted strings) is not allowed';
    if (c === '?') return 'parameters (?) are not allowed';
    if (code > 0x7e) return `non-ASCII character U+${hex(code)} outside a quoted string is not allowed`;
    i++;
  }
  return depth === 0 ? null : 'unbalanced parentheses';
}

function closingQuote(text: string, start: number, quote: string, backslashes: boolean): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (backslashes && c === '\\') {
      j++;
      continue;
    }
    if (c === quote) {
      if (text[j + 1] === quote) {
        j++;
        continue;
      }
      return j;
    }
  }
  return -1;
}

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------
// Tree-level check.

type Obj = Record<string, unknown>;

class Rejection extends Error {}

function reject(reason: string): never {
  throw new Rejection(reason);
}

type Analysis = { ok: true; root: Obj } | { ok: false; reason: string };

function analyse(json: unknown, columns: string[], kind: ExpressionKind, limits: SandboxLimits): Analysis {
  try {
    const parsed = typeof json === 'string' ? parseJson(json) : json;
    const root = rootExpression(parsed, kind);
    new Walker(columns, limits).visit(root, 0);
    return { ok: true, root };
  } catch (e) {
    if (e instanceof Rejection) return { ok: false, reason: e.message };
    throw e;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return reject('malformed parse tree');
  }
}

const SELECT_KEYS = [
  'type', 'modifiers', 'cte_map', 'select_list', 'from_table', 'where_clause', 'group_expressions',
  'group_sets', 'aggregate_handling', 'having', 'sample', 'qualify',
];
const FROM_KEYS = [
  'type', 'alias', 'sample', 'query_location', 'schema_name', 'table_name', 'column_name_alias',
  'catalog_name', 'at_clause',
];
const MODIFIER_WORDS: Record<string, string> = {
  ORDER_MODIFIER: 'ORDER BY',
  LIMIT_MODIFIER: 'LIMIT',
  LIMIT_PERCENT_MODIFIER: 'LIMIT',
  DISTINCT_MODIFIER: 'DISTINCT',
};

/** The statement must be exactly the wrapper's shape; returns the expression node inside it. */
function rootExpression(parsed: unknown, kind: ExpressionKind): Obj {
  const top = obj(parsed, 'parse result');
  if (top.error !== false) reject(`DuckDB refused to parse it: ${firstLine(String(top.error_message ?? 'unknown error'))}`);
  const statements = arr(top.statements, 'statements');
  if (statements.length === 0) reject('expression is empty');
  if (statements.length > 1) reject('only one statement is allowed');
  const stmt = obj(statements[0], 'statement');
  onlyKeys(stmt, ['node', 'named_param_map'], 'statement');
  if (arr(stmt.named_param_map, 'parameters').length) reject('parameters are not allowed');

  const node = obj(stmt.node, 'query');
  if (node.type === 'SET_OPERATION_NODE') reject(`set operations (${String(node.setop_type)}) are not allowed`);
  if (node.type !== 'SELECT_NODE') reject(`query kind ${String(node.type)} is not allowed`);
  onlyKeys(node, SELECT_KEYS, 'query');
  const modifiers = arr(node.modifiers, 'modifiers');
  if (modifiers.length) {
    const t = String(obj(modifiers[0], 'modifier').type);
    reject(`${MODIFIER_WORDS[t] ?? t} is not allowed`);
  }
  if (arr(obj(node.cte_map, 'WITH').map, 'WITH').length) reject('WITH (common table expressions) is not allowed');
  if (arr(node.group_expressions, 'GROUP BY').length || arr(node.group_sets, 'GROUP BY').length) reject('GROUP BY is not allowed');
  if (node.aggregate_handling !== 'STANDARD_HANDLING') reject('GROUP BY is not allowed');
  if (node.having !== null) reject('HAVING is not allowed');
  if (node.qualify !== null) reject('QUALIFY is not allowed');
  if (node.sample !== null) reject('sampling is not allowed');
  checkFrom(node.from_table);

  const list = arr(node.select_list, 'select list');
  if (list.length !== 1) reject(`exactly one expression is allowed (found ${list.length})`);
  const item = obj(list[0], 'expression');
  if (kind === 'expression') {
    if (item.alias !== 'v') reject('aliases are not allowed');
    if (node.where_clause !== null) reject('WHERE is not allowed inside an expression');
    return item;
  }
  if (!isLiteralOne(item)) reject('the condition escaped its WHERE clause');
  if (node.where_clause === null) reject('the condition is missing');
  return obj(node.where_clause, 'condition');
}

function checkFrom(from: unknown): void {
  const f = obj(from, 'FROM');
  if (f.type !== 'BASE_TABLE') {
    const fn = f.type === 'TABLE_FUNCTION' && isObj(f.function) ? ` ${String(f.function.function_name)}()` : '';
    reject(`FROM must be the row's own table only (found ${String(f.type)}${fn})`);
  }
  onlyKeys(f, FROM_KEYS, 'FROM');
  const plain =
    f.table_name === 't' && f.schema_name === '' && f.catalog_name === '' && f.alias === '' &&
    f.sample === null && f.at_clause === null && arr(f.column_name_alias, 'FROM').length === 0;
  if (!plain) reject('FROM must be the row\'s own table only');
}

function isLiteralOne(item: Obj): boolean {
  const v = isObj(item.value) ? item.value : {};
  const t = isObj(v.type) ? v.type : {};
  return item.class === 'CONSTANT' && item.alias === '' && v.value === 1 && t.id === 'INTEGER';
}

/** Output-length bound of a node: at most `a × (longest input cell) + b` characters. */
interface Bound {
  a: number;
  b: number;
  /** the value may be a list (its VARCHAR rendering adds brackets, quotes and separators) */
  list: boolean;
}

const SMALL: Bound = { a: 0, b: 64, list: false };
const LIST_MAKERS = new Set(['list_value', 'string_split', 'str_split', 'string_split_regex', 'str_split_regex', 'regexp_split_to_array', 'map']);

const COMMON_KEYS = ['class', 'type', 'alias', 'query_location'];
const CLASS_KEYS: Record<string, string[]> = {
  COLUMN_REF: ['column_names'],
  CONSTANT: ['value'],
  FUNCTION: ['function_name', 'schema', 'catalog', 'children', 'filter', 'order_bys', 'distinct', 'is_operator', 'export_state'],
  OPERATOR: ['children'],
  COMPARISON: ['left', 'right'],
  CONJUNCTION: ['children'],
  CASE: ['case_checks', 'else_expr'],
  CAST: ['child', 'cast_type', 'try_cast'],
  BETWEEN: ['input', 'lower', 'upper'],
  COLLATE: ['child', 'collation'],
};

class Walker {
  private readonly columns: Set<string>;
  private nodes = 0;

  constructor(columns: string[], private readonly limits: SandboxLimits) {
    this.columns = new Set(columns.map((c) => c.toLowerCase()));
  }

  visit(value: unknown, depth: number): Bound {
    if (++this.nodes > this.limits.maxNodes) reject(`expression has more than ${this.limits.maxNodes} nodes`);
    if (depth > this.limits.maxDepth) reject(`expression is nested more than ${this.limits.maxDepth} levels deep`);
    const node = obj(value, 'expression');
    const cls = String(node.class);
    const refused = REFUSED_CLASSES.get(cls);
    if (refused) reject(refusedDetail(node, refused));
    const own = CLASS_KEYS[cls];
    if (!own) reject(`expression kind ${cls} is not allowed`);
    onlyKeys(node, [...COMMON_KEYS, ...own], cls);
    if (depth > 0 && node.alias !== '') reject('aliases are not allowed');
    const bound = this.visitClass(cls, node, depth);
    if (bound.a > this.limits.maxGrowth) reject(`a value could grow to more than ${this.limits.maxGrowth} times its length`);
    if (bound.b > this.limits.maxFixedChars) reject(`a value could grow beyond ${this.limits.maxFixedChars} characters`);
    return bound;
  }

  private visitClass(cls: string, node: Obj, depth: number): Bound {
    const d = depth + 1;
    switch (cls) {
      case 'COLUMN_REF':
        this.columnRef(node);
        return { a: 1, b: 0, list: false };
      case 'CONSTANT':
        return { a: 0, b: constantLength(node), list: false };
      case 'FUNCTION':
        return this.func(node, d);
      case 'OPERATOR':
        return this.operator(node, d);
      case 'COMPARISON':
        if (!ALLOWED_COMPARISON_TYPES.has(String(node.type))) reject(`comparison ${String(node.type)} is not allowed`);
        this.visit(node.left, d);
        this.visit(node.right, d);
        return SMALL;
      case 'CONJUNCTION':
        if (node.type !== 'CONJUNCTION_AND' && node.type !== 'CONJUNCTION_OR') reject(`${String(node.type)} is not allowed`);
        for (const c of arr(node.children, 'AND/OR')) this.visit(c, d);
        return SMALL;
      case 'BETWEEN':
        this.visit(node.input, d);
        this.visit(node.lower, d);
        this.visit(node.upper, d);
        return SMALL;
      case 'CASE': {
        let out: Bound = { a: 0, b: 0, list: false };
        for (const check of arr(node.case_checks, 'CASE')) {
          const c = obj(check, 'WHEN');
          onlyKeys(c, ['when_expr', 'then_expr'], 'WHEN');
          this.visit(c.when_expr, d);
          out = maxBound(out, this.visit(c.then_expr, d));
        }
        return maxBound(out, this.visit(node.else_expr, d));
      }
      case 'CAST':
        return this.cast(node, d);
      case 'COLLATE': {
        const parts = String(node.collation).toLowerCase().split('.');
        if (!parts.every((p) => ALLOWED_COLLATIONS.has(p))) reject(`collation ${String(node.collation)} is not allowed`);
        return this.visit(node.child, d);
      }
    }
    return reject(`expression kind ${cls} is not allowed`);
  }

  private columnRef(node: Obj): void {
    const names = arr(node.column_names, 'column').map((n) => String(n));
    const qualifiedByT = names.length === 2 && names[0].toLowerCase() === 't';
    const column = names.length === 1 ? names[0] : qualifiedByT ? names[1] : null;
    if (column === null) reject(`"${names.join('.')}" is not a column of this table`);
    if (!this.columns.has(column.toLowerCase())) reject(`unknown column "${column}"`);
  }

  private operator(node: Obj, d: number): Bound {
    const type = String(node.type);
    if (!ALLOWED_OPERATOR_TYPES.has(type)) reject(`operator ${type} is not allowed`);
    const bounds = arr(node.children, type).map((c) => this.visit(c, d));
    switch (type) {
      case 'OPERATOR_COALESCE':
      case 'OPERATOR_TRY':
        return bounds.reduce(maxBound, { a: 0, b: 0, list: false });
      case 'ARRAY_EXTRACT':
      case 'ARRAY_SLICE':
        return bounds[0] ?? SMALL;
      default:
        return SMALL;
    }
  }

  private cast(node: Obj, d: number): Bound {
    const type = obj(node.cast_type, 'CAST type');
    const id = String(type.id);
    if (!ALLOWED_CAST_TYPES.has(id)) {
      const name = isObj(type.type_info) && type.type_info.name ? String(type.type_info.name) : id;
      reject(`cast to ${name} is not allowed`);
    }
    if (type.type_info !== null && !(isObj(type.type_info) && type.type_info.type === 'DECIMAL_TYPE_INFO')) {
      reject(`cast to ${id} with these modifiers is not allowed`);
    }
    if (typeof node.try_cast !== 'boolean') reject('malformed CAST');
    const child = this.visit(node.child, d);
    if (id !== 'VARCHAR') return SMALL;
    // A list rendered as text adds brackets, quotes and ", " around every element.
    return child.list ? { a: 5 * child.a, b: 5 * child.b + 64, list: false } : child;
  }

  private func(node: Obj, d: number): Bound {
    const name = String(node.function_name).toLowerCase();
    const schema = String(node.schema ?? '');
    const catalog = String(node.catalog ?? '');
    if (catalog !== '' || (schema !== '' && !(schema.toLowerCase() === 'main' && PARSER_QUALIFIED_FUNCTIONS.has(name)))) {
      reject(`qualified function name ${[catalog, schema, name].filter(Boolean).join('.')} is not allowed`);
    }
    const policy = FUNCTION_POLICIES.get(name);
    if (!policy) reject(`function ${name} is not allowed`);
    if (node.distinct !== false) reject(`DISTINCT inside ${name}() is not allowed`);
    if (node.filter !== null) reject(`FILTER on ${name}() is not allowed`);
    if (node.export_state !== false) reject(`EXPORT_STATE on ${name}() is not allowed`);
    const orderBys = obj(node.order_bys, 'ORDER BY');
    if (arr(orderBys.orders, 'ORDER BY').length) reject(`ORDER BY inside ${name}() is not allowed`);

    const children = arr(node.children, name);
    const bounds = children.map((c) => this.visit(c, d));
    const anyList = bounds.some((b) => b.list);
    switch (policy) {
      case 'small':
        return SMALL;
      case 'sum':
        return { ...sumBounds(bounds), list: LIST_MAKERS.has(name) || anyList };
      case 'max':
        return bounds.reduce(maxBound, { a: 0, b: 0, list: false });
      case 'replace': {
        const repl = this.columnFree(bounds[2], name);
        const factor = Math.max(1, repl.b);
        return scale(bounds[0] ?? SMALL, factor, 0);
      }
      case 'regexp_replace':
        return this.regexpReplace(children, bounds);
      case 'pad':
        return { a: 0, b: this.padWidth(children[1], name), list: false };
      case 'format': {
        const fields = this.formatFields(children[0], name);
        const sum = sumBounds(bounds);
        return { a: sum.a, b: sum.b + fields * 512, list: false };
      }
      case 'strftime':
        // every specifier expands to at most a few dozen characters (%A, %B, %c ...)
        return scale(sumBounds(bounds), 32, 64);
      case 'distance':
        // Edit distances cost |x|·|y|: against a constant that is linear, between two values
        // from the row it is quadratic in the cell length.
        if (bounds.length > 0 && bounds.every((b) => b.a > 0)) reject(`${name}() must compare against a constant`);
        return SMALL;
      case 'concat_ws': {
        const sep = bounds[0] ?? SMALL;
        const sum = sumBounds(bounds);
        const n = bounds.length;
        return { a: sum.a + sep.a * n, b: sum.b + sep.b * n, list: false };
      }
    }
    return reject(`function ${name} is not allowed`);
  }

  /** replace()/regexp_replace(): a replacement taken from the row would square the length. */
  private columnFree(bound: Bound | undefined, name: string): Bound {
    if (!bound) return SMALL;
    if (bound.a > 0) reject(`the replacement in ${name}() must not depend on the row's values`);
    return bound;
  }

  private regexpReplace(children: unknown[], bounds: Bound[]): Bound {
    const source = bounds[0] ?? SMALL;
    const repl = this.columnFree(bounds[2], 'regexp_replace');
    const literal = constantString(children[2]);
    // Backreferences (\0..\9) each copy at most the whole match.
    const backrefs = literal === null ? repl.b : (literal.match(/\\[0-9]/g) ?? []).length;
    const plain = literal === null ? repl.b : literal.length - 2 * backrefs;
    const options = children.length > 3 ? constantString(children[3]) : '';
    if (options === null) reject('regexp_replace() options must be a constant');
    if (options.includes('g')) {
      // Every position may match (an empty match), and each inserts the replacement.
      return scale(source, 1 + plain + backrefs, plain);
    }
    return scale(source, 1 + backrefs, plain);
  }

  private padWidth(arg: unknown, name: string): number {
    const width = constantNumber(arg);
    if (width === null || !Number.isInteger(width) || width < 0 || width > this.limits.maxPadWidth) {
      reject(`${name}() width must be a constant from 0 to ${this.limits.maxPadWidth}`);
    }
    return width;
  }

  /** format()/printf(): the pattern must be constant and its widths small; returns the field count. */
  private formatFields(arg: unknown, name: string): number {
    const pattern = constantString(arg);
    if (pattern === null) reject(`the pattern of ${name}() must be a constant string`);
    const max = this.limits.maxFormatWidth;
    const numbers: string[] = [];
    let fields = 0;
    if (name === 'printf') {
      for (const m of pattern.matchAll(/%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?/g)) {
        fields++;
        if (m[2] === '*' || m[3] === '*') reject(`${name}() widths taken from arguments (*) are not allowed`);
        numbers.push(m[2] ?? '', m[3] ?? '');
      }
    } else {
      for (let i = 0; i < pattern.length; i++) {
        if (pattern[i] !== '{') continue;
        if (pattern[i + 1] === '{') {
          i++;
          continue;
        }
        const end = pattern.indexOf('}', i);
        const field = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
        if (field.includes('{')) reject(`${name}() widths taken from arguments are not allowed`);
        fields++;
        numbers.push(...(field.match(/\d+/g) ?? []));
        i = end < 0 ? pattern.length : end;
      }
    }
    if (numbers.some((n) => n !== '' && Number(n) > max)) reject(`${name}() widths and precisions must be at most ${max}`);
    return fields;
  }
}

function refusedDetail(node: Obj, base: string): string {
  if (node.class === 'WINDOW') return `window function ${String(node.function_name)}() is not allowed`;
  if (node.class === 'SUBQUERY') return `subqueries are not allowed (${String(node.subquery_type)})`;
  return base;
}

function sumBounds(bounds: Bound[]): Bound {
  return bounds.reduce((s, b) => ({ a: s.a + b.a, b: s.b + b.b, list: s.list || b.list }), { a: 0, b: 0, list: false });
}

function maxBound(x: Bound, y: Bound): Bound {
  return { a: Math.max(x.a, y.a), b: Math.max(x.b, y.b), list: x.list || y.list };
}

function scale(x: Bound, factor: number, add: number): Bound {
  return { a: x.a * factor, b: x.b * factor + add, list: false };
}

function constantValue(node: unknown): { id: string; isNull: boolean; value: unknown } | null {
  if (!isObj(node) || node.class !== 'CONSTANT' || !isObj(node.value)) return null;
  const type = isObj(node.value.type) ? node.value.type : {};
  return { id: String(type.id), isNull: node.value.is_null === true, value: node.value.value };
}

function constantString(node: unknown): string | null {
  const c = constantValue(node);
  return c && !c.isNull && c.id === 'VARCHAR' && typeof c.value === 'string' ? c.value : null;
}

function constantNumber(node: unknown): number | null {
  const c = constantValue(node);
  return c && !c.isNull && typeof c.value === 'number' && /INT/.test(c.id) ? c.value : null;
}

function constantLength(node: Obj): number {
  const c = constantValue(node);
  if (!c) return reject('malformed constant');
  if (c.isNull) return 4;
  return typeof c.value === 'string' ? c.value.length : String(c.value).length + 2;
}

/**
 * A tree for comparing the original with its rendering: source positions dropped, and literals
 * DuckDB spells differently on the way back made one: the parser reads `true` as
 * CAST('t' AS BOOLEAN) while `IS TRUE` keeps a BOOLEAN constant that renders as `true`, and a
 * DOUBLE literal (`1e10`) renders as `10000000000.0`, which parses as the same DECIMAL value.
 */
/** `t.a` as `a`, everywhere in a serialized tree (the checker has read `t` as the row's table). */
function unqualified(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unqualified);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = unqualified(v);
  const names = out.column_names;
  if (out.class === 'COLUMN_REF' && Array.isArray(names) && names.length === 2 && String(names[0]).toLowerCase() === 't') out.column_names = [names[1]];
  return out;
}

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!isObj(value)) return value;
  const node = value.class === 'COLUMN_REF' ? unqualified(value) as Obj : value;
  const literal = booleanLiteral(node);
  if (literal !== null) return { boolean: literal };
  const number = numericLiteral(node);
  if (number !== null) return { number };
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'query_location') out[k] = comparable(v);
  return out;
}

const NUMERIC_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);

function numericLiteral(node: Obj): number | null {
  const c = constantValue(node);
  if (!c || c.isNull || !NUMERIC_TYPES.has(c.id) || typeof c.value !== 'number') return null;
  if (c.id !== 'DECIMAL') return c.value;
  const info = isObj(node.value) && isObj(node.value.type) && isObj(node.value.type.type_info) ? node.value.type.type_info : {};
  return typeof info.scale === 'number' ? c.value / 10 ** info.scale : null;
}

function booleanLiteral(node: Obj): boolean | null {
  const c = constantValue(node);
  if (c && !c.isNull && c.id === 'BOOLEAN' && typeof c.value === 'boolean') return c.value;
  if (node.class !== 'CAST' || node.try_cast !== false || !isObj(node.cast_type) || node.cast_type.id !== 'BOOLEAN') return null;
  const text = constantString(node.child);
  return text === 't' ? true : text === 'f' ? false : null;
}

function onlyKeys(node: Obj, allowed: string[], what: string): void {
  for (const k of Object.keys(node)) if (!allowed.includes(k)) reject(`unexpected ${k} in ${what}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string): Obj {
  return isObj(v) ? v : reject(`malformed ${what}`);
}

function arr(v: unknown, what: string): unknown[] {
  return Array.isArray(v) ? v : reject(`malformed ${what}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function definedOnly(opts: CheckOptions): Partial<SandboxLimits> {
  const out: Partial<SandboxLimits> = {};
  for (const [k, v] of Object.entries(opts)) if (k !== 'bind' && typeof v === 'number') (out as Record<string, number>)[k] = v;
  return out;
}
