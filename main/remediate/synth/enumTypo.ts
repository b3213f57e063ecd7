// Strategy 6: a misspelt enum member. First the public hospital table's typo style, where letters
// were replaced by 'x' ('yxs' → 'yes', 'acuxe care hospixals' → 'acute care hospitals'): reading
// each 'x' as any one letter must leave exactly one member. Otherwise the nearest member by edit
// distance, when it is close and clearly nearer than the runner-up. Ties are never guessed.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MapEntry } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR, jsTrim } from './common.js';

const STRATEGY = 'enum-typo';

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Edits between two strings where swapping two neighbouring letters is one edit, not two (the
 * optimal string alignment distance): a transposition is the commonest keyboard slip, and
 * 'cative' is one slip from 'active', not as far as from 'inactive'.
 */
export function slipDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Members that `v` equals when each of its 'x' may stand for any character. */
function wildcardMatches(v: string, members: string[]): string[] {
  const known = v.replace(/x/g, '').length;
  // At least half the letters must be real: 'xxx' says nothing about 'yes'.
  if (known === v.length || known * 2 < v.length) return [];
  return members.filter((m) => {
    const k = m.toLowerCase();
    if (k.length !== v.length) return false;
    for (let i = 0; i < v.length; i++) if (v[i] !== 'x' && v[i] !== k[i]) return false;
    return true;
  });
}

/** How far a typo may be: ≤ 2 edits or 30% of the member, but a single edit for short words. */
function allowedDistance(member: string): number {
  if (member.length <= 4) return 1;
  return Math.max(2, Math.floor(0.3 * member.length));
}

export type EnumMatch = { member: string; how: 'case' | 'x-wildcard' | 'edit-distance' | 'truncated'; edits?: number } | null;

/**
 * From this many rows, a value two edits or more from its nearest member is a word of its own (a
 * synonym, a member the contract lacks: 'planned' beside 'landed'), not a misspelling: a slip is an
 * accident, and the same two slips in three rows are not. A single slip may repeat (`canceled`).
 */
export const REPEATED_WORD_ROWS = 3;

/** The one member a value is a typo of, or null when none is close or two are equally close. */
export function nearestMember(value: string, members: string[]): EnumMatch {
  const v = jsTrim(value).toLowerCase();
  if (!v) return null;
  // A typo cluster may also hold ' Yes ': taking it here lets one rule cover the whole cluster.
  const exact = members.filter((m) => m.toLowerCase() === v);
  if (exact.length) return exact.length === 1 ? { member: exact[0], how: 'case' } : null;
  const wild = wildcardMatches(v, members);
  if (wild.length === 1) return { member: wild[0], how: 'x-wildcard' };
  if (wild.length > 1) return null; // 'xl' could be al, fl or il: not ours to pick
  const scored = members.map((m) => ({ m, d: slipDistance(v, m.toLowerCase()) })).sort((a, b) => a.d - b.d);
  const [best, second] = scored;
  if (!best || best.d === 0 || best.d > allowedDistance(best.m)) return truncationOf(v, members);
  // Strictly nearer than the runner-up by 2 edits, and the edit must not rewrite most of the value.
  if (second && second.d - best.d < 2) return null;
  if (best.d * 2 >= v.length) return null;
  // One word inside the other with a part before it ('inactive' and 'active', 'unapproved' and
  // 'approved') is another word, often the opposite, never a slip.
  const k = best.m.toLowerCase();
  if (best.d >= 2 && (v.endsWith(k) || k.endsWith(v))) return null;
  return { member: best.m, how: 'edit-distance', edits: best.d };
}

/**
 * A value cut short ('cancel' for 'cancelled', 'pend' for 'pending'): the start of exactly one
 * member, and no other, at least 4 letters and at least half of it. A shorter start says too little
 * ('in' is the start of 'inactive' and of 'in progress').
 */
function truncationOf(v: string, members: string[]): EnumMatch {
  if (v.length < 4) return null;
  const starts = members.filter((m) => m.toLowerCase().startsWith(v));
  if (starts.length !== 1 || v.length * 2 < starts[0].length) return null;
  // A cut where the member's next word begins leaves a whole word or phrase ('pending' of 'pending
  // review', 'closed' of 'closed won'): a term of its own, often the broader one, not a value cut short.
  if (!/[\p{L}\p{N}]/u.test(starts[0][v.length] ?? '')) return null;
  return { member: starts[0], how: 'truncated' };
}

/**
 * A misspelling repeated on many rows must be a small share of the word it misspells: at most one
 * row in RARE_SLIP_SHARE of the member's passing rows. A random slip of 'yes' is rare beside 'yes';
 * 'mix' on 30 rows beside 'mid' on 100 is a word of its own whose 'x' is a letter, and 'over' beside
 * 'overdue' is not a value cut short. Below REPEATED_WORD_ROWS rows no count says much either way.
 */
export const RARE_SLIP_SHARE = 5;

/** Rows per value as nearestMember reads it (trimmed, case folded). */
function foldedCounts(values: ReadonlyArray<{ value: string | null; count: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const vc of values) {
    if (vc.value === null) continue;
    const k = jsTrim(vc.value).toLowerCase();
    out.set(k, (out.get(k) ?? 0) + vc.count);
  }
  return out;
}

/** A value map (case and spacing aside) from each misspelt value to the one member it can be. */
export async function enumTypo(_conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  const members = input.column.enum;
  if (!members || members.length === 0) return [];
  const entries: MapEntry[] = [];
  const hows = new Set<string>();
  // Rows per value as nearestMember reads it (trimmed, case folded): 'Planned', ' planned' and
  // 'PLANNED' are one word's rows.
  const rowsOf = foldedCounts(input.values);
  // The members' rows among the column's passing values (the caller's sample of the most common).
  const memberRows = foldedCounts(ctx.validSample);
  for (const vc of input.values) {
    const v = vc.value;
    if (v === null || members.includes(v)) continue;
    const hit = nearestMember(v, members);
    if (!hit) continue;
    const rows = rowsOf.get(jsTrim(v).toLowerCase()) ?? vc.count;
    if (hit.how === 'edit-distance' && (hit.edits ?? 0) >= 2 && rows >= REPEATED_WORD_ROWS) continue;
    if ((hit.how === 'x-wildcard' || hit.how === 'truncated') && rows >= REPEATED_WORD_ROWS
      && (memberRows.get(jsTrim(hit.member).toLowerCase()) ?? 0) < RARE_SLIP_SHARE * rows) continue;
    entries.push({ from: v, to: hit.member, count: vc.count });
    hows.add(hit.how);
  }
  if (!entries.length) return [];
  const guessed = hows.has('edit-distance') || hows.has('truncated');
  return [{
    op: { kind: 'map', column: input.column.name, match: 'folded', entries },
    base: guessed ? 0.9 : 0.95,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'enum-typo',
    reasoning: (ex) => `Values are misspelt allowed values (${ex}); each maps to the only member it can be`
      + (hows.has('case') ? ' (case aside)' : '')
      + (hows.has('x-wildcard') ? " (letters replaced by 'x' read as wildcards)" : '')
      + (hows.has('edit-distance') ? ' (clearly nearest by edit distance)' : '')
      + (hows.has('truncated') ? ' (cut short: the start of exactly one member)' : '') + '.',
  }];
}
