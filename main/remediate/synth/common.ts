// Helpers shared by the value-level strategies. Every strategy keeps a JavaScript mirror of the
// SQL it emits, runs that mirror over the cluster's distinct values (never over rows), and only
// proposes when what the SQL would change ends up valid for the column.
import { sqlIdent, sqlString } from '../../store/duckdb.js';
import type { ColumnSpec } from '../../contract/types.js';
import type { SynthInput, SynthResult, ValueCount } from '../types.js';
import { safeRegExp } from './safeRegex.js';

/** Whitespace the strategies treat as such, spelled identically for RE2 (DuckDB) and JS. */
export const WS_CLASS = '[ \\t\\r\\n\u00a0]';
const WS_EDGES_JS = new RegExp(`^${WS_CLASS}+|${WS_CLASS}+$`, 'g');
const WS_RUN_JS = new RegExp(`${WS_CLASS}+`, 'g');

/** Share of a cluster's distinct values a per-value strategy must handle before it proposes. */
export const PER_VALUE_FLOOR = 0.5;
/** Share a systematic (format-level) strategy must handle: one rule for the whole cluster. */
export const SYSTEMATIC_FLOOR = 0.9;

export function colRef(input: SynthInput): string {
  return sqlIdent(input.column.name);
}

/** DuckDB `trim(x)` strips spaces only; this is its exact mirror. */
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

/**
 * A full-match tester for a contract pattern (RE2 syntax), run on the linear-time engine so that
 * no pattern can make a strategy hang. Returns null when that engine cannot compile it: a
 * strategy that needs the pattern then declines rather than guess.
 */
export function fullMatcher(pattern: string): ((s: string) => boolean) | null {
  const re = safeRegExp(`^(?:${pattern})$`);
  return re ? (s) => re.test(s) : null;
}

const INTEGER_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numericBound(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Whether a candidate output would pass the column's value checks that JavaScript can judge:
 * type shape (strict: no stray spaces), pattern, enum, length, numeric range. Dates are judged
 * by the date strategy itself. Conservative on purpose: a false "no" only costs a repair.
 */
export function acceptsValue(column: ColumnSpec, v: string): boolean {
  if (v === '' || column.missingTokens.includes(v)) return false;
  if (column.logicalType === 'integer' && !INTEGER_RE.test(v)) return false;
  if (column.logicalType === 'number' && !NUMBER_RE.test(v)) return false;
  if (column.logicalType === 'integer' || column.logicalType === 'number') {
    const n = Number(v);
    const min = numericBound(column.minimum), max = numericBound(column.maximum);
    const xmin = numericBound(column.exclusiveMinimum), xmax = numericBound(column.exclusiveMaximum);
    if (min !== undefined && n < min) return false;
    if (max !== undefined && n > max) return false;
    if (xmin !== undefined && n <= xmin) return false;
    if (xmax !== undefined && n >= xmax) return false;
  }
  if (column.enum && !column.enum.includes(v)) return false;
  if (column.minLength !== undefined && [...v].length < column.minLength) return false;
  if (column.maxLength !== undefined && [...v].length > column.maxLength) return false;
  if (column.pattern) {
    const m = fullMatcher(column.pattern);
    if (!m || !m(v)) return false;
  }
  return true;
}

/** Collapsed shape: digit runs → 9, letter runs → a, everything else kept. For format votes. */
export function shapeOf(s: string): string {
  return s.replace(/\d+/g, '9').replace(/\p{L}+/gu, 'a');
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

/** `CASE <key> WHEN 'k' THEN 'v' ... ELSE <elseExpr> END` over a bounded map. */
export function caseLookup(keyExpr: string, map: Map<string, string>, elseExpr: string): string {
  const arms = [...map].map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`);
  return `CASE ${keyExpr} ${arms.join(' ')} ELSE ${elseExpr} END`;
}

export interface Coverage {
  distinctShare: number;
  rowShare: number;
}

/** How much of the cluster a set of handled raw values covers (nulls count as not handled). */
export function coverage(values: ValueCount[], handled: (v: string) => boolean): Coverage {
  let rows = 0, hitRows = 0, hits = 0;
  for (const vc of values) {
    rows += vc.count;
    if (vc.value !== null && handled(vc.value)) {
      hits += 1;
      hitRows += vc.count;
    }
  }
  return {
    distinctShare: values.length ? hits / values.length : 0,
    rowShare: rows ? hitRows / rows : 0,
  };
}

export interface Outcome {
  /** raw value → repaired value, for every value the emitted SQL changes */
  changes: Map<string, string>;
  expr: string;
  where?: string;
  /** confidence of the rule on the values it handles, before coverage */
  base: number;
  floor: number;
  reasoning: string;
  patternType: string;
  strategy: string;
}

/**
 * Turns a strategy's mirror run into a result: declines when the SQL would change a value into
 * something the column still rejects (a wrong-looking repair) or when too little of the cluster
 * is handled; confidence is the base scaled by the share of rows handled.
 */
export function finish(input: SynthInput, o: Outcome, minCoverage?: number): SynthResult | null {
  if (o.changes.size === 0) return null;
  for (const [from, to] of o.changes) {
    if (from === to || !acceptsValue(input.column, to)) return null;
  }
  const cov = coverage(input.values, (v) => o.changes.has(v));
  const floor = minCoverage ?? o.floor;
  if (cov.distinctShare < floor || cov.rowShare < floor) return null;
  return {
    expr: o.expr,
    ...(o.where ? { where: o.where } : {}),
    confidence: Math.round(o.base * cov.rowShare * 1000) / 1000,
    reasoning: o.reasoning,
    patternType: o.patternType,
    strategy: o.strategy,
  };
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
