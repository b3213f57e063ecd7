// Strategy 8: a value that fails the column's pattern because of typos: its 'x' characters (the
// public hospital table's corruption) or, failing that, one wrong character. Every way of filling
// those positions is tried over a bounded alphabet; only a value with exactly one completion that
// the pattern accepts and that looks like the valid values is repaired ('95x' → '95%' for
// '(\d{1,3}%|empty)'; '9x%' has ten completions and is left). A unique completion is still only
// a candidate: the tokens it creates must occur in the column's valid values (see hasEvidence).
// The completions are tested against the pattern in DuckDB (RE2, as validation runs it), in
// batches across the cluster's values, so any pattern the checks can run works and none can hang.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MapEntry } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR, distinctStrings, fullMatches, shapeClass, shapeOf } from './common.js';

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
 * The shape of a string made from a value by changing some positions depends only on the classes
 * (digit, letter, or the symbol itself: shapeClass) of the characters put there, so `keep` is
 * asked once per choice of classes, not once per string (millions, in a large cluster). Classes
 * are numbered, so the memo's keys are numbers.
 */
function classIds(chars: string[]): { id: (c: string) => number; count: () => number } {
  const ids = new Map<string, number>();
  const byChar = new Map<string, number>();
  for (const c of chars) {
    const k = shapeClass(c);
    if (!ids.has(k)) ids.set(k, ids.size);
    byChar.set(c, ids.get(k)!);
  }
  return {
    id: (c) => {
      let n = byChar.get(c);
      if (n === undefined) {
        const k = shapeClass(c);
        if (!ids.has(k)) ids.set(k, ids.size);
        n = ids.get(k)!;
        byChar.set(c, n);
      }
      return n;
    },
    count: () => ids.size,
  };
}

/** Every way of filling the listed positions with alphabet characters (the original included), of a kept shape. */
export function* completions(v: string, positions: number[], alphabet: string[], keep: (s: string) => boolean): Generator<string> {
  const chars = [...v];
  const classes = classIds([...alphabet, ...positions.map((p) => chars[p])]);
  // At most MAX_WILDCARDS positions, each a class number below `base`: one number per choice.
  const base = classes.count() + 1;
  const memo = new Map<number, boolean>();
  function* walk(i: number, key: number): Generator<string> {
    if (i === positions.length) {
      let ok = memo.get(key);
      if (ok === undefined) {
        ok = keep(chars.join(''));
        memo.set(key, ok);
      }
      if (ok) yield chars.join('');
      return;
    }
    const p = positions[i], orig = chars[p];
    for (const c of alphabet.includes(orig) ? alphabet : [orig, ...alphabet]) {
      chars[p] = c;
      yield* walk(i + 1, key * base + classes.id(c));
    }
    chars[p] = orig;
  }
  yield* walk(0, 0);
}

/** Every value with exactly one character changed, anywhere, of a kept shape. */
export function* oneSubstitution(v: string, alphabet: string[], keep: (s: string) => boolean): Generator<string> {
  const chars = [...v];
  const classes = classIds(alphabet);
  const ids = alphabet.map((c) => classes.id(c));
  const memo = new Int8Array(classes.count());
  for (let p = 0; p < chars.length; p++) {
    const orig = chars[p];
    memo.fill(-1);
    for (let k = 0; k < alphabet.length; k++) {
      const c = alphabet[k];
      if (c === orig) continue;
      chars[p] = c;
      let ok = memo[ids[k]];
      if (ok === -1) {
        ok = keep(chars.join('')) ? 1 : 0;
        memo[ids[k]] = ok;
      }
      if (ok === 1) yield chars.join('');
    }
    chars[p] = orig;
  }
}

/** Most completions sent to DuckDB per query, and per value per query. */
const BATCH = 20_000;
const PER_VALUE_BATCH = 4_000;

/**
 * For each generator, the distinct strings it yields that the pattern fully matches (in DuckDB),
 * stopping at the second (two already means ambiguous).
 */
async function firstTwoMatches(conn: DuckDBConnection, pattern: string, gens: Array<Generator<string> | null>): Promise<string[][]> {
  const found = gens.map(() => new Set<string>());
  const live = gens.map((g) => g !== null);
  while (live.some(Boolean)) {
    const batch: Array<{ g: number; s: string }> = [];
    for (let g = 0; g < gens.length && batch.length < BATCH; g++) {
      if (!live[g]) continue;
      let n = 0;
      while (n < PER_VALUE_BATCH) {
        const r = gens[g]!.next();
        if (r.done) { live[g] = false; break; }
        batch.push({ g, s: r.value });
        n++;
      }
    }
    if (!batch.length) break;
    const ok = await fullMatches(conn, pattern, batch.map((b) => b.s));
    batch.forEach((b, i) => {
      if (!ok[i]) return;
      found[b.g].add(b.s);
      if (found[b.g].size > 1) live[b.g] = false;
    });
  }
  return found.map((f) => [...f].slice(0, 2));
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

export type PatternRepair = { out: string; how: 'x' | 'substitution' } | null;

/** The one completion of each value that the pattern accepts and the valid values bear out, or null. */
export async function repairByPattern(conn: DuckDBConnection, values: string[], pattern: string, validSample: string[]): Promise<PatternRepair[]> {
  const vocabulary = new Set(validSample.flatMap(tokens));
  const valid = new Set(validSample);
  const found = await uniqueCompletions(conn, values, pattern, validSample);
  return found.map((r, i) => (r && hasEvidence(values[i], r.out, valid, vocabulary) ? r : null));
}

async function uniqueCompletions(conn: DuckDBConnection, values: string[], pattern: string, validSample: string[]): Promise<PatternRepair[]> {
  const already = await fullMatches(conn, pattern, values);
  const shapes = new Set(validSample.map(shapeOf));
  // Consistent with the valid sample: a completion must have a shape valid values have.
  const keep = (s: string) => shapes.size === 0 || shapes.has(shapeOf(s));
  const alphabet = alphabetFor(pattern, validSample);
  const xsOf = values.map((v) => [...v].flatMap((ch, i) => (ch === 'x' || ch === 'X' ? [i] : [])));
  const out: PatternRepair[] = values.map(() => null);
  // First reading: each 'x' stands for one replaced character.
  const xGens = values.map((v, i) => {
    const xs = xsOf[i];
    return !already[i] && xs.length > 0 && xs.length <= MAX_WILDCARDS && (alphabet.length + 1) ** xs.length <= MAX_COMPLETIONS
      ? completions(v, xs, alphabet, keep) : null;
  });
  const xFound = await firstTwoMatches(conn, pattern, xGens);
  // Failing that (no completion at all), one wrong character anywhere.
  const subGens = values.map((v, i) => {
    if (already[i] || xFound[i].length > 0) return null;
    if (xsOf[i].length > MAX_WILDCARDS || [...v].length > MAX_SUBSTITUTION_LENGTH) return null;
    return oneSubstitution(v, alphabet, keep);
  });
  const subFound = await firstTwoMatches(conn, pattern, subGens);
  values.forEach((_, i) => {
    if (xFound[i].length === 1) out[i] = { out: xFound[i][0], how: 'x' };
    else if (xFound[i].length === 0 && subFound[i].length === 1) out[i] = { out: subFound[i][0], how: 'substitution' };
  });
  return out;
}

/** A value map (exact values) from each typo to its one completion; the judge runs it in DuckDB. */
export async function patternTypo(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  const pattern = input.column.pattern;
  if (!pattern || input.column.logicalType !== 'string') return [];
  const valid = distinctStrings(ctx.validSample);
  const raw = input.values.filter((v): v is { value: string; count: number } => v.value !== null);
  const repairs = await repairByPattern(conn, raw.map((v) => v.value), pattern, valid);
  const entries: MapEntry[] = [];
  const hows = new Set<string>();
  raw.forEach((vc, i) => {
    const r = repairs[i];
    if (!r) return;
    entries.push({ from: vc.value, to: r.out, count: vc.count });
    hows.add(r.how);
  });
  if (!entries.length) return [];
  return [{
    op: { kind: 'map', column: input.column.name, match: 'exact', entries },
    base: hows.has('substitution') ? 0.85 : 0.92,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'pattern-typo',
    reasoning: (ex) => `Values fail the pattern ${pattern} by a typo (${ex}); each has exactly one completion `
      + `the pattern accepts${hows.has('x') ? " reading 'x' as a replaced character" : ''}${hows.has('substitution') ? ' with one character changed' : ''}.`,
  }];
}
