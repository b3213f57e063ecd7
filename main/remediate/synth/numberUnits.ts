// Strategy 3: numbers wrapped in noise: a unit ('12.0 oz', '16.0 ounce', '12.0 oz. Alumi-Tek'),
// a currency ('$1,234.50', '1.234,50 €'), a percent sign ('5%', '0.09%'), thousands separators or a
// decimal comma, an explicit plus sign ('+16,00'), or a '.0' on an integer. The number is extracted in SQL; a percent is scaled by
// 1/100 only where the contract range and the valid sample's magnitude say so.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { ReferenceTables } from '../../contract/reference.js';
import type { Candidate } from './common.js';
import {
  SYSTEMATIC_FLOOR, colRef, distinctStrings, escapeRegex, jsStrip, quantile, sampleNumbers, sqlStrip,
} from './common.js';
import { CURRENCY_WORDS, UNIT_GROUPS, groupsNamedIn } from '../../contract/units.js';

const STRATEGY = 'number-units';

type Kind = 'percent' | 'unit' | 'currency' | 'plain';
type Convention = 'us' | 'eu';

interface Parsed {
  kind: Kind;
  /** unit group id, currency codes, or '' */
  marker: string;
  num: string;
}

const PERCENT_RE = /^(%|percent|per cent|pct)$/i;
const PERCENT_SQL = '(%|percent|per cent|pct)';
const TAIL = '( +[A-Za-z][A-Za-z0-9 -]*)?';
// Numbers start with a digit: a leading '.' could be the end of a prefix ('Fr.12'), so '.5%' is left.
// Digits may be grouped by threes with a space, a no-break or a narrow no-break space (the SI and
// ISO 31-0 style, common in French and Nordic locales: '2 673.32'); the spaces are dropped.
const GROUP_SPACE = '[ \u00a0\u202f]';
const GROUP_SPACES_JS = new RegExp(GROUP_SPACE, 'g');
const SPACE_GROUPED_JS = new RegExp(`^[0-9]{1,3}(?:${GROUP_SPACE}[0-9]{3})+(?:[.,][0-9]+)?(?![0-9])`);
const FIRST_NUM_JS = /[0-9]([0-9., \u00a0\u202f]*[0-9])?/;
const FIRST_NUM_SQL = '[0-9]([0-9., \u00a0\u202f]*[0-9])?';

/** Currency spellings from the reference table: token → the codes it may mean. */
function currencyTokens(ref: ReferenceTables): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of ref.currency.entities) {
    const code = e.forms.code;
    const toks = [e.forms.code, e.forms.symbol, ...e.aliases.filter((a) => a.length <= 4)];
    for (const t of toks) {
      if (!t || /[0-9]/.test(t)) continue;
      const codes = out.get(t) ?? [];
      if (!codes.includes(code)) codes.push(code);
      out.set(t, codes);
    }
  }
  return out;
}

function unitGroupOf(rest: string): string | null {
  let found: string | null = null;
  for (const g of UNIT_GROUPS) {
    for (const a of g.aliases) {
      if (new RegExp(`^${escapeRegex(a)}\\.?${TAIL}$`, 'i').test(rest)) {
        if (found && found !== g.id) return null;
        found = g.id;
      }
    }
  }
  return found;
}

function parse(s: string, cur: Map<string, string[]>, curByLength: string[]): Parsed | null {
  let rest = s, prefix: string | null = null;
  for (const t of curByLength) {
    if (rest.startsWith(t)) { prefix = t; rest = rest.slice(t.length).replace(/^ +/, ''); break; }
  }
  // An explicit plus sign is the number's own sign (a minus never gets here: it is not guessed).
  rest = rest.replace(/^\+ */, '');
  const m = SPACE_GROUPED_JS.exec(rest) ?? /^[0-9]([0-9.,]*[0-9])?/.exec(rest);
  if (!m) return null;
  const num = m[0].replace(GROUP_SPACES_JS, '');
  rest = rest.slice(m[0].length).replace(/^ +/, '');
  if (prefix) return rest === '' ? { kind: 'currency', marker: cur.get(prefix)!.join('|'), num } : null;
  if (rest === '') return { kind: 'plain', marker: '', num };
  if (PERCENT_RE.test(rest)) return { kind: 'percent', marker: '%', num };
  const codes = cur.get(rest);
  const unit = unitGroupOf(rest);
  if (codes && unit) return null; // '12 Ft': forint or feet? neither
  if (codes) return { kind: 'currency', marker: codes.join('|'), num };
  if (unit) return { kind: 'unit', marker: unit, num };
  return null;
}

/** Which reading of separators the token proves, if any. */
function evidence(num: string): Convention | 'comma3' | 'dot3' | null {
  const commas = (num.match(/,/g) ?? []).length, dots = (num.match(/\./g) ?? []).length;
  if (commas && dots) return num.lastIndexOf('.') > num.lastIndexOf(',') ? 'us' : 'eu';
  if (commas >= 2) return 'us';
  if (dots >= 2) return 'eu';
  if (commas === 1) return /,[0-9]{3}$/.test(num) ? 'comma3' : 'eu';
  if (dots === 1 && /\.[0-9]{3}$/.test(num) && /^[0-9]{1,3}\./.test(num)) return 'dot3';
  return null;
}

function canonical(raw: string, conv: Convention): string {
  const num = raw.replace(GROUP_SPACES_JS, '');
  return conv === 'us' ? num.replace(/,/g, '') : num.replace(/\./g, '').replace(/,/g, '.');
}

function sqlCanonical(raw: string, conv: Convention): string {
  const numExpr = `regexp_replace(${raw}, '${GROUP_SPACE}', '', 'g')`;
  return conv === 'us' ? `replace(${numExpr}, ',', '')` : `replace(replace(${numExpr}, '.', ''), ',', '.')`;
}

/** The number shape the guard accepts under a convention; integers only allow a zero fraction. */
function numRegex(conv: Convention, integer: boolean): string {
  const [g, d] = conv === 'us' ? [',', '\\.'] : ['\\.', ','];
  const whole = `[0-9]{1,3}(${g}[0-9]{3})+|[0-9]{1,3}(${GROUP_SPACE}[0-9]{3})+|[0-9]+`;
  return integer ? `(${whole})(${d}0+)?` : `(${whole})(${d}[0-9]+)?`;
}

/** Float noise such as 0.055999999999999994: 12 significant digits give a shorter exact form. */
function denoise(x: number): number {
  return Number(x.toPrecision(12));
}

/** Only tokens longer than any real measurement (16+ significant digits) count as float noise. */
function isNoisy(token: string): boolean {
  const sig = token.replace(/[^0-9]/g, '').replace(/^0+/, '').length;
  return sig >= 16 && denoise(Number(token)) !== Number(token);
}

function decimals(x: number): number {
  const s = String(x);
  if (/e-/.test(s)) return Number(s.split('e-')[1]) + (s.split('e')[0].split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

interface Band { lo: number; hi: number }

/** Where valid values live: the sample's 5th–95th percentile widened 3x, clipped to the range. */
function plausibleBand(input: SynthInput, ctx: SynthContext): Band | null {
  const nums = sampleNumbers(ctx.validSample);
  let lo = -Infinity, hi = Infinity;
  if (nums.length >= 5) {
    const q05 = quantile(nums, 0.05), q95 = quantile(nums, 0.95);
    lo = q05 > 0 ? q05 / 3 : q05 - (q95 - q05);
    hi = q95 > 0 ? q95 * 3 : q95 + (q95 - q05);
  }
  const c = input.column;
  const min = Number(c.minimum ?? c.exclusiveMinimum), max = Number(c.maximum ?? c.exclusiveMaximum);
  if (Number.isFinite(min)) lo = Math.max(lo, min);
  if (Number.isFinite(max)) hi = Math.min(hi, max);
  // Six significant digits keep the emitted SQL readable.
  return Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi ? { lo: round6(lo), hi: round6(hi) } : null;
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}

function inBand(x: number, b: Band): boolean {
  return x >= b.lo && x <= b.hi;
}

export async function numberUnits(_conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  const { column } = input;
  if (column.logicalType !== 'integer' && column.logicalType !== 'number') return [];
  const integer = column.logicalType === 'integer';
  const cur = currencyTokens(ctx.reference);
  const curByLength = [...cur.keys()].sort((a, b) => b.length - a.length);
  const values = distinctStrings(input.values);

  // 1. What wraps the numbers: one kind and one unit/currency for the whole cluster.
  const parsed = new Map<string, Parsed>();
  const rowsByKind = new Map<Kind, number>();
  for (const vc of input.values) {
    if (vc.value === null) continue;
    const p = parse(jsStrip(vc.value), cur, curByLength);
    if (!p) continue;
    parsed.set(vc.value, p);
    rowsByKind.set(p.kind, (rowsByKind.get(p.kind) ?? 0) + vc.count);
  }
  const marked = [...rowsByKind.keys()].filter((k) => k !== 'plain');
  if (marked.length > 1) return []; // percent beside units, or units beside currency: not one story
  const kind: Kind = marked.length ? marked[0] : 'plain';
  const ofKind = [...parsed.values()].filter((p) => p.kind === kind);
  const markers = new Set(ofKind.map((p) => p.marker));
  if (markers.size > 1) return []; // mixed units or currencies: a conversion we will not guess
  const marker = [...markers][0] ?? '';

  // 2. The unit or currency must be the column's own, when its description says.
  if (kind === 'unit') {
    const named = groupsNamedIn(column.description);
    if (named.size && !named.has(marker)) return [];
  }
  if (kind === 'currency') {
    const named = Object.keys(CURRENCY_WORDS).filter((c) => CURRENCY_WORDS[c].test(column.description ?? ''));
    if (named.length && !marker.split('|').some((c) => named.includes(c))) return [];
  }

  // 3. Separator convention, from tokens that prove it; ambiguous ones are settled by magnitude.
  const ev = new Set(ofKind.map((p) => evidence(p.num)));
  if (ev.has('us') && ev.has('eu')) return [];
  const band = plausibleBand(input, ctx);
  let conv: Convention = ev.has('eu') ? 'eu' : 'us';
  const ambiguous = ofKind.filter((p) => {
    const e = evidence(p.num);
    return e === 'comma3' || (e === 'dot3' && kind === 'currency');
  });
  if (!ev.has('us') && !ev.has('eu') && ambiguous.length) {
    const fits = (c: Convention) => band !== null && ambiguous.every((p) => inBand(Number(canonical(p.num, c)), band));
    if (fits('us') === fits('eu')) return [];
    conv = fits('us') ? 'us' : 'eu';
  }

  // 4. The guard: exactly the shapes this rule rewrites (the number may carry an explicit '+').
  const num = `\\+? *(?:${numRegex(conv, integer)})`;
  let guard: string, flags = '';
  if (kind === 'percent') { guard = `${num} *${PERCENT_SQL}`; flags = 'i'; }
  else if (kind === 'unit') {
    const g = UNIT_GROUPS.find((u) => u.id === marker)!;
    guard = `${num} *(${g.aliases.map(escapeRegex).join('|')})\\.?${TAIL}`;
    flags = 'i';
  } else if (kind === 'currency') {
    const toks = [...cur.keys()].filter((t) => cur.get(t)!.join('|') === marker).sort((a, b) => b.length - a.length).map(escapeRegex);
    guard = `(${toks.join('|')}) *${num}|${num} *(${toks.join('|')})`;
  } else guard = num;
  const guardJs = new RegExp(`^(?:${guard})$`, flags);

  // 5. Scale: only a percent may be divided by 100, and only where exactly one reading is plausible.
  const pct = kind === 'percent';
  if (pct && (integer || !band)) return [];
  const keep = band!, scaled: Band = pct ? { lo: round6(band!.lo * 100), hi: round6(band!.hi * 100) } : keep;
  // Where both readings fall among the valid values, their form decides: a reading with more
  // decimals than any valid value has ('20 %' as 0.2 in a column of whole percents) is unlike them.
  const validNums = sampleNumbers(ctx.validSample);
  const validDecimals = validNums.length >= 5 ? Math.max(...validNums.map(decimals)) : null;
  const scaleOf = (n: number): 1 | 0.01 | null => {
    if (!pct) return 1;
    const k = inBand(n, keep), d = inBand(n, scaled);
    if (k !== d) return k ? 1 : 0.01;
    if (!k || validDecimals === null) return null;
    if (n === 0) return 1; // both readings are zero
    const asIs = decimals(n) <= validDecimals, divided = decimals(round6(n / 100)) <= validDecimals;
    return asIs === divided ? null : asIs ? 1 : 0.01;
  };

  // 6. Which values the guard admits and their numbers (for the decimals to keep): analysis only.
  const numbers: Array<{ n: number; scale: 1 | 0.01 | null; canon: string }> = [];
  for (const v of values) {
    const s = jsStrip(v);
    if (!guardJs.test(s)) continue;
    const canon = canonical(FIRST_NUM_JS.exec(s)![0], conv);
    numbers.push({ n: Number(canon), scale: scaleOf(Number(canon)), canon });
  }
  if (!numbers.length) return [];
  const noisy = !integer && numbers.some((x) => isNoisy(x.canon));
  const numeric = pct || noisy;
  const scaledValue = (x: { n: number; scale: 1 | 0.01 | null }) => (x.scale === 0.01 ? x.n / 100 : x.n);
  const digits = Math.min(15, Math.max(0, ...numbers.filter((x) => x.scale).map((x) => decimals(denoise(scaledValue(x))))));
  const nums = sampleNumbers(ctx.validSample);
  const stripZero = integer || (!numeric && (nums.length === 0 || nums.filter(Number.isInteger).length * 2 > nums.length));

  // 7. Units and currencies: the numbers must look like the valid ones (else it may be ml, not oz),
  // tested on what DuckDB wrote.
  const lo = nums.length ? quantile(nums, 0.05) / 10 : 0, hi = nums.length ? quantile(nums, 0.95) * 10 : 0;
  const plausible = !pct && nums.length >= 5 && kind !== 'plain'
    ? (changes: Array<[string, string]>) => changes.every(([, o]) => Number(o) >= lo && Number(o) <= hi)
    : undefined;

  // 8. The SQL.
  const col = colRef(input);
  const s = sqlStrip(col);
  const canonSql = sqlCanonical(`regexp_extract(${s}, ${sqlString(FIRST_NUM_SQL)}, 0)`, conv);
  let value: string;
  if (numeric) {
    const n = `TRY_CAST(${canonSql} AS DOUBLE)`;
    const k = `(${n} >= ${keep.lo} AND ${n} <= ${keep.hi})`;
    const d = `(${n} >= ${scaled.lo} AND ${n} <= ${scaled.hi})`;
    // A whole percent is written as the valid whole numbers are ('20', not '20.0').
    const fmt = (x: string) => (pct && digits === 0 ? `CAST(CAST(round(${x}) AS HUGEINT) AS VARCHAR)` : `CAST(round(${x}, ${digits}) AS VARCHAR)`);
    // Both readings among the valid values: the one with no more decimals than they have (step 5).
    const form = validDecimals === null ? '' : (() => {
      // Compared after rounding to six significant places, as scaleOf does: 0.07 / 100 is 0.0007.
      const asIs = `(round(${n}, 6) = round(${n}, ${validDecimals}))`, divided = `(round(${n} / 100, 8) = round(${n} / 100, ${validDecimals}))`;
      return ` WHEN ${k} AND ${d} AND (${n} = 0 OR (${asIs} AND NOT ${divided})) THEN ${fmt(n)} WHEN ${k} AND ${d} AND ${divided} AND NOT ${asIs} THEN ${fmt(`${n} / 100`)}`;
    })();
    value = pct
      ? `CASE WHEN ${k} AND NOT ${d} THEN ${fmt(n)} WHEN ${d} AND NOT ${k} THEN ${fmt(`${n} / 100`)}${form} ELSE ${col} END`
      : `CAST(round(${n}, ${digits}) AS VARCHAR)`;
  } else value = stripZero ? `regexp_replace(${canonSql}, '\\.0+$', '')` : canonSql;
  const expr = `CASE WHEN regexp_full_match(${s}, ${sqlString(guard)}${flags ? `, '${flags}'` : ''}) THEN ${value} ELSE ${col} END`;

  const patternType = kind === 'unit' ? 'unit-suffix' : kind === 'plain' ? 'number-format' : kind;
  const what = kind === 'unit' ? `the unit '${marker}'` : kind === 'currency' ? `a currency sign (${marker})`
    : kind === 'percent' ? 'a percent sign' : 'separators or a zero fraction';
  const scaleNote = pct
    ? ` Each number is kept where it already has the magnitude of valid values (${+keep.lo.toPrecision(3)}–${+keep.hi.toPrecision(3)}) and divided by 100 where that brings it there.`
    : '';
  return [{
    op: { kind: 'expression', set: { [column.name]: expr } },
    base: pct ? 0.93 : 0.96,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType,
    ...(plausible ? { plausible } : {}),
    reasoning: (ex) => `Numbers carry ${what} (${ex}); the rule keeps the bare number`
      + (conv === 'eu' ? ", reading ',' as the decimal mark" : '') + '.' + scaleNote,
  }];
}
