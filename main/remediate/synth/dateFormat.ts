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

interface Compiled extends Format { js: RegExp; timed: boolean }

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

/** Day/month order for the ambiguous numeric families, from the values themselves. */
function decideOrder(values: string[], hint: Order | null): { order: Order | null; evidence: boolean } {
  let firstBig = false, secondBig = false;
  const amb = new RegExp(`^${N12}[/-]${N12}[/-]${Y4}`);
  for (const v of values) {
    const g = amb.exec(v);
    if (!g) continue;
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
  const usable = FORMATS.filter((f) => !f.order || f.order === order);

  const used = new Set<Compiled>();
  const lossy = new Set<Compiled>();
  for (const s of stripped) {
    // The SQL takes the first format whose shape matches; so does this reading.
    const f = usable.find((x) => x.js.test(s));
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
    const test = `regexp_full_match(${s}, ${sqlString(f.re)}${f.ci ? ", 'i'" : ''})`;
    return `WHEN ${test} THEN strftime(try_strptime(${s}, ${sqlString(f.strptime)}), ${sqlString(target)})`;
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
