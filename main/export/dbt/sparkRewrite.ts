// The Spark side of rule translation, on the SDK's AST: every node of a parsed DuckDB
// expression must be a kind handled here (anything else is refused, so the list fails closed as
// the SDK grows), every function must be exportable (notExportable.ts), and where DuckDB and
// Spark differ the node is rebuilt into the Spark form that gives the same answer, or refused.
import { fn, integerValue, nodeOf, numberLit, stringLit, stringValue, type AstNode } from './sparkAst.js';
import { notExportableReason } from './notExportable.js';
import { firstMatchOnly, javaPattern, javaReplacement } from './javaPattern.js';
import { duckdbCaseMapping } from './duckdbCase.js';
import { strftimeOfStrptime } from './sparkDates.js';

export class Refusal extends Error {}

/**
 * Model statements (sparkModel.ts) accept more than a rule expression: relational clauses,
 * aggregates, structs, guarded casts. While one is translated, its handlers are consulted first;
 * `undefined` means "not mine", and the rule translation below decides.
 */
export interface RewriteExtension {
  node(kind: string, node: unknown, fields: Record<string, unknown>): unknown;
  fn(name: string, args: unknown[], fields: Record<string, unknown>): unknown;
}

let extension: RewriteExtension | null = null;

export function withExtension<T>(ext: RewriteExtension, run: () => T): T {
  const before = extension;
  extension = ext;
  try {
    return run();
  } finally {
    extension = before;
  }
}

export function refuse(what: string, why: string): never {
  throw new Refusal(`${what} cannot be exported to Spark: ${why}`);
}

function requireExportable(name: string, label = `function ${name}()`): void {
  const why = notExportableReason(name);
  if (why !== null) refuse(label, why);
}

/** Node kinds that mean the same in both engines once their children are translated. */
const SAME_KINDS: ReadonlyMap<string, string[]> = new Map([
  ['paren', ['this']],
  ['neg', ['this']],
  ['and', ['left', 'right']],
  ['or', ['left', 'right']],
  ['not', ['this']],
  ['eq', ['left', 'right']],
  ['neq', ['left', 'right']],
  ['lt', ['left', 'right']],
  ['gt', ['left', 'right']],
  ['lte', ['left', 'right']],
  ['gte', ['left', 'right']],
  ['null_safe_eq', ['left', 'right']],
  ['null_safe_neq', ['left', 'right']],
  ['is_null', ['this']],
  ['add', ['left', 'right']],
  ['sub', ['left', 'right']],
  ['mul', ['left', 'right']],
  ['mod', ['left', 'right']],
]);

/** Typed nodes the SDK parses DuckDB functions into, with the DuckDB name used for decisions. */
const TYPED_FUNCTIONS: ReadonlyMap<string, { name: string; children: string[] }> = new Map([
  ['concat', { name: '||', children: ['left', 'right'] }],
  ['length', { name: 'length', children: ['this'] }],
  ['starts_with', { name: 'starts_with', children: ['this', 'expression'] }],
  ['ends_with', { name: 'ends_with', children: ['this', 'expression'] }],
  ['contains', { name: 'contains', children: ['this', 'expression'] }],
  ['abs', { name: 'abs', children: ['this'] }],
  ['power', { name: '^', children: ['this', 'expression'] }],
  ['year', { name: 'year', children: ['this'] }],
]);

/** CAST targets (the SDK's names) whose text-to-value and value-to-text rules agree. */
const CAST_TYPES: ReadonlySet<string> = new Set(['var_char', 'text', 'string', 'boolean', 'decimal']);

/** Why the other CAST targets are refused, where the reason is known from tests. */
const CAST_REFUSALS: ReadonlyMap<string, string> = new Map([
  ['double', 'DuckDB and Spark read long digit strings to different doubles (\'123456789012345678905\' is 1.2345678901234568e+21 in DuckDB, E20 in Spark) and render doubles differently as text'],
  ['int', 'DuckDB rounds \'3.5\' to 4 and reads \'0x10\' as 16; Spark gives NULL (and truncates doubles)'],
  ['big_int', 'DuckDB rounds \'3.5\' to 4 and reads \'0x10\' as 16; Spark gives NULL (and truncates doubles)'],
  ['small_int', 'DuckDB rounds \'3.5\' to 4 and reads \'0x10\' as 16; Spark gives NULL (and truncates doubles)'],
  ['tiny_int', 'DuckDB rounds \'3.5\' to 4 and reads \'0x10\' as 16; Spark gives NULL (and truncates doubles)'],
]);

/** DuckDB's floor/ceil/round of a DOUBLE differ from Spark's (BIGINT results, decimal rounding). */
function isDecimalValue(value: unknown): boolean {
  const n = nodeOf(value);
  if (!n) return false;
  if (n.kind === 'paren' || n.kind === 'neg') return isDecimalValue(n.fields.this);
  if (n.kind === 'cast' || n.kind === 'try_cast') return (n.fields.to as { data_type?: unknown } | undefined)?.data_type === 'decimal';
  return n.kind === 'literal' && n.fields.literal_type === 'number' && /^[0-9]+\.[0-9]+$/.test(String(n.fields.value));
}

const DOUBLE_ROUNDING = 'only a DECIMAL argument (a CAST to DECIMAL or a decimal constant) is translated: on DOUBLE values Spark returns BIGINT (overflowing past 2^63) and rounds the decimal text, DuckDB the binary value';

/** Translates the node in place (its replacement is returned) and checks all its children. */
export function toSpark(node: unknown): unknown {
  const n = nodeOf(node);
  if (!n) refuse('this expression', 'the SQL transpiler produced a tree it does not recognise');
  const { kind, fields } = n;
  if (extension) {
    const handled = extension.node(kind, node, fields);
    if (handled !== undefined) return handled;
  }
  if (kind === 'column' || kind === 'null' || kind === 'boolean') return node;
  if (kind === 'literal') {
    if (fields.literal_type === 'string' || fields.literal_type === 'number') return node;
    return refuse(`a ${String(fields.literal_type)} literal`, 'only string and number literals are translated');
  }
  const same = SAME_KINDS.get(kind);
  if (same) return children(node, fields, same);
  const typed = TYPED_FUNCTIONS.get(kind);
  if (typed) {
    requireExportable(typed.name);
    return children(node, fields, typed.children);
  }
  switch (kind) {
    case 'div':
      return refuse('the / operator', notExportableReason('/') ?? '');
    case 'lower':
    case 'upper': {
      // Spark's lower/upper are Java's full case mapping ('ß' to 'SS', a final sigma, the JVM's
      // Unicode version); DuckDB's map one code point to one by its own table: that table, as translate()
      const { from, to } = duckdbCaseMapping(kind);
      return fn('translate', [toSpark(fields.this), stringLit(from), stringLit(to)]);
    }
    case 'in':
      if (fields.query !== null && fields.query !== undefined) refuse('IN (subquery)', 'subqueries are not rules');
      return children(node, fields, ['this', 'expressions']);
    case 'case':
      return translateCase(node, fields);
    case 'coalesce':
      return children(node, fields, ['expressions']);
    case 'like':
      return translateLike(node, fields, '~~');
    case 'i_like':
      return translateLike(node, fields, '~~*');
    case 'cast':
    case 'try_cast':
      return translateCast(node, fields);
    case 'substring':
      return translateSubstring(node, fields);
    case 'trim':
      return translateTrim(node, fields);
    case 'str_position':
      requireExportable('instr');
      if (fields.position !== null || fields.occurrence !== null) refuse('instr() with a start position', 'not translated');
      return children(node, fields, ['this', 'substr']);
    case 'floor':
    case 'ceil':
      requireExportable(kind);
      if (fields.scale !== null && fields.scale !== undefined) refuse(`${kind}() with a scale`, 'not translated');
      if (!isDecimalValue(fields.this)) refuse(`${kind}() of a value that is not DECIMAL`, DOUBLE_ROUNDING);
      return children(node, fields, ['this']);
    case 'array_contains':
      return translateFunction({ name: 'array_contains', args: [fields.this, fields.expression] });
    case 'method_call':
      return translateMethodCall(fields);
    case 'function':
      return translateFunction(fields);
    case 'collation':
      return refuse('COLLATE', 'DuckDB collations (nocase, noaccent) have no exact Spark equivalent');
    case 'subscript':
      return refuse('[ ] indexing', notExportableReason('list_element') ?? '');
    default:
      return refuse(`the construct ${kind}`, 'it has no tested Spark translation');
  }
}

function children(node: unknown, fields: Record<string, unknown>, names: string[]): unknown {
  for (const name of names) {
    const value = fields[name];
    if (value === null || value === undefined) continue;
    fields[name] = Array.isArray(value) ? value.map(toSpark) : toSpark(value);
  }
  return node;
}

function translateCase(node: unknown, fields: Record<string, unknown>): unknown {
  if (fields.operand !== null && fields.operand !== undefined) fields.operand = toSpark(fields.operand);
  const whens = fields.whens;
  if (!Array.isArray(whens)) refuse('CASE', 'the SQL transpiler produced a CASE it does not recognise');
  fields.whens = whens.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2) refuse('CASE', 'unexpected WHEN shape');
    return [toSpark(pair[0]), toSpark(pair[1])];
  });
  if (fields.else_ !== null && fields.else_ !== undefined) fields.else_ = toSpark(fields.else_);
  return node;
}

/**
 * LIKE: DuckDB has no default escape character, Spark's is a backslash, so a pattern is
 * translated only when it is a constant without backslashes (then both read it the same way).
 */
function translateLike(node: unknown, fields: Record<string, unknown>, name: string): unknown {
  requireExportable(name, name === '~~' ? 'LIKE' : 'ILIKE');
  if (fields.escape !== null && fields.escape !== undefined) refuse('LIKE ... ESCAPE', notExportableReason('like_escape') ?? '');
  if (fields.quantifier !== null && fields.quantifier !== undefined) refuse('LIKE ANY/ALL', 'not translated');
  const pattern = stringValue(fields.right);
  if (pattern === null) refuse('LIKE with a pattern that is not a constant', 'Spark reads a backslash in a pattern as an escape, DuckDB does not');
  if (pattern.includes('\\')) refuse(`LIKE '${pattern}'`, 'Spark reads a backslash in a pattern as an escape, DuckDB does not');
  return children(node, fields, ['left']);
}

function translateCast(node: unknown, fields: Record<string, unknown>): unknown {
  const to = fields.to as Record<string, unknown> | undefined;
  const type = typeof to?.data_type === 'string' ? to.data_type : '?';
  if (!CAST_TYPES.has(type)) refuse(`CAST to ${type.toUpperCase()}`, CAST_REFUSALS.get(type) ?? 'text conversion to and from this type differs between DuckDB and Spark');
  const textual = isTextValue(fields.this);
  children(node, fields, ['this']);
  if (type === 'decimal' && textual) {
    // DuckDB reads '1_000' as 1000 (one underscore between two digits is a digit separator);
    // Spark does not, so those underscores are removed first, exactly where DuckDB allows them.
    fields.this = fn('regexp_replace', [fields.this, stringLit('(?<=[0-9])_(?=[0-9])'), stringLit('')]);
  }
  return node;
}

/** Functions whose result is text: a CAST of them to a number reads text the DuckDB way. */
const TEXT_FUNCTIONS: ReadonlySet<string> = new Set([
  'replace', 'translate', 'concat', 'concat_ws', 'split_part', 'left', 'right', 'lpad', 'rpad',
  'ltrim', 'rtrim', 'trim', 'substr', 'substring', 'nullif', 'greatest', 'least', 'coalesce',
]);

/** Whether the value is text for certain: a column (staging columns are text), a string, a text function. */
function isTextValue(value: unknown): boolean {
  const n = nodeOf(value);
  if (!n) return false;
  if (n.kind === 'paren') return isTextValue(n.fields.this);
  if (n.kind === 'column' || n.kind === 'concat' || n.kind === 'trim' || n.kind === 'substring') return true;
  if (n.kind === 'literal') return n.fields.literal_type === 'string';
  if (n.kind === 'cast' || n.kind === 'try_cast') return (n.fields.to as { data_type?: unknown } | undefined)?.data_type === 'var_char';
  if (n.kind === 'function') return TEXT_FUNCTIONS.has(String(n.fields.name).toLowerCase());
  if (n.kind === 'method_call') return TEXT_FUNCTIONS.has(String((n.fields.method as { name?: unknown } | undefined)?.name).toLowerCase());
  return false;
}

/**
 * substr(s, start, len): the engines agree for a start of 1 or more and a length of 0 or more;
 * at 0 and below they count differently, so only such constants are translated.
 */
function translateSubstring(node: unknown, fields: Record<string, unknown>): unknown {
  requireExportable('substr');
  if (fields.from_for_syntax === true) fields.from_for_syntax = false;
  const start = integerValue(fields.start);
  if (start === null || start < 1) refuse('substr() with a start that is not a constant of 1 or more', 'DuckDB and Spark count start positions of 0 and below differently');
  if (fields.length !== null && fields.length !== undefined) {
    const len = integerValue(fields.length);
    if (len === null || len < 0) refuse('substr() with a length that is not a constant of 0 or more', 'DuckDB and Spark treat negative lengths differently');
  }
  return children(node, fields, ['this']);
}

function translateTrim(node: unknown, fields: Record<string, unknown>): unknown {
  requireExportable('trim');
  if (fields.characters !== null && fields.characters !== undefined && stringValue(fields.characters) === null) {
    refuse('trim() with characters that are not a constant', 'not translated');
  }
  if (fields.characters === null || fields.characters === undefined) {
    const position = fields.position === 'Leading' || fields.position === 'Trailing' ? fields.position : 'Both';
    return blankTrim(toSpark(fields.this), position);
  }
  return children(node, fields, ['this']);
}

/**
 * DuckDB's trim() without characters removes the Unicode space separators (category Zs: the
 * space, no-break space U+00A0, U+1680, U+2000 to U+200A, U+202F, U+205F, U+3000; checked over
 * every code point), Spark's TRIM only the space. The run of them at either end is removed by a
 * Java pattern of exactly those characters (\z is the very end: Java's $ also matches before a
 * final line break).
 */
export const SPACE_SEPARATOR_CLASS = '[\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{202f}\\x{205f}\\x{3000}]';
const SPACE_SEPARATORS = `${SPACE_SEPARATOR_CLASS}+`;

function blankTrim(value: unknown, position: 'Both' | 'Leading' | 'Trailing'): AstNode {
  const pattern = position === 'Leading' ? `^${SPACE_SEPARATORS}` : position === 'Trailing' ? `${SPACE_SEPARATORS}\\z` : `^${SPACE_SEPARATORS}|${SPACE_SEPARATORS}\\z`;
  return fn('regexp_replace', [value, stringLit(pattern), stringLit('')]);
}

/** `main.f(...)` is how DuckDB renders functions its parser rewrote; `main` is its own schema. */
function translateMethodCall(fields: Record<string, unknown>): unknown {
  const owner = nodeOf(fields.this);
  const ownerName = owner?.kind === 'column' ? (owner.fields.name as { name?: unknown } | undefined)?.name : undefined;
  const method = (fields.method as { name?: unknown } | undefined)?.name;
  if (ownerName !== 'main' || typeof method !== 'string' || !Array.isArray(fields.args)) {
    return refuse('a qualified function', 'only DuckDB\'s own main.<function> forms are translated');
  }
  return translateFunction({ name: method, args: fields.args, distinct: false });
}

/** Generic function calls: the name decides, then per-function checks and rewrites. */
function translateFunction(fields: Record<string, unknown>): unknown {
  const name = typeof fields.name === 'string' ? fields.name.toLowerCase() : '?';
  const args = Array.isArray(fields.args) ? fields.args : [];
  if (fields.distinct === true) refuse(`${name}(DISTINCT ...)`, 'aggregates are not rules');
  if (extension) {
    const handled = extension.fn(name, args, fields);
    if (handled !== undefined) return handled;
  }
  // a date rewritten from one day format to ISO (the date rules): its own translation
  if (name === 'strftime') return strftimeOfStrptime(args);
  requireExportable(name);
  const arg = (i: number): unknown => toSpark(args[i]);
  const all = (): unknown[] => args.map(toSpark);
  switch (name) {
    case 'trim':
    case 'ltrim':
    case 'rtrim':
      return trimNode(name, args);
    case 'substr':
    case 'substring':
      return toSpark({ substring: { this: args[0], start: args[1], length: args[2] ?? null, from_for_syntax: false } });
    case 'position':
      // main.position(haystack, needle) is DuckDB's rendering of position(needle IN haystack)
      return toSpark({ str_position: { this: args[0], substr: args[1], position: null, occurrence: null } });
    case 'strlen':
      // bytes of the UTF-8 text in both
      return fn('octet_length', [arg(0)]);
    case 'prefix':
      return { starts_with: { this: arg(0), expression: arg(1) } };
    case 'suffix':
      return { ends_with: { this: arg(0), expression: arg(1) } };
    case 'concat':
      // DuckDB's concat() skips NULLs; Spark's returns NULL, but its concat_ws('', ...) skips them
      return fn('concat_ws', [stringLit(''), ...all()]);
    case 'sha256':
      return fn('sha2', [arg(0), numberLit('256')]);
    case 'left':
    case 'right':
      if ((integerValue(args[1]) ?? -1) < 0) refuse(`${name}() with a count that is not a constant of 0 or more`, 'DuckDB counts negative lengths from the other end, Spark returns an empty string');
      return fn(name, all());
    case 'split_part': {
      const sep = stringValue(args[1]);
      if (sep === null || sep === '') refuse('split_part() with a separator that is not a non-empty constant', 'the engines split on an empty or computed separator differently');
      if ((integerValue(args[2]) ?? 0) < 1) refuse('split_part() with a part that is not a constant of 1 or more', 'Spark raises an error for part 0 and counts negative parts differently');
      return fn(name, all());
    }
    case 'lpad':
    case 'rpad': {
      const fill = stringValue(args[2]);
      if (fill === null || fill === '') refuse(`${name}() with a fill that is not a non-empty constant`, 'the engines pad with an empty fill differently');
      if ((integerValue(args[1]) ?? -1) < 0) refuse(`${name}() with a width that is not a constant of 0 or more`, 'not translated');
      return fn(name, all());
    }
    case 'list_contains':
    case 'list_has':
    case 'array_contains': {
      const listArgs = literalListItems(args[0]);
      if (listArgs === null) refuse(`${name}() on a list that is not a literal list`, notExportableReason('list_element') ?? '');
      if (listArgs.some((item) => nodeOf(item)?.kind === 'null')) {
        refuse(`${name}() on a list holding NULL`, 'Spark\'s array_contains answers NULL where DuckDB answers false');
      }
      return fn('array_contains', [fn('array', listArgs.map(toSpark)), arg(1)]);
    }
    case 'regexp_full_match':
    case 'regexp_matches': {
      // RE2 rewritten as the Java pattern of the same strings (javaPattern.ts); RLIKE searches
      // the text as regexp_matches does, and the full match is anchored in the pattern itself.
      if (args.length !== 2 && args.length !== 3) refuse(`${name}()`, 'takes a text, a pattern and options');
      const { fold } = regexOptions(name, args[2], false);
      const re2 = stringValue(args[1]);
      if (re2 === null) refuse(`${name}() with a pattern that is not a constant`, 'only a constant pattern can be checked and rewritten for Java');
      const java = javaPattern(re2, name === 'regexp_full_match', fold);
      if (!java.ok) refuse(`${name}()`, java.reason);
      return fn('rlike', [arg(0), stringLit(java.pattern)]);
    }
    case 'regexp_replace': {
      // DuckDB replaces the first match unless given 'g'; Spark's regexp_replace replaces every
      // match, so one match is a pattern anchored at the start (javaPattern.ts firstMatchOnly).
      if (args.length < 3 || args.length > 4) refuse('regexp_replace()', 'takes a text, a pattern, a replacement and options');
      const { global, fold } = regexOptions(name, args[3], true);
      const re2 = stringValue(args[1]);
      const rewrite = stringValue(args[2]);
      if (re2 === null || rewrite === null) refuse('regexp_replace() with a pattern or replacement that is not a constant', 'only constants can be checked and rewritten for Java');
      const java = javaPattern(re2, false, fold);
      if (!java.ok) refuse('regexp_replace()', java.reason);
      // After a match RE2 takes no empty match where it ended, Java does, and Java steps into an
      // emoji's surrogate pair to try one: every-match replacing of a pattern that can match nothing differs.
      if (global && java.empty) refuse("regexp_replace(..., 'g') of a pattern that can match the empty string", 'RE2 and Java find different empty matches between and after matches');
      const first = global ? null : firstMatchOnly(java.pattern, java.groups, rewrite);
      const replacement = first ? first.replacement : javaReplacement(rewrite, java.groups, 0, 0);
      if (!replacement.ok) refuse('regexp_replace()', replacement.reason);
      return fn('regexp_replace', [arg(0), stringLit(first ? first.pattern : java.pattern), stringLit(replacement.replacement)]);
    }
    case 'regexp_extract': {
      // DuckDB's group defaults to 0 (the match), Spark's to 1: the group is always written.
      const re2 = stringValue(args[1]);
      if (re2 === null) refuse('regexp_extract() with a pattern that is not a constant', 'only a constant pattern can be checked and rewritten for Java');
      const group = args.length >= 3 ? integerValue(args[2]) : 0;
      if (args.length > 3 || group === null || group < 0) refuse('regexp_extract() with a group that is not a constant of 0 or more, or with options', 'not translated');
      const java = javaPattern(re2, false);
      if (!java.ok) refuse('regexp_extract()', java.reason);
      if (group > java.groups) refuse(`regexp_extract() of group ${group}`, `the pattern has ${java.groups} group(s)`);
      return fn('regexp_extract', [arg(0), stringLit(java.pattern), numberLit(String(group))]);
    }
    case 'list_value':
      return refuse('a list value outside list_contains()', notExportableReason('list_element') ?? '');
    case 'round':
      if (args.length > 1 && integerValue(args[1]) === null) refuse('round() with a precision that is not a constant', 'not translated');
      if (!isDecimalValue(args[0])) refuse('round() of a value that is not DECIMAL', DOUBLE_ROUNDING);
      return fn(name, all());
    case 'sign':
      // DuckDB's sign() is a TINYINT, Spark's a DOUBLE (-1.0)
      return { cast: { this: fn('sign', all()), to: { data_type: 'tiny_int', length: null }, double_colon_syntax: false } };
    default:
      return fn(name, all());
  }
}

/**
 * DuckDB's regex options, of which 'g' (every match, regexp_replace only) and 'i' (RE2's case
 * folding, javaPattern.ts) are translated; 'c' (case-sensitive, the default) is refused with the
 * newline and literal options, as they change what the others mean in combination.
 */
function regexOptions(name: string, value: unknown, replace: boolean): { global: boolean; fold: boolean } {
  if (value === undefined) return { global: false, fold: false };
  const options = stringValue(value);
  const allowed = replace ? /^(?:g|i|gi|ig)?$/ : /^i?$/;
  if (options === null || !allowed.test(options)) {
    refuse(`${name}() with options other than ${replace ? "'g' and 'i'" : "'i'"}`, 'the other option letters (newline handling, literal patterns) are not translated');
  }
  return { global: options.includes('g'), fold: options.includes('i') };
}

/** The items of `[x, y]` or DuckDB's rendering of it, `main.list_value(x, y)`; else null. */
function literalListItems(value: unknown): unknown[] | null {
  const list = nodeOf(value);
  if (!list) return null;
  if (list.kind === 'array_func') return Array.isArray(list.fields.expressions) ? list.fields.expressions : null;
  const listName = list.kind === 'method_call' ? (list.fields.method as { name?: unknown } | undefined)?.name : list.fields.name;
  if ((list.kind === 'method_call' || list.kind === 'function') && listName === 'list_value' && Array.isArray(list.fields.args)) {
    return list.fields.args;
  }
  return null;
}

function trimNode(name: string, args: unknown[]): AstNode {
  const position = name === 'ltrim' ? 'Leading' : name === 'rtrim' ? 'Trailing' : 'Both';
  if (args.length > 1 && stringValue(args[1]) === null) refuse(`${name}() with characters that are not a constant`, 'not translated');
  const characters = args.length > 1 ? args[1] : null;
  if (characters === null) return blankTrim(toSpark(args[0]), position);
  return {
    trim: {
      this: toSpark(args[0]),
      characters,
      position,
      sql_standard_syntax: characters !== null || position !== 'Both',
      position_explicit: characters !== null || position !== 'Both',
    },
  };
}
