// What a rule expression may contain. The sandbox accepts an expression only when every node of
// its parse tree is listed here; anything unlisted (a new DuckDB function, a new node kind) is
// refused, so the list fails closed as DuckDB grows.
//
// Each function also carries a growth policy: how long its output can get relative to its
// inputs. The sandbox multiplies these up the tree to refuse expressions that could blow one
// cell up into gigabytes (nested replace() calls grow geometrically).

/**
 * - `small`: output is a number, boolean, date or a short string whatever the input length
 * - `sum`: output is at most as long as all of its arguments together
 * - `max`: output is one of its arguments
 * - `distance`: a small number, but quadratic in its arguments, so one must be a constant
 * - the others have their own rule in the sandbox (replacement or width arguments)
 */
export type GrowthPolicy =
  | 'small'
  | 'sum'
  | 'max'
  | 'replace'
  | 'regexp_replace'
  | 'pad'
  | 'format'
  | 'strftime'
  | 'concat_ws'
  | 'distance';

const SMALL = [
  // lengths, distances and tests on strings
  'length', 'len', 'strlen', 'length_grapheme', 'starts_with', 'ends_with', 'prefix', 'suffix',
  'contains', 'instr', 'strpos', 'position', 'ascii', 'unicode', 'ord', 'chr',
  'regexp_matches', 'regexp_full_match',
  // LIKE / ILIKE / GLOB / starts-with operators, and their ESCAPE forms
  '~~', '!~~', '~~*', '!~~*', '~~~', '^@',
  'like_escape', 'not_like_escape', 'ilike_escape', 'not_ilike_escape',
  // dates and times (no now()/today(): rules must give the same answer every run)
  'strptime', 'try_strptime', 'date_part', 'datepart', 'date_trunc', 'datetrunc', 'year', 'month',
  'day', 'dayofweek', 'dayofyear', 'dayofmonth', 'week', 'weekofyear', 'quarter', 'hour', 'minute',
  'second', 'isodow', 'isoyear', 'make_date', 'make_time', 'make_timestamp', 'last_day',
  'date_diff', 'datediff', 'date_sub', 'datesub', 'dayname', 'monthname', 'epoch',
  // INTERVAL literals parse into these
  'to_days', 'to_weeks', 'to_months', 'to_years', 'to_hours', 'to_minutes', 'to_seconds',
  // numbers
  'round', 'floor', 'ceil', 'ceiling', 'abs', 'sign', 'trunc', 'isnan', 'isinf', 'isfinite',
  '+', '-', '*', '/', '//', '%', '^', '**',
  // fixed-length digests, useful for pseudonymising a value
  'md5', 'sha256',
  // membership in a literal list
  'list_contains', 'array_contains', 'list_has',
];

const SUM = [
  'lower', 'lcase', 'upper', 'ucase', 'trim', 'ltrim', 'rtrim', 'substr', 'substring', 'left',
  'right', 'reverse', 'strip_accents', 'nfc_normalize', 'translate', 'regexp_extract',
  'split_part', 'concat', '||',
  // lists only as literals or as the split of a value; no list builders that can grow (range, repeat)
  'string_split', 'str_split', 'string_split_regex', 'str_split_regex', 'regexp_split_to_array',
  'list_value', 'list_element', 'list_extract', 'array_extract',
  // MAP {'k': 'v'}[col]: a constant lookup table
  'map',
];

const MAX = ['greatest', 'least', 'nullif'];

const SPECIAL: Array<[string, GrowthPolicy]> = [
  ['replace', 'replace'],
  ['regexp_replace', 'regexp_replace'],
  ['lpad', 'pad'],
  ['rpad', 'pad'],
  ['format', 'format'],
  ['printf', 'format'],
  ['strftime', 'strftime'],
  ['concat_ws', 'concat_ws'],
  ['levenshtein', 'distance'],
  ['damerau_levenshtein', 'distance'],
  ['jaro_similarity', 'distance'],
  ['jaro_winkler_similarity', 'distance'],
];

export const FUNCTION_POLICIES: ReadonlyMap<string, GrowthPolicy> = new Map<string, GrowthPolicy>([
  ...SMALL.map((n): [string, GrowthPolicy] => [n, 'small']),
  ...SUM.map((n): [string, GrowthPolicy] => [n, 'sum']),
  ...MAX.map((n): [string, GrowthPolicy] => [n, 'max']),
  ...SPECIAL,
]);

/** Scalar functions (and operator symbols) a rule may call, lower case. */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(FUNCTION_POLICIES.keys());

/**
 * Functions DuckDB's parser itself emits as `main.<name>` when it rewrites special syntax
 * (`trim(BOTH 'x' FROM a)`, `[1, 2]`, `MAP {...}`, `LIKE ... ESCAPE`, `EXTRACT(...)`). Only these
 * may carry the `main` schema; any other qualified name is refused.
 */
export const PARSER_QUALIFIED_FUNCTIONS: ReadonlySet<string> = new Set([
  'trim', 'ltrim', 'rtrim', 'substring', 'position', 'date_part', 'list_value', 'map',
  'like_escape', 'not_like_escape', 'ilike_escape', 'not_ilike_escape',
]);

/**
 * CAST / TRY_CAST targets, as DuckDB's serializer names them. No nested types (LIST, STRUCT, MAP,
 * UNION), no user or extension types (they serialize as UNBOUND), no time-zone types (their text
 * depends on the session's TimeZone, so the same rule could give different answers).
 */
export const ALLOWED_CAST_TYPES: ReadonlySet<string> = new Set([
  'VARCHAR', 'BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',
  'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'DATE', 'TIME', 'TIMESTAMP',
  'INTERVAL',
]);

/** OPERATOR-class node types. */
export const ALLOWED_OPERATOR_TYPES: ReadonlySet<string> = new Set([
  'OPERATOR_NOT', 'OPERATOR_IS_NULL', 'OPERATOR_IS_NOT_NULL', 'COMPARE_IN', 'COMPARE_NOT_IN',
  'OPERATOR_COALESCE', 'OPERATOR_TRY', 'ARRAY_EXTRACT', 'ARRAY_SLICE',
]);

export const ALLOWED_COMPARISON_TYPES: ReadonlySet<string> = new Set([
  'COMPARE_EQUAL', 'COMPARE_NOTEQUAL', 'COMPARE_LESSTHAN', 'COMPARE_GREATERTHAN',
  'COMPARE_LESSTHANOREQUALTO', 'COMPARE_GREATERTHANOREQUALTO', 'COMPARE_DISTINCT_FROM',
  'COMPARE_NOT_DISTINCT_FROM',
]);

/** Built-in collations only (ICU is never loaded); `nocase.noaccent` combines them. */
export const ALLOWED_COLLATIONS: ReadonlySet<string> = new Set(['nocase', 'noaccent', 'nfc', 'binary']);

/** Node kinds refused outright, with the words used in the rejection reason. */
export const REFUSED_CLASSES: ReadonlyMap<string, string> = new Map([
  ['SUBQUERY', 'subqueries are not allowed'],
  ['WINDOW', 'window functions are not allowed'],
  ['LAMBDA', 'lambda expressions are not allowed'],
  ['LAMBDA_REF', 'lambda expressions are not allowed'],
  ['STAR', '* and COLUMNS(...) are not allowed'],
  ['PARAMETER', 'parameters (?, $1, $name) are not allowed'],
  ['POSITIONAL_REFERENCE', 'positional references (#1) are not allowed'],
  ['DEFAULT', 'DEFAULT is not allowed'],
]);
