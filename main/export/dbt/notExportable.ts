// Which sandbox allow-list functions an exported dbt project may use on Spark. Every name in
// ALLOWED_FUNCTIONS (main/remediate/sandboxAllowList.ts) is in exactly one of the two lists below
// (a unit test derives the check from the allow-list, so a newly allowed function fails it until
// someone decides). A function is exportable only when test/integration/sparkTranslation.test.ts
// shows DuckDB and real Spark giving the same text on adversarial inputs; the others say why not.

/** Translated to Spark SQL (possibly through an AST rewrite in sparkRewrite.ts). */
export const SPARK_EXPORTABLE: ReadonlySet<string> = new Set([
  'length', 'len', 'starts_with', 'prefix', 'ends_with', 'suffix', 'contains',
  'instr', 'strpos', 'position', 'strlen',
  '~~', '!~~', '^@',
  'round', 'floor', 'ceil', 'ceiling', 'abs', 'sign',
  '+', '-', '*', '%', '^', '**',
  'md5', 'sha256',
  'regexp_matches', 'regexp_full_match', 'regexp_replace', 'regexp_extract',
  'list_contains', 'array_contains', 'list_has', 'list_value',
  'trim', 'ltrim', 'rtrim', 'substr', 'substring', 'left', 'right',
  'replace', 'translate', 'concat', '||', 'concat_ws', 'split_part',
  'greatest', 'least', 'nullif', 'lpad', 'rpad',
  // as translate() with DuckDB's own table of code points (duckdbCase.ts)
  'lower', 'lcase', 'upper', 'ucase',
]);

const REGEX = 'DuckDB uses RE2 and Spark Java regular expressions: `.`, `$`, `\\s`, POSIX classes and replacement references differ';
const DATES = 'the date and time functions depend on DuckDB format codes and parsing rules that Spark does not share (strptime %-codes vs Spark datetime patterns, which strings parse)';
const LISTS = 'DuckDB lists index from 1 and its [] indexes strings too; Spark arrays index from 0 and [] does not apply to strings';
const NO_SPARK = 'Spark has no function with the same result';

/** Not exportable, with the reason the refusal names. */
export const NOT_EXPORTABLE: ReadonlyMap<string, string> = new Map([
  ['length_grapheme', 'Spark has no grapheme-cluster length'],
  ['ascii', 'not translated: no test yet shows Spark\'s ascii() equal to DuckDB\'s on non-ASCII text'],
  ['unicode', NO_SPARK],
  ['ord', NO_SPARK],
  ['chr', 'Spark chr() takes its argument modulo 256; DuckDB returns any Unicode code point (chr(300) is \'Ĭ\')'],
  ['string_split_regex', REGEX],
  ['str_split_regex', REGEX],
  ['regexp_split_to_array', REGEX],
  ['~~*', 'ILIKE lower-cases both sides with the engine\'s own Unicode case rules, which differ'],
  ['!~~*', 'ILIKE lower-cases both sides with the engine\'s own Unicode case rules, which differ'],
  ['~~~', 'Spark has no GLOB operator'],
  ['like_escape', 'LIKE ... ESCAPE is not translated yet'],
  ['not_like_escape', 'NOT LIKE ... ESCAPE is not translated yet'],
  ['ilike_escape', 'ILIKE ... ESCAPE is not translated yet'],
  ['not_ilike_escape', 'NOT ILIKE ... ESCAPE is not translated yet'],
  ['strptime', DATES],
  ['try_strptime', DATES],
  ['strftime', DATES],
  ['date_part', DATES],
  ['datepart', DATES],
  ['date_trunc', DATES],
  ['datetrunc', DATES],
  ['year', DATES],
  ['month', DATES],
  ['day', DATES],
  ['dayofweek', DATES],
  ['dayofyear', DATES],
  ['dayofmonth', DATES],
  ['week', DATES],
  ['weekofyear', DATES],
  ['quarter', DATES],
  ['hour', DATES],
  ['minute', DATES],
  ['second', DATES],
  ['isodow', DATES],
  ['isoyear', DATES],
  ['make_date', DATES],
  ['make_time', DATES],
  ['make_timestamp', DATES],
  ['last_day', DATES],
  ['date_diff', DATES],
  ['datediff', DATES],
  ['date_sub', DATES],
  ['datesub', DATES],
  ['dayname', DATES],
  ['monthname', DATES],
  ['epoch', DATES],
  ['to_days', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_weeks', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_months', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_years', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_hours', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_minutes', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['to_seconds', 'INTERVAL values are not translated (Spark interval arithmetic differs)'],
  ['trunc', 'Spark trunc() truncates dates, not numbers'],
  ['isnan', NO_SPARK],
  ['isinf', NO_SPARK],
  ['isfinite', NO_SPARK],
  ['/', 'DuckDB gives infinity on division by zero, Spark (ANSI mode) raises an error'],
  ['//', 'Spark has no integer-division operator with DuckDB\'s rounding, and the SQL transpiler cannot parse it'],
  ['reverse', 'DuckDB reverses grapheme clusters, Spark code points'],
  ['strip_accents', NO_SPARK],
  ['nfc_normalize', NO_SPARK],
  ['string_split', LISTS],
  ['str_split', LISTS],
  ['list_element', LISTS],
  ['list_extract', LISTS],
  ['array_extract', LISTS],
  ['map', 'MAP look-ups are not translated (Spark map literals and missing keys differ)'],
  ['format', 'DuckDB format() uses fmt {} placeholders; Spark has no equivalent'],
  ['printf', 'DuckDB printf and Spark printf/format_string differ in their conversions'],
  ['levenshtein', 'DuckDB counts edits in UTF-8 bytes (levenshtein(\'Zoë\', \'ABC\') is 4), Spark in characters (3)'],
  ['damerau_levenshtein', NO_SPARK],
  ['jaro_similarity', NO_SPARK],
  ['jaro_winkler_similarity', NO_SPARK],
]);

/** The reason a function cannot be exported, or null when it can. */
export function notExportableReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (SPARK_EXPORTABLE.has(lower)) return null;
  return NOT_EXPORTABLE.get(lower) ?? 'it is not on the list of functions with a tested Spark translation';
}
