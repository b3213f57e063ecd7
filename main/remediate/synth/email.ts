// Strategy 5: e-mail addresses written to dodge scrapers or pasted with decoration
// ('john at example dot com', 'john[at]example[dot]com', 'mailto:john@x.com', 'John <john@x.com>')
// rewritten to the plain address. The domain is always lower-cased (it is case-insensitive); the
// local part only when the pattern or the valid sample says addresses are lower-case.
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput, SynthResult } from '../types.js';
import type { SynthContext } from './index.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, examples, finish, fullMatcher, jsStrip, sqlStrip } from './common.js';

const STRATEGY = 'email';

// Each step is one regexp_replace; the same source and flags serve RE2 and JS.
const STEPS: Array<{ re: string; flags: string; to: string }> = [
  { re: '^mailto:', flags: 'i', to: '' },
  { re: ' *[\\[({] *at *[\\])}] *| +at +| *@ *', flags: 'gi', to: '@' },
  { re: ' *[\\[({] *dot *[\\])}] *| +dot +', flags: 'gi', to: '.' },
];
const ANGLE = '<([^<>@ ]+@[^<>@ ]+)>';
const EMAIL = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";
const EMAIL_JS = new RegExp(`^(?:${EMAIL})$`);

function looksLikeEmailColumn(input: SynthInput): boolean {
  const c = input.column;
  return c.pii === 'email' || /e-?mail/i.test(c.name) || (c.pattern ?? '').includes('@');
}

/** Lower-case the local part too? When the pattern refuses capitals or valid addresses never use them. */
function wantsLowercase(input: SynthInput, ctx: SynthContext): boolean {
  const p = input.column.pattern;
  if (p) {
    const m = fullMatcher(p);
    if (m && m('john.doe@example.com') && !m('John.Doe@example.com')) return true;
  }
  const valid = distinctStrings(ctx.validSample).filter((v) => v.includes('@'));
  return valid.length >= 5 && valid.every((v) => v === v.toLowerCase());
}

function jsTransform(v: string, lower: boolean): string {
  let x = jsStrip(v);
  const angle = new RegExp(ANGLE).exec(x);
  if (angle) x = angle[1];
  for (const s of STEPS) x = x.replace(new RegExp(s.re, s.flags), s.to);
  if (lower) return x.toLowerCase();
  const at = x.indexOf('@');
  // split_part(x, '@', 2) in SQL: the text between the first and second '@'
  return at < 0 ? x + '@' : `${x.slice(0, at)}@${x.slice(at + 1).split('@')[0].toLowerCase()}`;
}

function sqlTransform(col: string, lower: boolean): string {
  let x = sqlStrip(col);
  x = `coalesce(nullif(regexp_extract(${x}, ${sqlString(ANGLE)}, 1), ''), ${x})`;
  for (const s of STEPS) x = `regexp_replace(${x}, ${sqlString(s.re)}, ${sqlString(s.to)}, '${s.flags}')`;
  return lower ? `lower(${x})` : `split_part(${x}, '@', 1) || '@' || lower(split_part(${x}, '@', 2))`;
}

export function email(input: SynthInput, ctx: SynthContext): SynthResult | null {
  if (input.column.logicalType !== 'string' || !looksLikeEmailColumn(input)) return null;
  const lower = wantsLowercase(input, ctx);
  const pattern = input.column.pattern;
  const fits = pattern ? fullMatcher(pattern) : () => true;
  if (!fits) return null;

  const changes = new Map<string, string>();
  for (const v of distinctStrings(input.values)) {
    const out = jsTransform(v, lower);
    // The SQL guard: the result must be one plain address that the column's pattern accepts.
    if (out !== v && EMAIL_JS.test(out) && fits(out)) changes.set(v, out);
  }

  const col = colRef(input);
  const r = sqlTransform(col, lower);
  const guard = `regexp_full_match(${r}, ${sqlString(EMAIL)})` + (pattern ? ` AND regexp_full_match(${r}, ${sqlString(pattern)})` : '');
  return finish(input, {
    changes,
    expr: `CASE WHEN ${guard} THEN ${r} ELSE ${col} END`,
    base: 0.95,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'email',
    reasoning: `E-mail addresses are disguised or decorated (${examples(changes)}); the rule writes the plain address${lower ? ' in lower case' : ''}.`,
  }, ctx.minCoverage);
}
