// Strategy 2: dates and timestamps written in another common format ('03/15/2021',
// '15.03.2021', 'Mar 15 2021', '2021-03-15T10:00:00') rewritten to the contract's `format`
// (ISO when it has none). Day-first vs month-first is decided once for the whole cluster from
// evidence (a first field above 12 means day-first); a cluster with evidence both ways is left.
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput, SynthResult } from '../types.js';
import type { SynthContext } from './index.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, examples, finish, jsStrip, sqlStrip } from './common.js';

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

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** JS strftime for the directives the engine accepts; null on anything else (then we decline). */
export function jsStrftime(fmt: string, p: Parts): string | null {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') { out += fmt[i]; continue; }
    let code = fmt[++i];
    let noPad = false;
    if (code === '-') { noPad = true; code = fmt[++i]; }
    const num = (n: number, w = 2) => (noPad ? String(n) : pad(n, w));
    switch (code) {
      case 'Y': out += pad(p.y, 4); break;
      case 'y': out += num(p.y % 100); break;
      case 'm': out += num(p.m); break;
      case 'd': out += num(p.d); break;
      case 'H': out += num(p.H); break;
      case 'M': out += num(p.M); break;
      case 'S': out += num(p.S); break;
      case 'f': out += p.frac.padEnd(6, '0'); break;
      case 'b': out += MONTHS[p.m - 1].slice(0, 1).toUpperCase() + MONTHS[p.m - 1].slice(1, 3); break;
      case 'B': out += MONTHS[p.m - 1][0].toUpperCase() + MONTHS[p.m - 1].slice(1); break;
      case '%': out += '%'; break;
      default: return null;
    }
  }
  return out;
}

function sortable(p: Parts): string {
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)} ${pad(p.H)}:${pad(p.M)}:${pad(p.S)}`;
}

function boundKey(v: number | string | undefined): string | null {
  if (typeof v !== 'string') return null;
  const g = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(v);
  return g ? `${g[1]}-${g[2]}-${g[3]} ${g[4] ?? '00'}:${g[5] ?? '00'}:${g[6] ?? '00'}` : null;
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

export function dateFormat(input: SynthInput, ctx: SynthContext): SynthResult | null {
  const { column } = input;
  if (column.logicalType !== 'date' && column.logicalType !== 'timestamp') return null;
  const isDate = column.logicalType === 'date';
  const target = column.format ?? (isDate ? '%Y-%m-%d' : '%Y-%m-%d %H:%M:%S');
  // A target that cannot tell two dates apart (no year, month and day field) would write one
  // constant over many distinct values (defect A10): the loader refuses such formats; never here.
  if (!/%-?[Yy]/.test(target) || !/%-?([md]|[bBj])/.test(target)) return null;
  const values = distinctStrings(input.values);
  const stripped = values.map(jsStrip);
  const validStrings = distinctStrings(ctx.validSample).map(jsStrip);
  const { order, evidence } = decideOrder([...stripped, ...validStrings], contractOrder(column.format));
  const usable = FORMATS.filter((f) => !f.order || f.order === order);

  const changes = new Map<string, string>();
  const used = new Set<Compiled>();
  const lo = boundKey(column.minimum), hi = boundKey(column.maximum);
  for (const v of values) {
    const s = jsStrip(v);
    // The SQL takes the first format whose shape matches; so does the mirror.
    const f = usable.find((x) => x.js.test(s));
    if (!f) continue;
    const p = parseWith(f, s);
    if (!p) continue; // DuckDB's try_strptime yields NULL too, and coalesce keeps the raw value
    if (!isDate && !p.hasTime) continue; // a date alone does not say which time it was
    if (!isDate && p.frac && !target.includes('%f') && /[1-9]/.test(p.frac)) continue; // would lose precision
    const out = jsStrftime(target, isDate ? { ...p, H: 0, M: 0, S: 0, frac: '' } : p);
    if (out === null) return null;
    const key = sortable(isDate ? { ...p, H: 0, M: 0, S: 0 } : p);
    if ((lo && key < lo) || (hi && key > hi)) continue;
    changes.set(v, out);
    used.add(f);
  }
  // The SQL rewrites every value of a used format; one the mirror refused (out of range, a lost
  // fraction) would be rewritten anyway, so the rule is not safe for this cluster: decline.
  for (const v of values) {
    const s = jsStrip(v);
    const f = usable.find((x) => x.js.test(s));
    if (f && used.has(f) && !changes.has(v) && parseWith(f, s)) return null;
  }
  if (!used.size) return null;

  const col = colRef(input);
  const s = sqlStrip(col);
  const arms = usable.filter((f) => used.has(f)).map((f) => {
    const test = `regexp_full_match(${s}, ${sqlString(f.re)}${f.ci ? ", 'i'" : ''})`;
    return `WHEN ${test} THEN strftime(try_strptime(${s}, ${sqlString(f.strptime)}), ${sqlString(target)})`;
  });
  // Formats earlier in the list take precedence in SQL as in the mirror; unmatched arms fall
  // through to NULL and coalesce keeps the raw value.
  const expr = `coalesce(CASE ${arms.join(' ')} END, ${col})`;
  const ambiguousUsed = [...used].some((f) => f.order);
  const fmts = [...used].map((f) => f.strptime).join(', ');
  return finish(input, {
    changes,
    expr,
    base: ambiguousUsed && !evidence ? 0.85 : 0.96,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'date-format',
    reasoning: `Dates written as ${fmts} (${examples(changes)}); the rule re-writes them as ${target}`
      + (ambiguousUsed ? (evidence ? `, reading numeric dates ${order === 'dmy' ? 'day' : 'month'}-first as the values show.` : ', assuming month-first numeric dates (no value shows the order).') : '.'),
  }, ctx.minCoverage);
}
