// One corruption function per error kind. Each takes the clean cell (and its row) and returns the
// cells it changes, or null when the kind does not fit this value (e.g. a typo in an empty cell).
// Every result is checked by the injector to differ from the clean value under the scorer's
// same(): a change the scorer would not count as an error is not an injection.
import type { Rng } from '../../test/helpers/seeded.js';
import { same } from './csv.js';
import type { ColumnRole, Kind } from './types.js';
import { DEFAULT_MISSING, MONTHS, NEIGHBOURS } from './vocab.js';

export interface Change { col: number; dirty: string }

export interface KindContext {
  rng: Rng;
  header: string[];
  row: string[];
  col: number;
  role: ColumnRole;
  /** distinct clean values of this column, for "another valid value" */
  pool: string[];
  /** how many rows share this row's determinant values (fd-violation) */
  groupSize: (determinant: string[]) => number;
  /** the wrong value this row's source reports for this entity and column (memoised per source) */
  sourceValue: (make: () => string | null) => string | null;
}

type Corrupt = (ctx: KindContext) => Change[] | null;

/** One of the spellings that the scorer would count as an error (not same() as the clean value). */
function pickError(rng: Rng, clean: string, options: string[]): string | null {
  const errors = options.filter((o) => !same(o, clean));
  return errors.length ? rng.pick(errors) : null;
}

const one = (ctx: KindContext, dirty: string | null): Change[] | null => (dirty === null ? null : [{ col: ctx.col, dirty }]);
const colOf = (ctx: KindContext, name: string | undefined) => (name === undefined ? -1 : ctx.header.indexOf(name));

function typo(v: string, rng: Rng): string | null {
  const at = [...v].map((c, i) => (/[a-z0-9]/i.test(c) ? i : -1)).filter((i) => i >= 0);
  if (at.length < 2) return null;
  const i = rng.pick(at);
  const c = v[i];
  switch (rng.int(0, 3)) {
    case 0: { // adjacent-key substitution, keeping the case
      const n = NEIGHBOURS[c.toLowerCase()];
      if (!n) return null;
      const k = rng.pick([...n]);
      return v.slice(0, i) + (c === c.toUpperCase() && c !== c.toLowerCase() ? k.toUpperCase() : k) + v.slice(i + 1);
    }
    case 1: // transposition with the next character
      return i + 1 < v.length && v[i + 1] !== c ? v.slice(0, i) + v[i + 1] + c + v.slice(i + 2) : null;
    case 2: // dropped letter
      return v.length >= 4 ? v.slice(0, i) + v.slice(i + 1) : null;
    default: // doubled letter
      return v.slice(0, i) + c + v.slice(i);
  }
}

function caseWhitespace(v: string, rng: Rng): string | null {
  if (v.trim() === '') return null;
  const title = v.toLowerCase().replace(/\b[a-z]/g, (m) => m.toUpperCase());
  const options = [v.toUpperCase(), v.toLowerCase(), title];
  if (v.includes(' ')) options.push(v.replace(' ', '  '));
  // padding alone is invisible to the scorer (it trims), so a padded value also changes case
  const cased = pickError(rng, v, options);
  return cased !== null && rng.chance(0.3) ? `${rng.pick([' ', '  ', '\t'])}${cased}${rng.pick(['', ' '])}` : cased;
}

function dateFormat(v: string, role: ColumnRole, rng: Rng): string | null {
  if (role.temporal === 'time') {
    const m = /^(\d{2}):(\d{2})$/.exec(v);
    if (!m) return null;
    const h = Number(m[1]);
    return pickError(rng, v, [
      `${h % 12 === 0 ? 12 : h % 12}:${m[2]} ${h < 12 ? 'AM' : 'PM'}`, `${m[1]}${m[2]}`, `${m[1]}.${m[2]}`, `${m[1]}:${m[2]}:00`, `${h}h${m[2]}`,
    ]);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [m[1], m[2], m[3]];
  const month = MONTHS[Number(mo) - 1];
  return pickError(rng, v, [
    `${mo}/${d}/${y}`, `${d}.${mo}.${y}`, `${month} ${Number(d)} ${y}`, `${Number(d)} ${month.slice(0, 3)} ${y}`,
    `${y}/${mo}/${d}`, `${Number(mo)}/${Number(d)}/${y.slice(2)}`, `${y}${mo}${d}`, `${month.slice(0, 3)} ${d}, ${y}`,
  ]);
}

function withThousands(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function numberFormat(v: string, rng: Rng): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return null;
  const [sign, int, frac = ''] = [m[1], m[2], m[3]];
  // "12.0" and "+12" alone are numerically equal to 12 (not errors to the scorer): they only
  // appear together with a separator that breaks plain number parsing.
  const opts = [
    `${sign}${int},${frac || '0'}`, `${sign}${int},${(frac || '0').padEnd(2, '0')}`, `+${int},${frac || '00'}`,
  ];
  if (int.length >= 4) {
    opts.push(`${sign}${withThousands(int, ',')}${frac ? `.${frac}` : ''}`, `${sign}${withThousands(int, '.')},${frac || '00'}`,
      `${sign}${withThousands(int, ' ')}${frac ? `.${frac}` : ''}`, `+${withThousands(int, ',')}.${frac || '0'}`);
  }
  return pickError(rng, v, opts);
}

function unit(v: string, role: ColumnRole, rng: Rng): string | null {
  if (!role.units?.length || !/^-?\d+(\.\d+)?$/.test(v.trim())) return null;
  const u = rng.pick(role.units);
  // sources that print a float write whole numbers as 12.0
  const num = !v.includes('.') && rng.chance(0.3) ? `${v}.0` : v;
  return `${num}${u}`;
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: 'C$' };

function currency(ctx: KindContext, v: string): string | null {
  if (!/^\d+(\.\d+)?$/.test(v)) return null;
  const c = colOf(ctx, ctx.role.currencyColumn);
  const code = c >= 0 && ctx.row[c] ? ctx.row[c] : 'USD';
  const sym = SYMBOLS[code] ?? code;
  const fixed = Number(v).toFixed(2);
  return pickError(ctx.rng, v, [`${sym}${fixed}`, `${fixed} ${code}`, `${code} ${fixed.replace('.', ',')}`, `${sym} ${v}`, `${v}${sym}`]);
}

function emailDisguise(v: string, rng: Rng): string | null {
  const m = /^([^@\s]+)@([^@\s]+)\.([a-z]+)$/i.exec(v);
  if (!m) return null;
  return pickError(rng, v, [
    `${m[1]} at ${m[2]}.${m[3]}`, `${m[1]} at ${m[2]} dot ${m[3]}`, `mailto:${v}`, v.toUpperCase(), `  ${v.toUpperCase()} `,
    `<${v}>`, `${m[1]}[at]${m[2]}.${m[3]}`,
  ]);
}

function phoneFormat(v: string, rng: Rng): string | null {
  const d = v.replace(/\D/g, '').slice(-10);
  if (d.length !== 10) return null;
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
  return pickError(rng, v, [`(${a}) ${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `${a} ${b} ${c}`, `${a}-${b}-${c}`, `1-${a}-${b}-${c}`, d, `+1${d}`]);
}

function anotherFromPool(ctx: KindContext, v: string): string | null {
  const others = ctx.pool.filter((p) => p.trim() !== '' && !same(p, v));
  return others.length ? ctx.rng.pick(others) : null;
}

function shifted(v: string, how: 'time' | 'date', rng: Rng): string | null {
  const delta = rng.pick([-30, -15, -10, -5, 5, 10, 15, 20, 30, 45, 60]);
  if (how === 'time') {
    const m = /^(\d{2}):(\d{2})$/.exec(v);
    if (!m) return null;
    const t = (Number(m[1]) * 60 + Number(m[2]) + delta + 1440) % 1440;
    return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
  }
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() + (delta > 0 ? 1 : -1));
  return d.toISOString().slice(0, 10);
}

export const CORRUPT: Record<Kind, Corrupt> = {
  'typo': (ctx) => {
    const t = typo(ctx.row[ctx.col], ctx.rng);
    // a doubled or dropped zero can leave a number numerically equal ("0.05" -> "0.050")
    return one(ctx, t !== null && !same(t, ctx.row[ctx.col]) ? t : null);
  },
  'case-whitespace': (ctx) => one(ctx, caseWhitespace(ctx.row[ctx.col], ctx.rng)),
  'date-format': (ctx) => one(ctx, dateFormat(ctx.row[ctx.col], ctx.role, ctx.rng)),
  'number-format': (ctx) => one(ctx, numberFormat(ctx.row[ctx.col], ctx.rng)),
  'unit': (ctx) => one(ctx, unit(ctx.row[ctx.col], ctx.role, ctx.rng)),
  'currency': (ctx) => one(ctx, currency(ctx, ctx.row[ctx.col])),
  'email-disguise': (ctx) => one(ctx, emailDisguise(ctx.row[ctx.col], ctx.rng)),
  'phone-format': (ctx) => one(ctx, phoneFormat(ctx.row[ctx.col], ctx.rng)),
  'enum-synonym': (ctx) => {
    const syn = ctx.role.synonyms?.[ctx.row[ctx.col]];
    return one(ctx, syn?.length ? ctx.rng.pick(syn) : null);
  },
  'swap': (ctx) => {
    const other = colOf(ctx, ctx.role.swapWith);
    if (other < 0 || ctx.row[other].trim() === '') return null;
    return [{ col: ctx.col, dirty: ctx.row[other] }, { col: other, dirty: ctx.row[ctx.col] }];
  },
  'glued': (ctx) => {
    const from = colOf(ctx, ctx.role.glueFrom);
    if (from < 0 || ctx.row[from].trim() === '') return null;
    const sep = ctx.rng.pick([', ', ' ', ',', ' - ']);
    return [{ col: ctx.col, dirty: `${ctx.row[ctx.col]}${sep}${ctx.row[from]}` }, { col: from, dirty: '' }];
  },
  'missing': (ctx) => one(ctx, ctx.role.optional ? '' : ctx.rng.pick([...(ctx.role.missingTokens ?? []), ...DEFAULT_MISSING])),
  'fd-violation': (ctx) => {
    if (!ctx.role.determinant || ctx.groupSize(ctx.role.determinant) < 2) return null;
    return one(ctx, anotherFromPool(ctx, ctx.row[ctx.col]));
  },
  'source-disagreement': (ctx) => {
    const v = ctx.row[ctx.col];
    const how = ctx.role.disagree ?? 'pool';
    return one(ctx, ctx.sourceValue(() => (how === 'pool' ? anotherFromPool(ctx, v) : shifted(v, how, ctx.rng))));
  },
};
