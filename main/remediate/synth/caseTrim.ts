// Strategy 1: the value is right but for surrounding/doubled whitespace or letter case
// (' Yes ' → 'yes' for enum [yes, no]; 'ca' → 'CA' for pattern [A-Z]{2}).
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput, SynthResult } from '../types.js';
import type { SynthContext } from './index.js';
import {
  PER_VALUE_FLOOR, SYSTEMATIC_FLOOR, acceptsValue, caseLookup, colRef, distinctStrings, examples, finish,
  fullMatcher, jsSquish, jsStrip, sqlSquish, sqlStrip,
} from './common.js';

const STRATEGY = 'case-trim';

interface Transform {
  kind: 'whitespace' | 'case';
  sql: (col: string) => string;
  js: (v: string) => string;
  says: string;
}

// Least invasive first: a tie in coverage goes to the earlier one.
const TRANSFORMS: Transform[] = [
  { kind: 'whitespace', sql: sqlStrip, js: jsStrip, says: 'strips surrounding whitespace' },
  { kind: 'whitespace', sql: sqlSquish, js: jsSquish, says: 'strips and collapses whitespace' },
  { kind: 'case', sql: (c) => `lower(${sqlStrip(c)})`, js: (v) => jsStrip(v).toLowerCase(), says: 'strips whitespace and lower-cases' },
  { kind: 'case', sql: (c) => `upper(${sqlStrip(c)})`, js: (v) => jsStrip(v).toUpperCase(), says: 'strips whitespace and upper-cases' },
  { kind: 'case', sql: (c) => `lower(${sqlSquish(c)})`, js: (v) => jsSquish(v).toLowerCase(), says: 'collapses whitespace and lower-cases' },
  { kind: 'case', sql: (c) => `upper(${sqlSquish(c)})`, js: (v) => jsSquish(v).toUpperCase(), says: 'collapses whitespace and upper-cases' },
];

export function caseTrim(input: SynthInput, ctx: SynthContext): SynthResult | null {
  const { column } = input;
  if (column.enum && column.enum.length) return toEnum(input, ctx);
  const applies = column.pattern !== undefined || column.maxLength !== undefined || column.minLength !== undefined
    || column.logicalType === 'integer' || column.logicalType === 'number';
  if (!applies) return null;
  // Case carries no meaning to fix unless a pattern dictates it.
  const transforms = column.pattern ? TRANSFORMS : TRANSFORMS.filter((t) => t.kind === 'whitespace');
  const matches = column.pattern ? fullMatcher(column.pattern) : null;
  if (column.pattern && !matches) return null;

  let best: SynthResult | null = null;
  for (const t of transforms) {
    const changes = new Map<string, string>();
    for (const v of distinctStrings(input.values)) {
      const out = t.js(v);
      // With a pattern the SQL only rewrites values whose result matches it (the guard below).
      if (out !== v && (!matches || matches(out))) changes.set(v, out);
    }
    const col = colRef(input);
    const expr = column.pattern
      ? `CASE WHEN regexp_full_match(${t.sql(col)}, ${sqlString(column.pattern)}) THEN ${t.sql(col)} ELSE ${col} END`
      : t.sql(col);
    const r = finish(input, {
      changes, expr, base: 0.97, floor: SYSTEMATIC_FLOOR, strategy: STRATEGY, patternType: t.kind,
      reasoning: `Values fail only by ${t.kind === 'case' ? 'letter case or spacing' : 'spacing'} (${examples(changes)}); the rule ${t.says}.`,
    }, ctx.minCoverage);
    if (r && (!best || r.confidence > best.confidence)) best = r;
  }
  return best;
}

/** Maps each value to the one enum member equal to it once spacing and case are ignored. */
function toEnum(input: SynthInput, ctx: SynthContext): SynthResult | null {
  const members = input.column.enum ?? [];
  const byKey = new Map<string, string | null>();
  for (const m of members) {
    const k = jsSquish(m).toLowerCase();
    byKey.set(k, byKey.has(k) ? null : m); // two members equal up to case: ambiguous, never used
  }
  const lookup = new Map<string, string>();
  const changes = new Map<string, string>();
  let caseChanged = false;
  for (const v of distinctStrings(input.values)) {
    const key = jsSquish(v).toLowerCase();
    const member = byKey.get(key);
    if (!member || member === v || !acceptsValue(input.column, member)) continue;
    lookup.set(key, member);
    changes.set(v, member);
    if (jsSquish(v) !== member) caseChanged = true;
  }
  const col = colRef(input);
  return finish(input, {
    changes,
    expr: caseLookup(`lower(${sqlSquish(col)})`, lookup, col),
    base: 0.98,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: caseChanged ? 'case' : 'whitespace',
    reasoning: `Values equal an allowed value once ${caseChanged ? 'case and spacing are' : 'spacing is'} ignored (${examples(changes)}); the rule rewrites them to the member.`,
  }, ctx.minCoverage);
}
