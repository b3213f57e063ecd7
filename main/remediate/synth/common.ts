// Helpers shared by the value-level strategies. A strategy analyses the cluster's distinct values
// (in JavaScript or SQL) to decide which rule to write, and returns it as a candidate; whether the
// rule is any good is never decided here but by the judge (judge.ts), which runs the compiled rule
// over the values in DuckDB and tests every output with the column's own checks.
import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString } from '../../store/duckdb.js';
import type { ExpressionRule, LookupRule, MapRule } from '../rules/ruleTypes.js';
import type { SynthInput, ValueCount } from '../types.js';

/** Whitespace the strategies treat as such, spelled identically for RE2 (DuckDB) and JS. */
export const WS_CLASS = '[ \\t\\r\\n\u00a0]';
const WS_EDGES_JS = new RegExp(`^${WS_CLASS}+|${WS_CLASS}+$`, 'g');
const WS_RUN_JS = new RegExp(`${WS_CLASS}+`, 'g');

export { PER_VALUE_FLOOR, SYSTEMATIC_FLOOR } from './judge.js';

export function colRef(input: SynthInput): string {
  return sqlIdent(input.column.name);
}

/** Spaces stripped from the ends (as DuckDB's `trim(x)`), for analysis. */
export function jsTrim(s: string): string {
  return s.replace(/^ +| +$/g, '');
}

/** SQL: strip every kind of edge whitespace (tabs, NBSP...) and collapse inner runs to one space. */
export function sqlSquish(expr: string): string {
  return `regexp_replace(regexp_replace(${expr}, ${sqlString(`^${WS_CLASS}+|${WS_CLASS}+$`)}, '', 'g'), ${sqlString(`${WS_CLASS}+`)}, ' ', 'g')`;
}

export function jsSquish(s: string): string {
  return s.replace(WS_EDGES_JS, '').replace(WS_RUN_JS, ' ');
}

/** SQL: strip edge whitespace of every kind, keep inner spacing. */
export function sqlStrip(expr: string): string {
  return `regexp_replace(${expr}, ${sqlString(`^${WS_CLASS}+|${WS_CLASS}+$`)}, '', 'g')`;
}

export function jsStrip(s: string): string {
  return s.replace(WS_EDGES_JS, '');
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const LETTER = /\p{L}/u;

/** A character's class in a shape: '9' for an ASCII digit, 'a' for a letter, else the character itself. */
export function shapeClass(ch: string): string {
  if (ch >= '0' && ch <= '9') return '9';
  return LETTER.test(ch) ? 'a' : ch;
}

/**
 * Collapsed shape: digit runs → 9, letter runs → a, everything else kept. For format votes. The
 * same as `s.replace(/\d+/g, '9').replace(/\p{L}+/gu, 'a')` (a property test says so), in one
 * pass: the typo search asks it of millions of candidate strings.
 */
export function shapeOf(s: string): string {
  let out = '';
  let last = '';
  for (const ch of s) {
    const c = shapeClass(ch);
    if ((c === '9' || c === 'a') && c === last) continue;
    out += c;
    last = c;
  }
  return out;
}

/** Numbers among the valid sample (for magnitude decisions), one entry per distinct value. */
export function sampleNumbers(sample: ValueCount[]): number[] {
  const out: number[] = [];
  for (const s of sample) {
    if (s.value === null || !NUMBER_RE.test(s.value.trim())) continue;
    out.push(Number(s.value));
  }
  return out.sort((a, b) => a - b);
}

export function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/**
 * What a strategy proposes for a cluster, before the judge has run it: a typed rule (a value map,
 * a reference look-up or one expression over the column), its confidence on the values it
 * handles (before coverage), and its coverage floor.
 */
export interface Candidate {
  op: MapRule | LookupRule | ExpressionRule;
  base: number;
  floor: number;
  patternType: string;
  strategy: string;
  /** the reasoning, given a few judged examples ('a' → 'b', ...) */
  reasoning: (examples: string) => string;
  /**
   * A strategy's own plausibility test over the judged changes (raw → output, as DuckDB wrote
   * them), for evidence the column's checks cannot see (a magnitude, a unit). Never a validity test.
   */
  plausible?: (changes: Array<[string, string]>) => boolean;
}

/**
 * Which of `strings` the pattern fully matches, in DuckDB (RE2, as validation runs it); all false
 * when DuckDB refuses the pattern. For strategies that read a pattern to decide what to write.
 */
export async function fullMatches(conn: DuckDBConnection, pattern: string, strings: string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  const CHUNK = 20_000;
  try {
    for (let i = 0; i < strings.length; i += CHUNK) {
      const part = strings.slice(i, i + CHUNK);
      // One bound list per query: no literal per string to parse.
      const reader = await conn.runAndReadAll(`SELECT list_transform($1, x -> coalesce(regexp_full_match(x, ${sqlString(pattern)}), false)) AS m`, [listValue(part)], [LIST(VARCHAR)]);
      const m = reader.getRowObjectsJS()[0]?.m;
      if (!Array.isArray(m) || m.length !== part.length) throw new Error('unexpected answer');
      for (const x of m) out.push(x === true);
    }
  } catch {
    return new Array<boolean>(strings.length).fill(false);
  }
  return out;
}

/** Non-null distinct values of the cluster. */
export function distinctStrings(values: ValueCount[]): string[] {
  return values.flatMap((v) => (v.value === null ? [] : [v.value]));
}

/** A short, readable list of examples for reasoning text. */
export function examples(pairs: Iterable<[string, string]>, n = 3): string {
  const out: string[] = [];
  for (const [a, b] of pairs) {
    if (out.length >= n) break;
    out.push(`'${a}' → '${b}'`);
  }
  return out.join(', ');
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
