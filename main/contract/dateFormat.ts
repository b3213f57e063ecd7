// Reads a contract's `logicalTypeOptions.format`. ODCS documents it as a Java DateTimeFormatter
// pattern (`yyyy-MM-dd`, `dd.MM.yyyy HH:mm:ss`, `yyyy-MM-dd'T'HH:mm:ssXXX`); Airlock also accepts
// a DuckDB strftime string (`%Y-%m-%d`). Either way the result is a DuckDB strptime/strftime
// format, so the rest of the engine has one notation. Passing a JDK pattern to strptime verbatim
// would treat every letter as a literal, and nothing would parse (defect A10), so a format is
// tokenised, every field is translated, and a format with no field, or with a letter DuckDB has
// no equivalent for, is refused when the contract loads.

export interface DateFormat {
  /** DuckDB strptime/strftime format */
  strptime: string;
  /** the format as the contract wrote it */
  source: string;
  notation: 'jdk' | 'strftime';
  hasDate: boolean;
  hasTime: boolean;
  /**
   * The JDK offset letters X / XXX / ZZZZZ write UTC as `Z`; DuckDB's %z does not read `Z`.
   * When true, a trailing `Z` is read as `+00:00` before parsing (the offset must end the format).
   */
  zuluAtEnd: boolean;
}

export class FormatError extends Error {}

/** The strftime directives DuckDB parses (its documentation of date formats, "dateformat"). */
const STRFTIME_DATE = new Set(['a', 'A', 'w', 'u', 'd', '-d', 'b', 'B', 'h', 'm', '-m', 'y', '-y', 'Y', 'G', 'j', '-j', 'U', 'W', 'V', 'x', 'c']);
const STRFTIME_TIME = new Set(['H', '-H', 'I', '-I', 'p', 'M', '-M', 'S', '-S', 'f', 'g', 'n', 'z', 'Z', 'X', 'c']);

function readStrftime(f: string): DateFormat {
  let hasDate = false, hasTime = false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] !== '%') continue;
    let d = f[i + 1] ?? '';
    if (d === '-') d = `-${f[i + 2] ?? ''}`;
    if (d === '%') { i++; continue; }
    if (!STRFTIME_DATE.has(d) && !STRFTIME_TIME.has(d)) {
      throw new FormatError(`%${d} is not a strftime directive DuckDB knows (use e.g. %Y-%m-%d, or a Java pattern such as yyyy-MM-dd)`);
    }
    if (STRFTIME_DATE.has(d)) hasDate = true;
    if (STRFTIME_TIME.has(d)) hasTime = true;
    i += d.length;
  }
  return { strptime: f, source: f, notation: 'strftime', hasDate, hasTime, zuluAtEnd: false };
}

type Tok = { kind: 'lit'; text: string } | { kind: 'field'; letter: string; count: number };

/** Splits a JDK pattern: runs of one letter are fields, `'...'` is literal text, `''` a quote. */
export function tokenizeJdk(f: string): Tok[] {
  const out: Tok[] = [];
  const lit = (t: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === 'lit') last.text += t;
    else out.push({ kind: 'lit', text: t });
  };
  let i = 0;
  while (i < f.length) {
    const ch = f[i];
    if (ch === "'") {
      if (f[i + 1] === "'") { lit("'"); i += 2; continue; }
      // Inside quotes, '' is one quote.
      let j = i + 1, text = '';
      for (;;) {
        const close = f.indexOf("'", j);
        if (close < 0) throw new FormatError(`the quote at position ${i + 1} is never closed (write '' for a literal quote)`);
        text += f.slice(j, close);
        if (f[close + 1] === "'") { text += "'"; j = close + 2; continue; }
        i = close + 1;
        break;
      }
      lit(text);
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (f[i + n] === ch) n++;
      out.push({ kind: 'field', letter: ch, count: n });
      i += n;
      continue;
    }
    if (ch === '[' || ch === ']' || ch === '{' || ch === '}' || ch === '#') {
      throw new FormatError(`'${ch}' (optional sections and reserved characters) is not supported; write one fixed pattern`);
    }
    lit(ch);
    i++;
  }
  return out;
}

const UNSUPPORTED: Record<string, string> = {
  Y: "Y is the week-based year; for the calendar year write y (yyyy)",
  G: 'the era (G) is not supported', Q: 'quarters (Q) are not supported', q: 'quarters (q) are not supported',
  w: 'week of year (w) is not supported', W: 'week of month (W) is not supported', e: 'localized day of week (e) is not supported',
  c: 'localized day of week (c) is not supported', F: 'day of week in month (F) is not supported', K: 'hour 0-11 (K) is not supported; use h or H',
  k: 'hour 1-24 (k) is not supported; use H', A: 'milli of day (A) is not supported', N: 'nano of day (N) is not supported',
  n: 'nano of second (n) is not supported; use SSSSSSSSS', V: 'zone ids (VV) are not supported; use an offset (XXX)',
  v: 'generic zone names (v) are not supported; use an offset (XXX)', z: 'zone names (z) are not supported; use an offset (XXX)',
  O: 'localized offsets (O) are not supported; use XXX', B: 'day periods (B) are not supported; use a',
};

function field(letter: string, n: number): { fmt: string; date?: true; time?: true; zulu?: true } {
  const bad = () => { throw new FormatError(`${letter.repeat(n)} is not a supported pattern field`); };
  switch (letter) {
    case 'y': case 'u':
      // JDK: yy is a two-digit year (2000-2099); DuckDB's %y reads 00-68 as 20xx and 69-99 as 19xx.
      return { fmt: n === 2 ? '%y' : '%Y', date: true };
    case 'M': case 'L':
      return { fmt: n === 1 ? '%-m' : n === 2 ? '%m' : n === 3 ? '%b' : n === 4 ? '%B' : bad(), date: true };
    case 'd':
      return { fmt: n === 1 ? '%-d' : n === 2 ? '%d' : bad(), date: true };
    case 'D':
      return { fmt: n === 1 ? '%-j' : n === 3 ? '%j' : bad(), date: true };
    case 'E':
      return { fmt: n <= 3 ? '%a' : n === 4 ? '%A' : bad(), date: true };
    case 'a':
      return n === 1 ? { fmt: '%p', time: true } : bad();
    case 'H':
      return { fmt: n === 1 ? '%-H' : n === 2 ? '%H' : bad(), time: true };
    case 'h':
      return { fmt: n === 1 ? '%-I' : n === 2 ? '%I' : bad(), time: true };
    case 'm':
      return { fmt: n === 1 ? '%-M' : n === 2 ? '%M' : bad(), time: true };
    case 's':
      return { fmt: n === 1 ? '%-S' : n === 2 ? '%S' : bad(), time: true };
    case 'S':
      // DuckDB reads fractions as milli-, micro- or nanoseconds.
      if (n === 3) return { fmt: '%g', time: true };
      if (n === 6) return { fmt: '%f', time: true };
      if (n === 9) return { fmt: '%n', time: true };
      throw new FormatError(`${'S'.repeat(n)}: fractions of a second are read as SSS, SSSSSS or SSSSSSSSS digits`);
    case 'X':
      // X: +HH or Z; XX: +HHMM or Z; XXX: +HH:MM or Z. %z reads all three offset shapes.
      return n <= 3 ? { fmt: '%z', time: true, zulu: true } : bad();
    case 'x':
      return n <= 3 ? { fmt: '%z', time: true } : bad();
    case 'Z':
      if (n <= 3) return { fmt: '%z', time: true };
      if (n === 5) return { fmt: '%z', time: true, zulu: true };
      return bad();
    default:
      throw new FormatError(UNSUPPORTED[letter] ?? `the letter ${letter} is not a pattern field (quote literal text: '${letter}')`);
  }
}

function readJdk(f: string): DateFormat {
  const toks = tokenizeJdk(f);
  let out = '', hasDate = false, hasTime = false, zuluAtEnd = false;
  toks.forEach((t, i) => {
    if (t.kind === 'lit') {
      out += t.text.replace(/%/g, '%%');
      return;
    }
    const r = field(t.letter, t.count);
    out += r.fmt;
    if (r.date) hasDate = true;
    if (r.time) hasTime = true;
    if (r.zulu) {
      if (i !== toks.length - 1) throw new FormatError(`${t.letter.repeat(t.count)} must end the pattern (it may be written as Z); use xxx for an offset elsewhere`);
      zuluAtEnd = true;
    }
  });
  return { strptime: out, source: f, notation: 'jdk', hasDate, hasTime, zuluAtEnd };
}

/** Throws FormatError with a sentence saying what is wrong. */
export function readDateFormat(format: string, type: 'date' | 'timestamp' | 'time'): DateFormat {
  if (format.trim() === '') throw new FormatError('the format is empty');
  // A strftime directive is % and a letter; a JDK pattern may quote a literal '%'.
  const f = /%-?[A-Za-z]/.test(format) ? readStrftime(format) : readJdk(format);
  if (!f.hasDate && !f.hasTime) throw new FormatError(`${JSON.stringify(format)} has no date or time field in it (e.g. yyyy-MM-dd or %Y-%m-%d)`);
  if (type === 'date' && !f.hasDate) throw new FormatError(`${JSON.stringify(format)} has no date field, but the column is a date`);
  if (type === 'time' && !f.hasTime) throw new FormatError(`${JSON.stringify(format)} has no time field, but the column is a time`);
  return f;
}
