// Whole model statements (the SQL Airlock's own compilers write for the validation and lane
// models) translated from DuckDB to Spark SQL on @polyglot-sql/sdk's syntax tree, never by editing
// text. Expressions go through the rule translator (sparkRewrite.ts) with the handlers below
// consulted first: the relational clauses (WITH, joins, grouping, windows), aggregates, struct and
// list values, and the casts the compilers write behind a shape test. Anything else is refused
// with the construct named, so a model either runs on Spark with DuckDB's answer or not at all.
import { Dialect, generate, parse } from '@polyglot-sql/sdk';
import { INTEGER_RE, NUMBER_RE } from '../../validate/typedValue.js';
import { fn, integerValue, nodeOf, stringLit, stringValue, type AstNode } from './sparkAst.js';
import { Refusal, refuse, toSpark, withExtension, type RewriteExtension } from './sparkRewrite.js';
import { sparkDamerauLevenshtein } from './sparkDamerau.js';
import { strptimeDate } from './sparkDates.js';
import { javaPattern } from './javaPattern.js';
import type { Translation } from './translateExpression.js';

const MARK = '\u0001';
const REF_PREFIX = 'airlock_ref__';

/** A model's SQL (with ref placeholders, jinjaSql.ts) as Spark SQL with the same placeholders, or why not. */
export function translateModelSql(sql: string): Translation {
  if (sql.includes(REF_PREFIX)) return { ok: false, reason: `the model names ${REF_PREFIX}, which the translation uses itself` };
  const refs = sql.replace(new RegExp(`${MARK}ref:([a-z0-9_]+)${MARK}`, 'g'), `${REF_PREFIX}$1`);
  if (refs.includes(MARK)) return { ok: false, reason: 'the model calls a project macro, which is already written per engine' };
  const parsed = parse(refs, Dialect.DuckDB);
  if (!parsed.success || !Array.isArray(parsed.ast) || parsed.ast.length !== 1) {
    return { ok: false, reason: `the SQL transpiler cannot parse this model as one DuckDB statement: ${parsed.error ?? 'no tree'}` };
  }
  let spark: unknown;
  try {
    const stmt = nodeOf(parsed.ast[0]);
    if (stmt?.kind !== 'select' && stmt?.kind !== 'union') refuse(`a ${stmt?.kind ?? 'statement'} model`, 'only SELECT models are translated');
    spark = withExtension(new ModelRewrite(aliasTypes(parsed.ast[0])), () => toSpark(parsed.ast[0]));
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
  const out = generate([spark] as unknown as Parameters<typeof generate>[0], Dialect.Spark);
  if (!out.success || !out.sql || out.sql.length !== 1) {
    return { ok: false, reason: `the SQL transpiler cannot write this model as Spark SQL: ${out.error ?? 'no output'}` };
  }
  const back = out.sql[0]!.replace(new RegExp(`\`?${REF_PREFIX}([a-z0-9_]+)\`?`, 'g'), `${MARK}ref:$1${MARK}`);
  return { ok: true, sql: back };
}

/** The node without source positions and comments: two spellings of one expression compare equal. */
function shape(value: unknown): string {
  return JSON.stringify(value, (key, v) => (key === 'span' || key.endsWith('comments') ? undefined : v));
}

/** The conjuncts of an AND chain (through parentheses). */
function conjuncts(value: unknown): unknown[] {
  const n = nodeOf(value);
  if (n?.kind === 'paren') return conjuncts(n.fields.this);
  if (n?.kind === 'and') return [...conjuncts(n.fields.left), ...conjuncts(n.fields.right)];
  return [value];
}

type GuardKind = 'integer' | 'number';

/**
 * The typed-value test the compilers write before they cast (typedValue.ts typeOkSql):
 * `regexp_full_match(t, INTEGER_RE)` or `… NUMBER_RE`. Text of that shape reads as the same
 * BIGINT or DOUBLE in both engines (both parse decimal text to the nearest double; checked in
 * real Spark by sparkModelTranslation.test.ts), so a cast of `t` behind such a test is exact.
 */
function guardOf(value: unknown): { key: string; kind: GuardKind } | null {
  const n = nodeOf(value);
  if (n?.kind !== 'function' || String(n.fields.name).toLowerCase() !== 'regexp_full_match') return null;
  const args = n.fields.args;
  if (!Array.isArray(args) || args.length !== 2) return null;
  const pattern = stringValue(args[1]);
  const kind = pattern === INTEGER_RE ? 'integer' : pattern === NUMBER_RE ? 'number' : null;
  return kind ? { key: shape(args[0]), kind } : null;
}

/** The shape tests among a condition's conjuncts. */
function guardsIn(condition: unknown): Array<{ key: string; kind: GuardKind }> {
  return conjuncts(condition).map(guardOf).filter((g): g is { key: string; kind: GuardKind } => g !== null);
}

const EMPTY = (v: unknown): boolean => v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0);

// logical_and and logical_or are bool_and and bool_or (Spark's names): both skip NULLs, NULL over nothing
const AGGREGATES: ReadonlySet<string> = new Set(['count', 'min', 'max', 'sum', 'any_value', 'logical_and', 'logical_or']);

const notListIndexing = 'only a constant place of 1 or more in a list the compilers build is translated: DuckDB\'s [] also cuts text, and Spark counts arrays from 0';

/** The truth constants DuckDB prints in its casts, and what they are. */
const TRUTH_CONSTANTS: ReadonlyMap<string, boolean> = new Map([['t', true], ['f', false], ['true', true], ['false', false]]);

/** Nodes whose value is a truth value (comparisons and their combinations). */
const TRUTH_NODES: ReadonlySet<string> = new Set(['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'and', 'or', 'not', 'is_null', 'boolean']);

const INTEGER_TYPES: ReadonlySet<string> = new Set(['big_int', 'int']);

/** What the translation knows of a value's type: enough to refuse what the engines write differently. */
type ValueType = 'count' | 'double' | 'decimal' | 'date' | 'unknown';

/** A value's type where the node says it: a count, a cast, a date, a number constant; else unknown. */
function directType(value: unknown): ValueType {
  const n = nodeOf(value);
  if (!n) return 'unknown';
  if (n.kind === 'paren') return directType(n.fields.this);
  if (n.kind === 'count') return 'count';
  if (n.kind === 'window_function') return nodeOf(n.fields.this)?.kind === 'count' ? 'count' : 'unknown';
  // DuckDB's / is a DOUBLE division of any numbers (the model translation writes it for counts only)
  if (n.kind === 'div') return 'double';
  if (n.kind === 'cast' || n.kind === 'try_cast') {
    const t = String((n.fields.to as { data_type?: unknown } | undefined)?.data_type ?? '');
    return t === 'double' || t === 'float' || t === 'real' ? 'double' : t === 'decimal' ? 'decimal' : t === 'date' || t.startsWith('timestamp') || t === 'time' ? 'date' : 'unknown';
  }
  if (n.kind === 'literal') {
    if (n.fields.literal_type === 'date') return 'date';
    if (n.fields.literal_type === 'number' && /[.eE]/.test(String(n.fields.value))) return 'decimal';
  }
  return 'unknown';
}

/**
 * The type of each name the statement defines with AS, where every definition agrees (a name
 * defined twice differently is unknown). Columns of the source tables are text or row ids.
 */
function aliasTypes(statement: unknown): Map<string, ValueType> {
  const seen = new Map<string, ValueType>();
  // names are matched without case, as DuckDB matches them
  const define = (name: string, t: ValueType): void => {
    const key = name.toLowerCase();
    if (t === `=${key}`) return; // a name given to itself (c.a AS a, a UNION ALL branch's a) says nothing more
    const before = seen.get(key);
    seen.set(key, before === undefined || before === t ? t : 'unknown');
  };
  const columnName = (n: NonNullable<ReturnType<typeof nodeOf>>): string => String((n.fields.name as { name?: unknown }).name).toLowerCase();
  /** The type an expression gives the name it is defined under. */
  const defined = (value: unknown): ValueType => {
    const t = directType(value);
    if (t !== 'unknown') return t;
    const inner = nodeOf(value);
    // a sum of counts (also over a window), and a column renaming one, keep its type (resolved on a second pass)
    if (inner?.kind === 'column') return `=${columnName(inner)}` as ValueType;
    const summed = inner?.kind === 'window_function' ? nodeOf(inner.fields.this) : inner;
    if (summed?.kind === 'sum' && directType(summed.fields.this) === 'count') return 'count';
    if (summed?.kind === 'sum' && nodeOf(summed.fields.this)?.kind === 'column') return `=${columnName(nodeOf(summed.fields.this)!)}` as ValueType;
    return 'unknown';
  };
  const selectItems = (value: unknown): unknown[] => {
    const n = nodeOf(value);
    if (n?.kind === 'select' && Array.isArray(n.fields.expressions)) return n.fields.expressions;
    if (n?.kind === 'union') return selectItems(n.fields.left);
    if (n?.kind === 'paren' || n?.kind === 'subquery') return selectItems(n.fields.this);
    return [];
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const n = nodeOf(v);
    if (n?.kind === 'alias') {
      const name = (n.fields.alias as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string') define(name, defined(n.fields.this));
    }
    // Other ways to bring a name in, each of a type not known here: a lambda's parameters, a
    // struct's fields, and a UNION ALL's later branches, whose values take the first branch's
    // names (from an adversarial pass: each had a double pass for a count)
    if (n?.kind === 'lambda' && Array.isArray(n.fields.parameters)) for (const x of n.fields.parameters as Array<{ name?: unknown }>) define(String(x.name), 'unknown');
    if (n?.kind === 'map_func' && Array.isArray(n.fields.keys)) for (const k of n.fields.keys) define(stringValue(k) ?? '', 'unknown');
    if (n?.kind === 'union') {
      const names = selectItems(n.fields.left).map((item) => {
        const a = nodeOf(item);
        return a?.kind === 'alias' ? String((a.fields.alias as { name?: unknown }).name) : a?.kind === 'column' ? columnName(a) : null;
      });
      selectItems(n.fields.right).forEach((item, i) => {
        const a = nodeOf(item);
        if (names[i]) define(names[i]!, a?.kind === 'alias' ? defined(a.fields.this) : defined(item));
      });
    }
    for (const x of Object.values(v)) visit(x);
  };
  visit(statement);
  const resolve = (name: string, depth: number): ValueType => {
    const t = seen.get(name);
    if (t === undefined || depth > 20) return 'unknown';
    return t.startsWith('=') ? resolve(t.slice(1), depth + 1) : t;
  };
  return new Map([...seen.keys()].map((k) => [k, resolve(k, 0)]));
}

class ModelRewrite implements RewriteExtension {
  /** Shape tests in force where the current expression is evaluated for its value. */
  private guards: Array<{ key: string; kind: GuardKind }> = [];
  /** The IN-subquery node allowed here: a part of a condition read only for being true (below). */
  private filterIn: unknown = null;

  constructor(private readonly aliases: Map<string, ValueType>) {}

  /** The value's type, looking a column up among the statement's own names. */
  private typeOf(value: unknown): ValueType {
    const t = directType(value);
    if (t !== 'unknown') return t;
    const n = nodeOf(value);
    if (n?.kind === 'paren') return this.typeOf(n.fields.this);
    if (n?.kind === 'column') return this.aliases.get(String((n.fields.name as { name?: unknown }).name).toLowerCase()) ?? 'unknown';
    // a sum of counts, also over a window, is a count (BIGINT in Spark, HUGEINT in DuckDB, equal below 2^63)
    const summed = n?.kind === 'window_function' ? nodeOf(n.fields.this) : n;
    if (summed?.kind === 'sum' && this.typeOf(summed.fields.this) === 'count') return 'count';
    if (n?.kind === 'case') {
      // a CASE is as typed as its branches (the strptime date, the guarded casts): a number or
      // date in any branch is refused as one; a count only where every branch is a count or NULL
      const branches = Array.isArray(n.fields.whens) ? (n.fields.whens as unknown[][]).map((w) => w[1]) : [];
      if (!EMPTY(n.fields.else_)) branches.push(n.fields.else_);
      const types = branches.map((b) => (nodeOf(b)?.kind === 'null' ? 'null' : this.typeOf(b)));
      const refused = types.find((x) => x === 'double' || x === 'decimal' || x === 'date');
      if (refused) return refused as ValueType;
      return types.length > 0 && types.every((x) => x === 'count' || x === 'null') && types.includes('count') ? 'count' : 'unknown';
    }
    return 'unknown';
  }

  /** Runs `fn` where no outer shape test holds: an aggregate, a window, a subquery or a lambda sees other rows or other values. */
  private unguarded<T>(fn: () => T): T {
    const saved = this.guards;
    this.guards = [];
    try {
      return fn();
    } finally {
      this.guards = saved;
    }
  }

  node(kind: string, node: unknown, f: Record<string, unknown>): unknown {
    switch (kind) {
      case 'select':
        return this.unguarded(() => this.select(node, f));
      case 'subquery':
        this.only(`a subquery's ${'clauses'}`, f, ['order_by', 'limit', 'offset', 'lateral']);
        if (!EMPTY(f.column_aliases)) refuse('a subquery with column aliases', 'not translated');
        f.this = toSpark(f.this);
        return node;
      case 'table':
        this.only('a table reference', f, ['schema', 'catalog', 'when', 'hints', 'column_aliases', 'only', 'final_']);
        return node;
      case 'star':
        this.only('SELECT *', f, ['except', 'replace', 'rename']);
        return node;
      case 'alias':
        if (!EMPTY(f.column_aliases)) refuse('an alias with column names', 'not translated');
        f.this = toSpark(f.this);
        return node;
      case 'in':
        if (EMPTY(f.query)) return undefined;
        if (!EMPTY(f.expressions)) refuse('IN with both a list and a subquery', 'not translated');
        // As a value Spark answers NOT IN over a NULL with false, DuckDB with NULL; as a filter
        // condition both drop the row.
        if (this.filterIn !== node) refuse('IN (subquery) as a value', 'only a condition of WHERE, HAVING, ON, a CASE WHEN or coalesce(…, false) is translated: Spark answers NOT IN over a list holding NULL with false, DuckDB with NULL');
        this.filterIn = null;
        f.this = toSpark(f.this);
        f.query = toSpark(f.query);
        return node;
      case 'union':
        // UNION ALL: both keep every row and match columns by position
        if (f.all !== true || f.distinct === true || f.by_name === true || f.corresponding === true || f.strict === true) refuse('UNION without ALL (or BY NAME)', 'not translated');
        this.only('UNION ALL', f, ['with', 'order_by', 'limit', 'offset']);
        f.left = toSpark(f.left);
        f.right = toSpark(f.right);
        return node;
      case 'exists':
        f.this = toSpark(f.this);
        return node;
      case 'coalesce': {
        // coalesce(c, false) is true exactly where c is true, and never NULL: c is read for being true
        const args = f.expressions;
        if (!Array.isArray(args) || args.length !== 2 || nodeOf(args[1])?.kind !== 'boolean' || nodeOf(args[1])!.fields.value !== false) return undefined;
        args[0] = this.condition(args[0], true);
        args[1] = toSpark(args[1]);
        return node;
      }
      case 'string_agg':
        return this.stringAgg(f);
      case 'between':
        if (!EMPTY(f.symmetric)) refuse('BETWEEN SYMMETRIC', 'not translated');
        f.this = toSpark(f.this);
        f.low = toSpark(f.low);
        f.high = toSpark(f.high);
        return node;
      case 'literal':
        // DATE 'yyyy-mm-dd' is the same day in both
        if (f.literal_type === 'date' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(String(f.value))) return node;
        return undefined;
      case 'div':
        return this.divide(f);
      case 'subscript':
        return this.subscript(f);
      case 'substring':
        return this.positionSubstring(node, f);
      case 'and':
        return this.and(node, f);
      case 'case':
        return this.case(node, f);
      case 'cast':
      case 'try_cast':
        return this.cast(node, f);
      case 'window_function':
        return this.unguarded(() => this.window(node, f));
      case 'map_func':
        return this.struct(f);
      case 'array_func':
        if (!Array.isArray(f.expressions)) refuse('a list value', 'unexpected shape');
        return fn('array', f.expressions.map((e) => toSpark(e)));
      case 'json_object':
        return this.json(f);
      case 'lambda': {
        if (!EMPTY(f.parameter_types) || f.colon === true) refuse('a typed lambda', 'not translated');
        // a parameter is a position only where transform() says so for this lambda; any other
        // parameter of that name hides an outer position (from an adversarial pass)
        const names = Array.isArray(f.parameters) ? (f.parameters as Array<{ name?: unknown }>).map((x) => String(x.name)) : [];
        const positional = this.positionalParameter;
        this.positionalParameter = null;
        const hidden = names.filter((x) => this.positions.has(x));
        for (const x of hidden) this.positions.delete(x);
        if (positional !== null && names.length === 1 && names[0] === positional) this.positions.add(positional);
        try {
          f.body = this.unguarded(() => toSpark(f.body));
        } finally {
          if (positional !== null) this.positions.delete(positional);
          for (const x of hidden) this.positions.add(x);
        }
        return node;
      }
      default:
        if (AGGREGATES.has(kind)) return this.unguarded(() => this.aggregate(kind, node, f));
        return undefined;
    }
  }

  fn(name: string, args: unknown[]): unknown {
    switch (name) {
      case 'isfinite': {
        // NULL stays NULL; NaN and both infinities are not finite (Spark has no isfinite)
        if (args.length !== 1) refuse('isfinite()', 'takes one argument');
        if (directType(args[0]) !== 'double') refuse('isfinite() of anything but a DOUBLE cast', 'Spark\'s isnan takes only numbers, and abs() of the smallest BIGINT overflows');
        const x = toSpark(args[0]);
        const infinity = (sign: string) => ({ cast: { this: stringLit(`${sign}Infinity`), to: { data_type: 'double', precision: null, scale: null }, double_colon_syntax: false } });
        const infinite = { or: { left: { eq: { left: structuredClone(x), right: infinity('') } }, right: { eq: { left: structuredClone(x), right: infinity('-') } } } };
        const bad = { paren: { this: { or: { left: fn('isnan', [structuredClone(x)]), right: infinite } } } };
        return { case: { operand: null, whens: [[{ is_null: { this: structuredClone(x), not: false, postfix_form: false } }, { null: null }]], else_: { not: { this: bad } } } };
      }
      case 'chr': {
        // Spark's chr() takes its argument modulo 256: a constant ASCII code means the same
        const code = integerValue(args[0]);
        if (args.length !== 1 || code === null || code < 0 || code > 127) refuse('chr() of anything but a constant below 128', 'Spark takes the code point modulo 256');
        return fn('chr', [toSpark(args[0])]);
      }
      case 'list_filter': {
        const lambda = nodeOf(args[1]);
        if (args.length !== 2 || lambda?.kind !== 'lambda') refuse('list_filter() without a lambda', 'not translated');
        // DuckDB counts a second (index) parameter from 1, Spark from 0
        if (!Array.isArray(lambda.fields.parameters) || lambda.fields.parameters.length !== 1) refuse('list_filter() with an index parameter', 'DuckDB counts the index from 1, Spark from 0');
        return fn('filter', [toSpark(args[0]), toSpark(args[1])]);
      }
      case 'range':
        return this.range(args);
      case 'list_transform':
      case 'array_transform':
      case 'list_apply':
      case 'array_apply':
      case 'apply':
        return this.transform(args);
      case 'list_position':
      case 'list_indexof':
      case 'array_position':
      case 'array_indexof':
        return this.position(args);
      case 'unnest':
        return refuse('unnest() inside an expression', 'only a list unnested as a whole SELECT item is translated (as explode)');
      case 'damerau_levenshtein':
        if (args.length !== 2) refuse('damerau_levenshtein()', 'takes two arguments');
        return sparkDamerauLevenshtein(toSpark(args[0]), toSpark(args[1]));
      default:
        return undefined;
    }
  }

  /**
   * range(lo, hi): lo, lo + 1, …, hi - 1, empty where hi <= lo, NULL for a NULL bound. Spark's
   * sequence(lo, hi) counts down where hi < lo and holds hi, so the cases are written out. Whole
   * numbers in both (BIGINT in DuckDB, INT or BIGINT in Spark).
   */
  private range(args: unknown[]): AstNode {
    if (args.length !== 2) return refuse('range() with one or three arguments', 'not translated');
    if (args.some((a) => nodeOf(a)?.kind === 'null')) return refuse('range() of a NULL constant', 'Spark cannot type sequence(NULL, …)');
    const lo = toSpark(args[0]);
    const hi = toSpark(args[1]);
    const zero = { literal: { literal_type: 'number', value: '0' } };
    const one = { literal: { literal_type: 'number', value: '1' } };
    const isNull = (x: unknown) => ({ is_null: { this: structuredClone(x), not: false, postfix_form: false } });
    // NULL bounds: NULL (greatest() would skip them); hi <= lo: empty, typed as the other branch;
    // else lo .. hi - 1, which cannot overflow where hi > lo (hi - lo could: from an adversarial pass)
    const empty = fn('slice', [fn('sequence', [structuredClone(lo), structuredClone(lo)]), one, zero]);
    const upTo = fn('sequence', [structuredClone(lo), { sub: { left: { paren: { this: structuredClone(hi) } }, right: one } }]);
    return { case: { operand: null, whens: [
      [{ or: { left: isNull(lo), right: isNull(hi) } }, { null: null }],
      [{ lte: { left: structuredClone(hi), right: structuredClone(lo) } }, empty],
    ], else_: upTo } };
  }

  /** Lambda parameters whose every value is a position: a whole number of 1 or more, or NULL. */
  private positions = new Set<string>();
  /** The parameter of the lambda about to be translated that takes positions (set by transform()). */
  private positionalParameter: string | null = null;

  /** Whether every element of the list is a position (range from 1 up, a list of positions found or constants of 1 or more). */
  private positionList(list: unknown): boolean {
    const n = nodeOf(list);
    if (n?.kind === 'function' && String(n.fields.name).toLowerCase() === 'range') {
      const lo = Array.isArray(n.fields.args) ? integerValue(n.fields.args[0]) : null;
      return lo !== null && lo >= 1;
    }
    if (n?.kind === 'array_func' && Array.isArray(n.fields.expressions)) {
      return n.fields.expressions.every((e) => {
        const x = nodeOf(e);
        if (x?.kind === 'function' && ['list_position', 'list_indexof', 'array_position', 'array_indexof'].includes(String(x.fields.name).toLowerCase())) return true;
        const k = integerValue(e);
        return k !== null && k >= 1;
      });
    }
    return false;
  }

  /**
   * list_transform(l, x -> e): Spark's transform, one element for one, in order. A second (index)
   * parameter is counted from 1 in DuckDB and from 0 in Spark: refused. Where every element of l
   * is a position, x may start a substr() in e.
   */
  private transform(args: unknown[]): AstNode {
    const lambda = nodeOf(args[1]);
    if (args.length !== 2 || lambda?.kind !== 'lambda') return refuse('list_transform() without a lambda', 'not translated');
    const params = lambda.fields.parameters;
    if (!Array.isArray(params) || params.length !== 1) return refuse('list_transform() with an index parameter', 'DuckDB counts the index from 1, Spark from 0');
    const name = String((params[0] as { name?: unknown }).name);
    const positional = this.positionList(args[0]);
    const list = toSpark(args[0]);
    // the lambda (node 'lambda' above) takes its parameter as a position
    this.positionalParameter = positional ? name : null;
    return fn('transform', [list, toSpark(args[1])]);
  }

  /**
   * list_position(l, v): the 1-based place of the first element equal to v; NULL in DuckDB where
   * there is none, 0 in Spark (hence nullif). Both skip NULL elements; v is a truth constant (never
   * NULL) and l a transform into truth values (the compilers' first differing position).
   */
  private position(args: unknown[]): AstNode {
    const v = nodeOf(args[1]);
    if (args.length !== 2 || !v || v.kind !== 'boolean') {
      return refuse('list_position() of anything but a truth constant', 'Spark answers NULL when looking for NULL, DuckDB finds a NULL element, and Spark stops where the types differ');
    }
    // the list must hold truth values too: DuckDB casts between types, Spark stops (from an adversarial pass)
    const list = nodeOf(args[0]);
    const lambda = list?.kind === 'function' && Array.isArray(list.fields.args) ? nodeOf(list.fields.args[1]) : null;
    const body = lambda?.kind === 'lambda' ? nodeOf(lambda.fields.body) : null;
    if (!['list_transform', 'array_transform', 'list_apply', 'array_apply', 'apply'].includes(list?.kind === 'function' ? String(list.fields.name).toLowerCase() : '') || !body || !TRUTH_NODES.has(body.kind)) {
      return refuse('list_position() in anything but a list of comparisons', 'DuckDB casts between types, Spark stops');
    }
    return fn('nullif', [fn('array_position', [toSpark(args[0]), toSpark(args[1])]), { literal: { literal_type: 'number', value: '0' } }]);
  }

  /**
   * list[k] of a list the compilers build (a list literal, a range, a transform or filter of one) at a
   * constant k of 1 or more: Spark's try_element_at counts from 1 and is NULL past the end, as
   * DuckDB is. DuckDB's [] also cuts text, so anything but such a list is refused.
   */
  private subscript(f: Record<string, unknown>): AstNode {
    const list = nodeOf(f.this);
    const listName = list?.kind === 'function' ? String(list.fields.name).toLowerCase() : '';
    const isList = list?.kind === 'array_func' || ['list_transform', 'array_transform', 'list_apply', 'array_apply', 'apply', 'list_filter', 'range'].includes(listName);
    const k = integerValue(f.index);
    if (!isList || k === null || k < 1) return refuse('[ ] indexing', notListIndexing);
    return fn('try_element_at', [toSpark(f.this), toSpark(f.index)]);
  }

  /** substr(s, p, n) where p is a position parameter: the engines agree from 1 up, and on NULL. */
  private positionSubstring(node: unknown, f: Record<string, unknown>): unknown {
    const start = nodeOf(f.start);
    const name = start?.kind === 'column' && start.fields.table === null ? String((start.fields.name as { name?: unknown }).name) : null;
    if (name === null || !this.positions.has(name) || f.from_for_syntax === true) return undefined;
    const len = EMPTY(f.length) ? 0 : integerValue(f.length);
    if (len === null || len < 0) return undefined;
    f.this = toSpark(f.this);
    return node;
  }

  /** Fields that must be absent (null, false or empty) for the node to mean the same in Spark. */
  private only(what: string, f: Record<string, unknown>, absent: string[]): void {
    for (const k of absent) if (!EMPTY(f[k])) refuse(`${what} with ${k.replace(/_$/, '').replace(/_/g, ' ')}`, 'not translated');
  }

  private select(node: unknown, f: Record<string, unknown>): unknown {
    this.only('SELECT', f, ['lateral_views', 'qualify', 'distribute_by', 'cluster_by', 'sort_by', 'limit', 'offset', 'fetch', 'distinct_on', 'top', 'sample', 'windows', 'hint', 'connect', 'into', 'locks']);
    const w = f.with as { ctes?: unknown; recursive?: unknown } | null;
    if (w) {
      if (w.recursive === true || !Array.isArray(w.ctes)) refuse('WITH RECURSIVE', 'not translated');
      for (const cte of w.ctes as Array<Record<string, unknown>>) {
        if (!EMPTY(cte.columns) || !EMPTY(cte.materialized)) refuse('a WITH clause with column names or MATERIALIZED', 'not translated');
        cte.this = toSpark(cte.this);
      }
    }
    if (!Array.isArray(f.expressions)) refuse('SELECT', 'unexpected shape');
    const unnests = f.expressions.filter((e) => {
      const n = nodeOf(e);
      const t = n?.kind === 'alias' ? nodeOf(n.fields.this) : n;
      return t?.kind === 'function' && String(t.fields.name).toLowerCase() === 'unnest';
    }).length;
    // DuckDB unnests two lists side by side, Spark allows one generator per SELECT
    if (unnests > 1) refuse('two unnest() in one SELECT', 'DuckDB pairs the lists up, Spark would multiply them');
    f.expressions = f.expressions.map((e) => this.selectItem(e));
    const from = f.from as { expressions?: unknown } | null;
    if (from) {
      if (!Array.isArray(from.expressions)) refuse('FROM', 'unexpected shape');
      from.expressions = from.expressions.map((e) => toSpark(e));
    }
    if (Array.isArray(f.joins)) {
      for (const j of f.joins as Array<Record<string, unknown>>) {
        if (!EMPTY(j.using) || j.directed === true || j.deferred_condition === true) refuse('a join with USING', 'not translated');
        // ANTI and SEMI: a left row kept where no (some) right row makes the condition true, in both
        if (!['Inner', 'Left', 'Implicit', 'Cross', 'Anti', 'Semi'].includes(String(j.kind))) refuse(`a ${String(j.kind)} join`, 'not translated');
        j.this = toSpark(j.this);
        if (!EMPTY(j.on)) j.on = this.condition(j.on, false);
      }
    }
    for (const clause of ['where_clause', 'having'] as const) {
      const c = f[clause] as { this?: unknown } | null;
      if (c) c.this = this.condition(c.this, false);
    }
    const group = f.group_by as { expressions?: unknown; all?: unknown; totals?: unknown } | null;
    if (group) {
      if (!EMPTY(group.all) || group.totals === true || !Array.isArray(group.expressions)) refuse('GROUP BY ALL or WITH TOTALS', 'not translated');
      // GROUP BY 1, 2 are ordinals in both (spark.sql.groupByOrdinal is on by default)
      group.expressions = group.expressions.map((e) => toSpark(e));
    }
    const order = f.order_by as { expressions?: unknown } | null;
    if (order) {
      if (!Array.isArray(order.expressions)) refuse('ORDER BY', 'unexpected shape');
      order.expressions = order.expressions.map((o) => this.ordered(o));
    }
    return node;
  }

  /**
   * A condition read only for being true: a filter (WHERE, HAVING, ON), a searched CASE's WHEN,
   * or c in coalesce(c, false).
   * There a NULL answer and a false one mean the same (the row dropped, the branch not taken), and
   * through AND and OR the condition is true exactly where its parts are, so its parts may be
   * IN (subquery), where the engines differ only between NULL and false. In a WHEN, `a AND b`
   * guards b's casts with a's shape tests, as in a value (`and` below); a filter's conjuncts may
   * be split apart by Spark's optimizer, so there they guard nothing.
   */
  private condition(value: unknown, guarding: boolean): unknown {
    const n = nodeOf(value);
    if (n?.kind === 'and' || n?.kind === 'or') {
      const found = guarding && n.kind === 'and' ? guardsIn(n.fields.left) : [];
      n.fields.left = this.condition(n.fields.left, guarding);
      this.guards.push(...found);
      try {
        n.fields.right = this.condition(n.fields.right, guarding);
      } finally {
        this.guards.splice(this.guards.length - found.length, found.length);
      }
      return value;
    }
    if (n?.kind === 'paren') {
      n.fields.this = this.condition(n.fields.this, guarding);
      return value;
    }
    if (n?.kind === 'in' && !EMPTY(n.fields.query) && n.fields.not !== undefined) this.filterIn = value;
    try {
      return toSpark(value);
    } finally {
      this.filterIn = null;
    }
  }

  /**
   * string_split_regex(s, pattern) as the list a SELECT item unnests (the words the vote's
   * tie-break compares): Spark's split(s, java) with no limit keeps empty pieces, leading and
   * trailing ones too, as DuckDB does; both split at the successive leftmost matches, which the
   * Java pattern finds as RE2 does. A pattern that can match the empty string splits differently
   * (RE2 and Java take different empty matches), so it stays refused, as do options. Not an
   * expression-rule function (notExportable.ts): a list is no rule's value.
   */
  private splitList(list: unknown): AstNode | null {
    const n = nodeOf(list);
    if (n?.kind !== 'function' || !['string_split_regex', 'str_split_regex', 'regexp_split_to_array'].includes(String(n.fields.name).toLowerCase())) return null;
    const args = n.fields.args;
    if (!Array.isArray(args) || args.length !== 2) return refuse('string_split_regex() with options', 'not translated');
    const re2 = stringValue(args[1]);
    if (re2 === null) return refuse('string_split_regex() with a pattern that is not a constant', 'only a constant pattern can be checked and rewritten for Java');
    const java = javaPattern(re2, false);
    if (!java.ok) return refuse('string_split_regex()', java.reason);
    if (java.empty) return refuse('string_split_regex() of a pattern that can match the empty string', 'RE2 and Java find different empty matches');
    // DuckDB matches a ^ again at the start of each remaining piece, Java once (from an adversarial pass)
    if (/[$^]/.test(re2.replace(/\[\^/g, '['))) return refuse('string_split_regex() of a pattern with an anchor or a ^ or $', 'DuckDB anchors ^ at each piece, Java at the text');
    return fn('split', [toSpark(args[0]), stringLit(java.pattern)]);
  }

  /** A SELECT item; a list unnested as a whole item is Spark's explode (one row per element, none for an empty list). */
  private selectItem(item: unknown): unknown {
    const n = nodeOf(item);
    const target = n?.kind === 'alias' ? nodeOf(n.fields.this) : n;
    if (target?.kind === 'function' && String(target.fields.name).toLowerCase() === 'unnest') {
      const args = target.fields.args;
      if (!Array.isArray(args) || args.length !== 1) refuse('unnest() with options', 'not translated');
      const exploded = fn('explode', [this.splitList(args[0]) ?? toSpark(args[0])]);
      if (n?.kind === 'alias') {
        if (!EMPTY(n.fields.column_aliases)) refuse('an alias with column names', 'not translated');
        n.fields.this = exploded;
        return item;
      }
      return exploded;
    }
    return toSpark(item);
  }

  /**
   * DuckDB sorts NULLs last in both directions, Spark first when ascending: the order is written
   * out. (A sort order decides which row a window numbers first.)
   */
  private ordered(o: unknown): unknown {
    if (o === null || typeof o !== 'object') refuse('ORDER BY', 'unexpected shape');
    const item = o as Record<string, unknown>;
    item.this = toSpark(item.this);
    if (item.nulls_first === null || item.nulls_first === undefined) item.nulls_first = false;
    return item;
  }

  private window(node: unknown, f: Record<string, unknown>): unknown {
    const over = f.over as Record<string, unknown> | null;
    if (!over || !EMPTY(over.window_name) || !EMPTY(over.frame) || !EMPTY(over.alias)) refuse('a window with a name or a frame', 'not translated');
    const inner = nodeOf(f.this);
    const isRowNumber = inner?.kind === 'row_number' || (inner?.kind === 'function' && String(inner.fields.name).toLowerCase() === 'row_number');
    if (inner && (inner.kind === 'lead' || inner.kind === 'lag')) return this.offsetWindow(inner.kind, node, inner.fields, over);
    if (!inner || (!AGGREGATES.has(inner.kind) && !isRowNumber)) refuse(`the window function ${inner?.kind ?? '?'}`, 'not translated');
    // Spark has no DISTINCT window aggregate (count(DISTINCT x) OVER …): it would stop the model
    if (inner && nodeOf(f.this)?.fields.distinct === true) refuse('an aggregate with DISTINCT over a window', 'Spark does not run distinct window functions');
    if (!isRowNumber) f.this = toSpark(f.this);
    if (Array.isArray(over.partition_by)) over.partition_by = over.partition_by.map((e) => toSpark(e));
    if (Array.isArray(over.order_by)) over.order_by = over.order_by.map((o) => this.ordered(o));
    return node;
  }

  /**
   * count / count (a vote's share of its group): a DOUBLE division in both, each count converted to
   * the nearest double and the quotient correctly rounded. Only at a zero divisor do they part:
   * DuckDB gives ±Infinity, or NaN for 0 / 0; Spark NULL, or an error under ANSI. That case is
   * written out as DuckDB answers it.
   */
  private divide(f: Record<string, unknown>): AstNode {
    if (this.typeOf(f.left) !== 'count' || this.typeOf(f.right) !== 'count') return refuse('the / operator of anything but two counts', 'DuckDB gives infinity on division by zero, Spark (ANSI mode) raises an error; the engines round other numbers differently');
    const a = toSpark(f.left);
    const b = toSpark(f.right);
    const special = (text: string) => ({ cast: { this: stringLit(text), to: { data_type: 'double', precision: null, scale: null }, double_colon_syntax: false } });
    const zero = { literal: { literal_type: 'number', value: '0' } };
    const isNull = (x: unknown) => ({ is_null: { this: structuredClone(x), not: false, postfix_form: false } });
    const byZero = { case: { operand: null, whens: [
      [isNull(a), { null: null }],
      [{ gt: { left: structuredClone(a), right: zero } }, special('Infinity')],
      [{ lt: { left: structuredClone(a), right: zero } }, special('-Infinity')],
    ], else_: special('NaN') } };
    const quotient = { div: { left: { paren: { this: a } }, right: { paren: { this: b } } } };
    return { case: { operand: null, whens: [[{ eq: { left: structuredClone(b), right: zero } }, byZero]], else_: quotient } };
  }

  /**
   * lead(x, k) / lag(x, k) OVER (PARTITION BY … ORDER BY …): the value k rows on in the window's
   * order, NULL past its end, in both; the order's NULLs are written out as for any window. A
   * constant offset of 1 or more and no default (the compilers write coalesce around it).
   */
  private offsetWindow(kind: string, node: unknown, g: Record<string, unknown>, over: Record<string, unknown>): unknown {
    const offset = EMPTY(g.offset) ? 1 : integerValue(g.offset);
    if (offset === null || offset < 1) refuse(`${kind}() with an offset that is not a constant of 1 or more`, 'not translated');
    if (!EMPTY(g.default)) refuse(`${kind}() with a default`, 'not translated');
    if (g.ignore_nulls === true) refuse(`${kind}() IGNORE NULLS`, 'not translated');
    if (!Array.isArray(over.order_by) || over.order_by.length === 0) refuse(`${kind}() without ORDER BY`, 'the row it reads is then any row, in either engine');
    g.this = toSpark(g.this);
    if (Array.isArray(over.partition_by)) over.partition_by = over.partition_by.map((e) => toSpark(e));
    over.order_by = over.order_by.map((o) => this.ordered(o));
    return node;
  }

  /**
   * count, min, max, sum, any_value: the same in both over the values the compilers aggregate
   * (row ids, counts, text); sum of counts is HUGEINT in DuckDB and BIGINT in Spark, equal below 2^63.
   */
  private aggregate(kind: string, node: unknown, f: Record<string, unknown>): unknown {
    // count(DISTINCT x): text and whole numbers are one value when they are equal in both; doubles
    // (NaN, -0.0), structs and lists are not counted distinct here
    if (f.distinct === true && (kind !== 'count' || nodeOf(f.this)?.kind !== 'column' || this.typeOf(f.this) === 'double' || this.typeOf(f.this) === 'decimal')) refuse(`${kind}(DISTINCT …) of anything but a column of text or whole numbers`, 'not translated');
    // DuckDB sums BIGINT into HUGEINT and rounds a DECIMAL cast; Spark overflows at 2^63: only
    // counts (the compilers' sums) are summed
    if (kind === 'sum' && this.typeOf(f.this) !== 'count') refuse('sum() of anything but a count', 'DuckDB sums integers past 2^63 and rounds decimals when cast, Spark overflows and truncates');
    if (!EMPTY(f.order_by)) refuse(`${kind}() with ORDER BY`, 'not translated');
    if (!EMPTY(f.this)) f.this = toSpark(f.this);
    if (!EMPTY(f.filter)) f.filter = toSpark(f.filter);
    return node;
  }

  /** `a AND b`: b is evaluated for the result only where a holds, so a's shape tests guard b's casts. */
  private and(node: unknown, f: Record<string, unknown>): unknown {
    const found = guardsIn(f.left);
    f.left = toSpark(f.left);
    this.guards.push(...found);
    try {
      f.right = toSpark(f.right);
    } finally {
      this.guards.splice(this.guards.length - found.length, found.length);
    }
    return node;
  }

  /** `CASE WHEN c THEN v`: v is the result only where c holds, so c's shape tests guard v's casts. */
  private case(node: unknown, f: Record<string, unknown>): unknown {
    const simple = !EMPTY(f.operand);
    if (simple) f.operand = toSpark(f.operand);
    if (!Array.isArray(f.whens)) refuse('CASE', 'unexpected shape');
    f.whens = f.whens.map((pair: unknown) => {
      if (!Array.isArray(pair) || pair.length !== 2) refuse('CASE', 'unexpected WHEN shape');
      // `CASE x WHEN c` compares x with c: c holding is not what selects the branch
      const found = simple ? [] : guardsIn(pair[0]);
      const when = simple ? toSpark(pair[0]) : this.condition(pair[0], true);
      this.guards.push(...found);
      try {
        return [when, toSpark(pair[1])];
      } finally {
        this.guards.splice(this.guards.length - found.length, found.length);
      }
    });
    if (!EMPTY(f.else_)) f.else_ = toSpark(f.else_);
    return node;
  }

  /**
   * A cast to BIGINT or DOUBLE is exact behind the matching shape test of the same text (the
   * engines differ only on text outside those shapes: '3.5', '0x10', ' 1_0'); a BIGINT cast of a
   * count or a sum of counts, or of a whole-number constant, is exact. Anything else goes to the rule translation's cast rules.
   */
  private cast(node: unknown, f: Record<string, unknown>): unknown {
    const type = String((f.to as { data_type?: unknown } | undefined)?.data_type ?? '?');
    if (type === 'date') return strptimeDate(f.this) ?? undefined;
    if (type === 'boolean') {
      // DuckDB writes a truth constant back as CAST('t' AS BOOLEAN) (a rule stored as DuckDB printed it): that constant is that value
      const text = stringValue(f.this);
      if (text !== null && TRUTH_CONSTANTS.has(text)) return { boolean: { value: TRUTH_CONSTANTS.get(text) } };
    }
    if (type === 'decimal' || type === 'boolean') {
      // the engines read different text as numbers and truth values ('\u00011.5' and ' true ' are NULL in DuckDB)
      return refuse(`CAST to ${type.toUpperCase()} in a model`, 'DuckDB and Spark accept different text (control characters, blanks, other digits); the compilers do not write it');
    }
    if (type === 'var_char' || type === 'text' || type === 'string') {
      const from = this.typeOf(f.this);
      if (from === 'double' || from === 'decimal' || from === 'date') refuse(`CAST of a ${from.toUpperCase()} to text`, 'the engines write them differently (1e-07 and 1.0E-7, 1.50 and 1.5, 0001-01-05 (BC) and 0000-01-05)');
      return undefined;
    }
    const wanted: GuardKind | null = INTEGER_TYPES.has(type) ? 'integer' : type === 'double' ? 'number' : null;
    if (wanted === null) return undefined;
    const key = shape(f.this);
    const guarded = this.guards.some((g) => g.key === key && g.kind === wanted);
    const inner = nodeOf(f.this);
    const aggregated = inner?.kind === 'window_function' ? nodeOf(inner.fields.this) : inner;
    const counted = wanted === 'integer' && (aggregated?.kind === 'count' || (aggregated?.kind === 'sum' && this.typeOf(aggregated.fields.this) === 'count'));
    // a whole-number constant (the compilers' typed empty relations: CAST(0 AS BIGINT)) is the same number in both
    const constant = wanted === 'integer' && integerValue(f.this) !== null && Number.isSafeInteger(integerValue(f.this));
    if (!guarded && !counted && !constant) return undefined;
    f.this = toSpark(f.this);
    return node;
  }

  /**
   * string_agg([DISTINCT] x, sep ORDER BY x): the values sorted by their bytes (DuckDB's default
   * order of text, and Spark's array_sort of strings), joined. NULLs are skipped by both; a group
   * of nothing but NULLs is NULL, as in DuckDB.
   */
  private stringAgg(f: Record<string, unknown>): AstNode {
    const order = Array.isArray(f.order_by) ? (f.order_by as Array<Record<string, unknown>>) : [];
    const sep = stringValue(f.separator);
    if (sep === null || !EMPTY(f.filter) || order.length !== 1 || order[0]!.desc === true || order[0]!.nulls_first === true || shape(order[0]!.this) !== shape(f.this)) {
      return refuse('string_agg() not ordered by its own value, or with a separator that is not a constant', 'not translated');
    }
    const x = toSpark(f.this);
    const collected = fn(f.distinct === true ? 'collect_set' : 'collect_list', [x]);
    const joined = fn('array_join', [fn('array_sort', [collected]), stringLit(sep)]);
    const none = { eq: { left: { count: { this: structuredClone(x), star: false, distinct: false, filter: null, original_name: 'count' } }, right: { literal: { literal_type: 'number', value: '0' } } } };
    return { case: { operand: null, whens: [[none, { null: null }]], else_: joined } };
  }

  /** `{'k': v, …}`: named_struct('k', v, …), fields in the same order. */
  private struct(f: Record<string, unknown>): AstNode {
    if (f.curly_brace_syntax !== true || !Array.isArray(f.keys) || !Array.isArray(f.values) || f.keys.length !== f.values.length) {
      return refuse('a MAP value', 'not translated');
    }
    const args: unknown[] = [];
    (f.keys as unknown[]).forEach((k, i) => {
      const name = stringValue(k);
      if (name === null) refuse('a struct with a computed field name', 'not translated');
      args.push(stringLit(name), toSpark((f.values as unknown[])[i]));
    });
    return fn('named_struct', args);
  }

  /**
   * json_object('k', v, …): to_json of the struct, keeping NULL fields (Spark drops them by
   * default). Values are text and whole numbers from the compilers; the test compares the text.
   */
  private json(f: Record<string, unknown>): AstNode {
    if (!Array.isArray(f.pairs) || !EMPTY(f.null_handling) || f.with_unique_keys === true || !EMPTY(f.returning_type) || f.format_json === true || !EMPTY(f.encoding) || f.star === true) {
      return refuse('json_object() with options', 'not translated');
    }
    const args: unknown[] = [];
    for (const pair of f.pairs as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) refuse('json_object()', 'unexpected shape');
      const name = stringValue(pair[0]);
      if (name === null) refuse('json_object() with a computed key', 'not translated');
      const valueKind = nodeOf(pair[1])?.kind;
      if (valueKind === 'json_object' || valueKind === 'map_func' || valueKind === 'array_func') refuse('json_object() of an object or a list', 'Spark writes a nested JSON value as a quoted string');
      const t = this.typeOf(pair[1]);
      if (t === 'double' || t === 'decimal' || t === 'date') refuse(`json_object() of a ${t.toUpperCase()}`, 'the engines write them differently (1e-07 and 1.0E-7, 1.5 and 1.50)');
      args.push(stringLit(name), toSpark(pair[1]));
    }
    return fn('to_json', [fn('named_struct', args), fn('map', [stringLit('ignoreNullFields'), stringLit('false')])]);
  }
}
