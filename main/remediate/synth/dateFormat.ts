// Strategy 2: dates and timestamps written in another common format ('03/15/2021',
// '15.03.2021', 'Mar 15 2021', '2021-03-15T10:00:00') rewritten to the contract's `format`
// (ISO when it has none). Day-first vs month-first is decided once for the whole cluster from
// evidence (a first field above 12 means day-first); a cluster with evidence both ways is left.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, jsStrip, sqlStrip } from './common.js';

const STRATEGY = 'date-format';

interface Parts { y: number; m: number; d: number; H: number; M: number; S: number; frac: string; hasTime: boolean }

type Order = 'mdy' | 'dmy';

interface Format {
  /** RE2- and JS-compatible source, matched against the whole stripped value */
  re: string;
  ci: boolean;
  strptime: string;
  /** the numeric day/month families whose order must be decided */
  order?: Order;
  parse: (g: string[]) => Omit<Parts, 'H' | 'M' | 'S' | 'frac' | 'hasTime'>;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MON_RE = `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`;
const MONTH_RE = `(${MONTHS.join('|')})`;
const monthOf = (s: string): number => MONTHS.findIndex((m) => m.startsWith(s.toLowerCase())) + 1;

const N12 = '([0-9]{1,2})';
const Y4 = '([0-9]{4})';

const ymd = (g: string[]) => ({ y: +g[1], m: +g[2], d: +g[3] });
const mdy = (g: string[]) => ({ y: +g[3], m: +g[1], d: +g[2] });
const dmy = (g: string[]) => ({ y: +g[3], m: +g[2], d: +g[1] });

// Date-only bases. Every numeric base is paired with the time suffixes below.
const DATE_BASES: Format[] = [
  { re: `${Y4}-${N12}-${N12}`, ci: false, strptime: '%Y-%m-%d', parse: ymd },
  { re: `${Y4}/${N12}/${N12}`, ci: false, strptime: '%Y/%m/%d', parse: ymd },
  { re: `${Y4}\\.${N12}\\.${N12}`, ci: false, strptime: '%Y.%m.%d', parse: ymd },
  { re: `${N12}/${N12}/${Y4}`, ci: false, strptime: '%m/%d/%Y', order: 'mdy', parse: mdy },
  { re: `${N12}/${N12}/${Y4}`, ci: false, strptime: '%d/%m/%Y', order: 'dmy', parse: dmy },
  { re: `${N12}-${N12}-${Y4}`, ci: false, strptime: '%m-%d-%Y', order: 'mdy', parse: mdy },
  { re: `${N12}-${N12}-${Y4}`, ci: false, strptime: '%d-%m-%Y', order: 'dmy', parse: dmy },
  // Dotted numeric dates are day-first by convention (de, ru, ...); a month above 12 fails to parse.
  { re: `${N12}\\.${N12}\\.${Y4}`, ci: false, strptime: '%d.%m.%Y', parse: dmy },
];

const TIME_SUFFIXES: Array<{ re: string; strptime: string }> = [
  { re: 'T([0-9]{2}):([0-9]{2}):([0-9]{2})\\.([0-9]{1,6})Z', strptime: 'T%H:%M:%S.%fZ' },
  { re: 'T([0-9]{2}):([0-9]{2}):([0-9]{2})\\.([0-9]{1,6})', strptime: 'T%H:%M:%S.%f' },
  { re: 'T([0-9]{2}):([0-9]{2}):([0-9]{2})Z', strptime: 'T%H:%M:%SZ' },
  { re: 'T([0-9]{2}):([0-9]{2}):([0-9]{2})', strptime: 'T%H:%M:%S' },
  { re: 'T([0-9]{2}):([0-9]{2})', strptime: 'T%H:%M' },
  { re: ' ([0-9]{2}):([0-9]{2}):([0-9]{2})\\.([0-9]{1,6})', strptime: ' %H:%M:%S.%f' },
  { re: ' ([0-9]{1,2}):([0-9]{2}):([0-9]{2})', strptime: ' %H:%M:%S' },
  { re: ' ([0-9]{1,2}):([0-9]{2})', strptime: ' %H:%M' },
];

const NAMED: Format[] = [
  { re: `${MON_RE} ${N12} ${Y4}`, ci: true, strptime: '%b %d %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[1]), d: +g[2] }) },
  { re: `${MON_RE} ${N12}, ${Y4}`, ci: true, strptime: '%b %d, %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[1]), d: +g[2] }) },
  { re: `${MONTH_RE} ${N12} ${Y4}`, ci: true, strptime: '%B %d %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[1]), d: +g[2] }) },
  { re: `${MONTH_RE} ${N12}, ${Y4}`, ci: true, strptime: '%B %d, %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[1]), d: +g[2] }) },
  { re: `${N12} ${MON_RE} ${Y4}`, ci: true, strptime: '%d %b %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[2]), d: +g[1] }) },
  { re: `${N12} ${MONTH_RE} ${Y4}`, ci: true, strptime: '%d %B %Y', parse: (g) => ({ y: +g[3], m: monthOf(g[2]), d: +g[1] }) },
  { re: `${N12}-${MON_RE}-${Y4}`, ci: true, strptime: '%d-%b-%Y', parse: (g) => ({ y: +g[3], m: monthOf(g[2]), d: +g[1] }) },
  // Compact digits only when they read as a plausible year: '20210315'.
  { re: '(1[89][0-9]{2}|2[01][0-9]{2})([0-9]{2})([0-9]{2})', ci: false, strptime: '%Y%m%d', parse: ymd },
];

/**
 * A format whose value is first rewritten (by RE2 regexp_replace over the stripped value) into one
 * strptime reads: a two-digit year gets the century the column's valid dates all share.
 */
interface Compiled extends Format {
  js: RegExp; timed: boolean; rewrite?: { re: string; to: string };
  /** Values of the shape the format does not read (RE2 and JavaScript alike): another reading is as likely. */
  unless?: string;
}

function compile(): Compiled[] {
  const out: Compiled[] = [];
  for (const b of DATE_BASES) {
    for (const t of TIME_SUFFIXES) {
      out.push({ ...b, re: b.re + t.re, strptime: b.strptime + t.strptime, timed: true, js: new RegExp(`^(?:${b.re + t.re})$`) });
    }
    out.push({ ...b, timed: false, js: new RegExp(`^(?:${b.re})$`) });
  }
  for (const n of NAMED) out.push({ ...n, timed: false, js: new RegExp(`^(?:${n.re})$`, n.ci ? 'i' : '') });
  return out;
}

const FORMATS = compile();

function parseWith(f: Compiled, s: string): Parts | null {
  const g = f.js.exec(s);
  if (!g) return null;
  const base = f.parse([...g]);
  // Date groups come first (3 of them); the time groups follow.
  const t = f.timed ? g.slice(4) : [];
  const p: Parts = {
    ...base,
    H: t[0] ? +t[0] : 0, M: t[1] ? +t[1] : 0, S: t[2] ? +t[2] : 0, frac: t[3] ?? '', hasTime: f.timed,
  };
  const dim = new Date(Date.UTC(p.y, p.m, 0)).getUTCDate();
  if (p.m < 1 || p.m > 12 || p.d < 1 || p.d > dim || p.H > 23 || p.M > 59 || p.S > 59) return null;
  return p;
}

/** Least valid dates that must share one century before a two-digit year is read in it. */
const CENTURY_MIN_VALUES = 10;

/**
 * The century every valid date of the column falls in ('19' → 2019 when all of them are 20xx),
 * with the first and last year they show; null when there are too few, or they span two
 * centuries: a two-digit year is then not read.
 */
export function centuryOf(validStrings: string[]): { century: number; min: number; max: number } | null {
  const centuries = new Set<number>();
  let n = 0, min = Infinity, max = -Infinity;
  for (const v of validStrings) {
    const y = /(?:^|\D)(\d{4})(?:\D|$)/.exec(v);
    if (!y) continue;
    n += 1;
    centuries.add(Math.floor(+y[1] / 100));
    min = Math.min(min, +y[1]);
    max = Math.max(max, +y[1]);
  }
  return n >= CENTURY_MIN_VALUES && centuries.size === 1 ? { century: [...centuries][0], min, max } : null;
}

/**
 * The two-digit years read in the shared century: those whose year there lies nearer the valid
 * dates' years than the same two digits in the century before or after. Dates all in 1990-1999
 * share the century 19, yet '05' is far likelier 2005 than 1905: it is not read at all.
 */
function readableTwoDigitYears(c: { century: number; min: number; max: number }): string[] {
  const gap = (y: number) => (y < c.min ? c.min - y : y > c.max ? y - c.max : 0);
  const out: string[] = [];
  for (let yy = 0; yy < 100; yy += 1) {
    const y = c.century * 100 + yy;
    if (gap(y) < gap(y - 100) && gap(y) < gap(y + 100)) out.push(String(yy).padStart(2, '0'));
  }
  return out;
}

/** Numeric dates with a two-digit year ('4/17/19', '17.04.19'), read in `century`. */
/**
 * A date with hyphens that reads as well year first ('19-04-17': 2019-04-17 cut short) as day or
 * month first: in a column whose valid dates are written year first with hyphens it is not read.
 */
const YEAR_FIRST_TOO = '^[0-9]{2}-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])$';

/** Whether most of the column's valid dates are written year first with hyphens ('2019-04-17'). */
function hyphenYearFirst(validStrings: string[]): boolean {
  return 2 * validStrings.filter((v) => /^[0-9]{4}-/.test(v)).length > validStrings.length;
}

function twoDigitYearFormats(c: { century: number; min: number; max: number }, yearFirst: boolean): Compiled[] {
  const { century } = c;
  const years = readableTwoDigitYears(c);
  if (!years.length) return [];
  const y2 = `(${years.join('|')})`;
  const mk = (sep: string, order: Order | undefined, parse: (g: string[]) => { y: number; m: number; d: number }, strptime: string): Compiled => {
    const re = `${N12}${sep}${N12}${sep}${y2}`;
    return {
      re, ci: false, strptime, order, parse, timed: false, js: new RegExp(`^(?:${re})$`),
      rewrite: { re: `^${re}$`, to: `\\1${sep.replace(/\\/g, '')}\\2${sep.replace(/\\/g, '')}${century}\\3` },
      ...(yearFirst && sep === '-' ? { unless: YEAR_FIRST_TOO } : {}),
    };
  };
  const at = (g: string[], i: number) => century * 100 + +g[i];
  return [
    mk('/', 'mdy', (g) => ({ y: at(g, 3), m: +g[1], d: +g[2] }), '%m/%d/%Y'),
    mk('/', 'dmy', (g) => ({ y: at(g, 3), m: +g[2], d: +g[1] }), '%d/%m/%Y'),
    mk('-', 'mdy', (g) => ({ y: at(g, 3), m: +g[1], d: +g[2] }), '%m-%d-%Y'),
    mk('-', 'dmy', (g) => ({ y: at(g, 3), m: +g[2], d: +g[1] }), '%d-%m-%Y'),
    mk('\\.', undefined, (g) => ({ y: at(g, 3), m: +g[2], d: +g[1] }), '%d.%m.%Y'),
  ];
}

/** Day/month order for the ambiguous numeric families, from the values themselves. */
function decideOrder(values: string[], hint: Order | null): { order: Order | null; evidence: boolean } {
  let firstBig = false, secondBig = false;
  const amb = new RegExp(`^${N12}[/-]${N12}[/-](?:([0-9]{4})|([0-9]{2}))(?![0-9])`);
  for (const v of values) {
    const g = amb.exec(v);
    if (!g) continue;
    // A two-digit year may as well come first ('19-04-17' is 2019-04-17 cut short): such a value
    // is no evidence of day or month first unless it cannot be read year, month, day.
    if (g[4] !== undefined && +g[2] >= 1 && +g[2] <= 12 && +g[4] >= 1 && +g[4] <= 31) continue;
    if (+g[1] > 12) firstBig = true;
    if (+g[2] > 12) secondBig = true;
  }
  if (firstBig && secondBig) return { order: null, evidence: true };
  if (firstBig) return { order: 'dmy', evidence: true };
  if (secondBig) return { order: 'mdy', evidence: true };
  return { order: hint ?? 'mdy', evidence: hint !== null };
}

function contractOrder(format: string | undefined): Order | null {
  if (!format) return null;
  const d = format.indexOf('%d'), m = format.indexOf('%m');
  if (d < 0 || m < 0 || format.indexOf('%Y') < Math.max(d, m)) return null;
  return d < m ? 'dmy' : 'mdy';
}

/**
 * One expression: the formats the cluster's values are written in (read in JavaScript to decide
 * which to handle and the day/month order), each parsed by try_strptime and written with the
 * column's format. Whether the dates come out valid (in range, parseable by the column's format)
 * is the judge's call, in DuckDB.
 */
export async function dateFormat(_conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  const { column } = input;
  if (column.logicalType !== 'date' && column.logicalType !== 'timestamp') return [];
  const isDate = column.logicalType === 'date';
  const target = column.format ?? (isDate ? '%Y-%m-%d' : '%Y-%m-%d %H:%M:%S');
  // A target that cannot tell two dates apart (no year, month and day field) would write one
  // constant over many distinct values (defect A10): the loader refuses such formats; never here.
  if (!/%-?[Yy]/.test(target) || !/%-?([md]|[bBj])/.test(target)) return [];
  const values = distinctStrings(input.values);
  const stripped = values.map(jsStrip);
  const validStrings = distinctStrings(ctx.validSample).map(jsStrip);
  const { order, evidence } = decideOrder([...stripped, ...validStrings], contractOrder(column.format));
  const century = centuryOf(validStrings);
  const formats = century === null ? FORMATS : [...FORMATS, ...twoDigitYearFormats(century, hyphenYearFirst(validStrings))];
  const usable = formats.filter((f) => !f.order || f.order === order);

  const used = new Set<Compiled>();
  const lossy = new Set<Compiled>();
  for (const s of stripped) {
    // The SQL takes the first format whose shape matches; so does this reading.
    const f = usable.find((x) => x.js.test(s) && !(x.unless && new RegExp(x.unless).test(s)));
    if (!f) continue;
    const p = parseWith(f, s);
    if (!p) continue; // DuckDB's try_strptime yields NULL too, and coalesce keeps the raw value
    if (!isDate && !p.hasTime) continue; // a date alone does not say which time it was
    // A fraction the target cannot hold would be lost: the format is not one this rule rewrites.
    if (!isDate && p.frac && !target.includes('%f') && /[1-9]/.test(p.frac)) lossy.add(f);
    used.add(f);
  }
  for (const f of lossy) used.delete(f);
  if (!used.size) return [];

  const col = colRef(input);
  const s = sqlStrip(col);
  const arms = usable.filter((f) => used.has(f)).map((f) => {
    const test = `regexp_full_match(${s}, ${sqlString(f.re)}${f.ci ? ", 'i'" : ''})`
      + (f.unless ? ` AND NOT regexp_full_match(${s}, ${sqlString(f.unless)})` : '');
    const read = f.rewrite ? `regexp_replace(${s}, ${sqlString(f.rewrite.re)}, ${sqlString(f.rewrite.to)})` : s;
    return `WHEN ${test} THEN strftime(try_strptime(${read}, ${sqlString(f.strptime)}), ${sqlString(target)})`;
  });
  // Formats earlier in the list take precedence; unmatched arms fall through to NULL and
  // coalesce keeps the raw value.
  const expr = `coalesce(CASE ${arms.join(' ')} END, ${col})`;
  const ambiguousUsed = [...used].some((f) => f.order);
  const fmts = [...used].map((f) => f.strptime).join(', ');
  return [{
    op: { kind: 'expression', set: { [column.name]: expr } },
    base: ambiguousUsed && !evidence ? 0.85 : 0.96,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'date-format',
    reasoning: (ex) => `Dates written as ${fmts} (${ex}); the rule re-writes them as ${target}`
      + (ambiguousUsed ? (evidence ? `, reading numeric dates ${order === 'dmy' ? 'day' : 'month'}-first as the values show.` : ', assuming month-first numeric dates (no value shows the order).') : '.'),
  }];
}
