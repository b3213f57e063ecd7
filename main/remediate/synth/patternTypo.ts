// Strategy 8: a value that fails the column's pattern because of typos: its 'x' characters (the
// public hospital table's corruption) or, failing that, one wrong character. Every way of filling
// those positions is tried over a bounded alphabet; only a value with exactly one completion that
// the pattern accepts and that looks like the valid values is repaired ('95x' → '95%' for
// '(\d{1,3}%|empty)'; '9x%' has ten completions and is left). A unique completion is still only
// a candidate: the tokens it creates must occur in the column's valid values (see hasEvidence).
import type { SynthInput, SynthResult } from '../types.js';
import type { SynthContext } from './index.js';
import {
  PER_VALUE_FLOOR, acceptsValue, caseLookup, colRef, distinctStrings, examples, finish, fullMatcher, shapeOf,
} from './common.js';

const STRATEGY = 'pattern-typo';

/** Most wildcard positions tried per value, and most completions tried: the search stays bounded. */
const MAX_WILDCARDS = 3;
const MAX_COMPLETIONS = 100_000;
/** Longest value the single-substitution search looks at. */
const MAX_SUBSTITUTION_LENGTH = 64;

/**
 * Characters a wildcard may stand for: what valid values and the pattern's own literals use,
 * plus the classes the pattern names. Bounded, so the search is too.
 */
function alphabetFor(pattern: string, validSample: string[]): string[] {
  const chars = new Set<string>();
  const add = (s: string) => { for (const ch of s) chars.add(ch); };
  if (/\\d|0-9/.test(pattern)) add('0123456789');
  if (/a-z|\\w|\./.test(pattern)) add('abcdefghijklmnopqrstuvwxyz');
  if (/A-Z|\\w/.test(pattern)) add('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  if (/\\s/.test(pattern)) add(' ');
  add(pattern.replace(/\\[dDwWsSbB]/g, '').replace(/\\(.)/g, '$1'));
  for (const v of validSample) add(v);
  return [...chars];
}

/**
 * Completions of `v` accepted by `ok`, stopping at the second (two already means ambiguous).
 * Each listed position may become any alphabet character, itself included.
 */
function completions(v: string, positions: number[], alphabet: string[], ok: (s: string) => boolean): string[] {
  const found: string[] = [];
  const chars = [...v];
  const walk = (i: number): void => {
    if (found.length > 1) return;
    if (i === positions.length) {
      const s = chars.join('');
      if (ok(s) && !found.includes(s)) found.push(s);
      return;
    }
    const p = positions[i], orig = chars[p];
    for (const c of alphabet.includes(orig) ? alphabet : [orig, ...alphabet]) {
      chars[p] = c;
      walk(i + 1);
      if (found.length > 1) break;
    }
    chars[p] = orig;
  };
  walk(0);
  return found;
}

/** Completions with exactly one character changed, anywhere. */
function oneSubstitution(v: string, alphabet: string[], ok: (s: string) => boolean): string[] {
  const found = new Set<string>();
  const chars = [...v];
  for (let p = 0; p < chars.length && found.size < 2; p++) {
    const orig = chars[p];
    for (const c of alphabet) {
      if (c === orig) continue;
      chars[p] = c;
      const s = chars.join('');
      if (ok(s)) found.add(s);
      if (found.size > 1) break;
    }
    chars[p] = orig;
  }
  return [...found];
}

/** Word, number and single-symbol tokens: `carol@example` → carol, @, example. */
function tokens(s: string): string[] {
  return s.match(/\p{L}+|\p{N}+|[^\p{L}\p{N}]/gu) ?? [];
}

/**
 * Evidence that a completion is the value that was meant, not merely one the pattern accepts:
 * either it occurs among the column's valid values, or every token the repair created (those the
 * original value does not have) occurs in valid values. `carol@example` → `carol@e.ample` creates
 * `e`, `.` and `ample`; valid e-mails hold `example`, never `ample`: the value was incomplete (no
 * top-level domain), not corrupted, and reading its `x` as a typo would invent a domain.
 */
function hasEvidence(v: string, out: string, valid: Set<string>, vocabulary: Set<string>): boolean {
  if (valid.has(out)) return true;
  const left = new Map<string, number>();
  for (const t of tokens(v)) left.set(t, (left.get(t) ?? 0) + 1);
  for (const t of tokens(out)) {
    const n = left.get(t) ?? 0;
    if (n > 0) left.set(t, n - 1);
    else if (!vocabulary.has(t)) return false;
  }
  return true;
}

export function repairByPattern(v: string, pattern: string, validSample: string[]): { out: string; how: 'x' | 'substitution' } | null {
  const r = uniqueCompletion(v, pattern, validSample);
  if (!r) return null;
  const vocabulary = new Set(validSample.flatMap(tokens));
  return hasEvidence(v, r.out, new Set(validSample), vocabulary) ? r : null;
}

function uniqueCompletion(v: string, pattern: string, validSample: string[]): { out: string; how: 'x' | 'substitution' } | null {
  const matches = fullMatcher(pattern);
  if (!matches || matches(v)) return null;
  const shapes = new Set(validSample.map(shapeOf));
  // Consistent with the valid sample: a completion must have a shape valid values have.
  const ok = (s: string) => matches(s) && (shapes.size === 0 || shapes.has(shapeOf(s)));
  const alphabet = alphabetFor(pattern, validSample);
  const xs = [...v].flatMap((ch, i) => (ch === 'x' || ch === 'X' ? [i] : []));
  if (xs.length > 0 && xs.length <= MAX_WILDCARDS && (alphabet.length + 1) ** xs.length <= MAX_COMPLETIONS) {
    const found = completions(v, xs, alphabet, ok);
    if (found.length === 1) return { out: found[0], how: 'x' };
    if (found.length > 1) return null;
  }
  if (xs.length > MAX_WILDCARDS || [...v].length > MAX_SUBSTITUTION_LENGTH) return null;
  const found = oneSubstitution(v, alphabet, ok);
  return found.length === 1 ? { out: found[0], how: 'substitution' } : null;
}

export function patternTypo(input: SynthInput, ctx: SynthContext): SynthResult | null {
  const pattern = input.column.pattern;
  if (!pattern || input.column.logicalType !== 'string' || !fullMatcher(pattern)) return null;
  const valid = distinctStrings(ctx.validSample);
  const lookup = new Map<string, string>();
  const hows = new Set<string>();
  for (const v of distinctStrings(input.values)) {
    const r = repairByPattern(v, pattern, valid);
    if (!r || !acceptsValue(input.column, r.out)) continue;
    lookup.set(v, r.out);
    hows.add(r.how);
  }
  const col = colRef(input);
  return finish(input, {
    changes: lookup,
    expr: caseLookup(col, lookup, col),
    base: hows.has('substitution') ? 0.85 : 0.92,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'pattern-typo',
    reasoning: `Values fail the pattern ${pattern} by a typo (${examples(lookup)}); each has exactly one completion `
      + `the pattern accepts${hows.has('x') ? " reading 'x' as a replaced character" : ''}${hows.has('substitution') ? ' with one character changed' : ''}.`,
  }, ctx.minCoverage);
}
