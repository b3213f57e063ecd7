// DuckDB's try_strptime of a day (%Y, %m and %d between separators) as Spark SQL: the text's
// shape as a Java pattern, its parts padded into 'yyyy-mm-dd', the calendar checked by try_cast.
// Used for the date check of a model (a DATE) and for a rule that rewrites a date (its text).
import { fn, nodeOf, stringLit, stringValue, type AstNode } from './sparkAst.js';
import { refuse, toSpark } from './sparkRewrite.js';

/** The blanks DuckDB's strptime skips before and after the text: ASCII white space. */
const BLANKS = '[\\t\\n\\x0B\\f\\r ]*';

/**
 * `try_strptime(t, fmt)` for a format of %Y, %m and %d between separators (-, /, .), as DuckDB
 * reads it: blanks around the text skipped, %Y one to four digits (year 20 is 0020), %m and %d one
 * or two, a calendar day or NULL. Returns whether the text has that shape, and the day as
 * 'yyyy-mm-dd' text (which may still be no calendar day: 2020-02-30). Other formats (names of
 * months, times, zones, fields without a separator) are refused.
 */
function strptimeDay(call: unknown): { matches: AstNode; day: AstNode; special: AstNode } {
  const n = nodeOf(call);
  const args = n?.fields.args;
  const format = Array.isArray(args) && args.length === 2 ? stringValue(args[1]) : null;
  if (format === null) return refuse('try_strptime() with a format that is not a constant', 'not translated');
  const tokens = format.match(/%[A-Za-z%]|[^%]/g) ?? [];
  const groups: Record<string, number> = {};
  let pattern = `^${BLANKS}`;
  let previousField = false;
  for (const t of tokens) {
    if (t === '%Y' || t === '%m' || t === '%d') {
      if (previousField || t in groups) return refuse(`the date format '${format}'`, 'two fields without a separator, or a field twice, are read by digit counts Spark does not share');
      groups[t] = Object.keys(groups).length + 1;
      pattern += t === '%Y' ? '([0-9]{1,4})' : '([0-9]{1,2})';
      previousField = true;
    } else if (/^[-/.]$/.test(t)) {
      pattern += `\\x{${t.charCodeAt(0).toString(16)}}`;
      previousField = false;
    } else {
      return refuse(`the date format '${format}'`, `only %Y, %m and %d between '-', '/' or '.' are translated (not ${JSON.stringify(t)})`);
    }
  }
  if (Object.keys(groups).length !== 3) return refuse(`the date format '${format}'`, 'only a format with %Y, %m and %d is translated');
  pattern += `${BLANKS}\\z`;
  const text = toSpark((args as unknown[])[0]);
  const part = (spec: string, width: number): AstNode => fn('lpad', [fn('regexp_extract', [structuredClone(text), stringLit(pattern), numberLitOf(groups[spec]!)]), numberLitOf(width), stringLit('0')]);
  const day = fn('concat', [part('%Y', 4), stringLit('-'), part('%m', 2), stringLit('-'), part('%d', 2)]);
  return { matches: fn('rlike', [structuredClone(text), stringLit(pattern)]), day, special: fn('rlike', [structuredClone(text), stringLit(SPECIAL)]) };
}

/**
 * DuckDB's strptime reads the words 'epoch', 'infinity' and '-infinity' (ASCII letters in any
 * case, ASCII blanks around) as 1900-01-01 whatever the format; Spark reads them as nothing. The
 * contract's checks refuse them (typedValue.ts asks for a digit); a translated value gives DuckDB's day.
 */
const SPECIAL = `^${BLANKS}(?:[eE][pP][oO][cC][hH]|-?[iI][nN][fF][iI][nN][iI][tT][yY])${BLANKS}\\z`;
const SPECIAL_DAY = '1900-01-01';

function isTryStrptime(value: unknown): boolean {
  const n = nodeOf(value);
  return n?.kind === 'function' && String(n.fields.name).toLowerCase() === 'try_strptime';
}

const asDate = (day: AstNode): AstNode => ({ try_cast: { this: day, to: { data_type: 'date' }, double_colon_syntax: false } });

/**
 * `CAST(CAST(try_strptime(t, fmt) AS TIMESTAMP) AS DATE)`, the date check's day: in Spark the
 * shape test, then the padded parts cast with try_cast (NULL for 2020-02-30). Null when `value` is
 * not that shape (the caller decides).
 */
export function strptimeDate(value: unknown): unknown {
  const ts = nodeOf(value);
  if (ts?.kind !== 'cast' || (ts.fields.to as { data_type?: unknown } | undefined)?.data_type !== 'timestamp') return null;
  if (!isTryStrptime(ts.fields.this)) return null;
  const { matches, day, special } = strptimeDay(ts.fields.this);
  return { case: { operand: null, whens: [[special, asDate(stringLit(SPECIAL_DAY))], [matches, asDate(day)]], else_: null } };
}

/**
 * `strftime(try_strptime(t, fmt), '%Y-%m-%d')`, a rule rewriting a date: DuckDB writes the year in
 * four digits (year 0 as 0000) and NULL for no calendar day. In Spark the padded parts themselves,
 * where they are a calendar day; Spark's own date formatting is not used.
 */
export function strftimeOfStrptime(args: unknown[]): unknown {
  if (args.length !== 2 || !isTryStrptime(args[0]) || stringValue(args[1]) !== '%Y-%m-%d') {
    return refuse('strftime() of anything but try_strptime() of a day, written as \'%Y-%m-%d\'', 'the date and time formats of the engines differ');
  }
  const { matches, day, special } = strptimeDay(args[0]);
  const isDay = { is_null: { this: asDate(structuredClone(day)), not: true, postfix_form: false } };
  return { case: { operand: null, whens: [[special, stringLit(SPECIAL_DAY)], [{ and: { left: matches, right: isDay } }, day]], else_: null } };
}

function numberLitOf(n: number): AstNode {
  return { literal: { literal_type: 'number', value: String(n) } };
}
