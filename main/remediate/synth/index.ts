// The deterministic rule synthesizer's value-level strategies. Each strategy analyses the distinct
// failing values of one cluster (bounded by the caller) and writes a typed rule: a value map or a
// reference look-up for per-value repairs, one expression over the raw VARCHAR column for
// systematic ones. The judge (judge.ts) then runs every candidate in DuckDB over those values and
// tests each output with the column's own checks; only what it accepts is returned. Every rule
// leaves the values it does not handle unchanged, so it is safe to apply to every row of the cluster.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SynthInput, SynthResult, ValueCount } from '../types.js';
import type { ReferenceTables } from '../../contract/reference.js';
import type { Candidate } from './common.js';
import { examples } from './common.js';
import { judgeRule } from './judge.js';
import { caseTrim } from './caseTrim.js';
import { dateFormat } from './dateFormat.js';
import { timeFormat } from './timeFormat.js';
import { numberUnits } from './numberUnits.js';
import { phone } from './phone.js';
import { email } from './email.js';
import { enumTypo } from './enumTypo.js';
import { referenceLookup } from './referenceLookup.js';
import { patternTypo } from './patternTypo.js';
import { variantSpelling } from './variantSpelling.js';
import { flagWords } from './flagWords.js';

export { loadReferenceTables } from '../../contract/reference.js';
export type { ReferenceTables, ReferenceTable, ReferenceEntity, ReferenceDomain } from '../../contract/reference.js';
export type { Candidate } from './common.js';
export { judgeRule, PER_VALUE_FLOOR, SYSTEMATIC_FLOOR } from './judge.js';
export type { Judgement, JudgeOptions, ValueOutcome, Coverage } from './judge.js';

export interface SynthContext {
  /** reference tables, loaded once per run with loadReferenceTables(resourcesDir) */
  reference: ReferenceTables;
  /** a sample of the column's values that passed validation (dominant format, magnitude, case) */
  validSample: ValueCount[];
  /**
   * Overrides every strategy's own coverage floor (share of the cluster's distinct values and rows
   * that must be repaired). Left out, per-value rules need half, format rules nine tenths.
   */
  minCoverage?: number;
}

/** A strategy writes candidate rules (none when it does not apply); the judge decides. */
export type Strategy = (conn: DuckDBConnection, input: SynthInput, ctx: SynthContext) => Promise<Candidate[]>;

/** The strategies in priority order: the least invasive explanation of a failure first. */
export const STRATEGIES: ReadonlyArray<{ name: string; run: Strategy }> = [
  { name: 'case-trim', run: caseTrim },
  { name: 'date-format', run: dateFormat },
  { name: 'time-format', run: timeFormat },
  { name: 'number-units', run: numberUnits },
  { name: 'phone', run: phone },
  { name: 'email', run: email },
  { name: 'enum-typo', run: enumTypo },
  { name: 'flag-words', run: flagWords },
  { name: 'reference-lookup', run: referenceLookup },
  { name: 'pattern-typo', run: patternTypo },
  { name: 'variant-spelling', run: variantSpelling },
];

/** Judges one candidate over the cluster's values: the result, or null when the judge declines it. */
export async function judgeCandidate(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext, c: Candidate): Promise<SynthResult | null> {
  const j = await judgeRule(conn, c.op, input.values, input.column, {
    contract: input.contract, reference: ctx.reference, floor: ctx.minCoverage ?? c.floor, base: c.base, plausible: c.plausible,
  });
  if (j.declined) return null;
  const expr = c.op.kind === 'expression' ? c.op.set[input.column.name] : '';
  const where = c.op.kind === 'expression' ? c.op.where : undefined;
  return {
    op: c.op,
    expr,
    ...(where ? { where } : {}),
    confidence: j.confidence,
    reasoning: c.reasoning(examples(j.changes)),
    patternType: c.patternType,
    strategy: c.strategy,
    coverage: j.coverage,
  };
}

/** One strategy's best judged candidate (the earlier of equals), or null. */
export async function runStrategy(conn: DuckDBConnection, strategy: Strategy, input: SynthInput, ctx: SynthContext): Promise<SynthResult | null> {
  let best: SynthResult | null = null;
  for (const c of await strategy(conn, input, ctx)) {
    const r = await judgeCandidate(conn, input, ctx, c);
    if (r && (!best || r.confidence > best.confidence)) best = r;
  }
  return best;
}

/**
 * Every applicable candidate for the cluster, judged in DuckDB, best first: higher confidence
 * first, and the priority order above between equals (the sort is stable).
 */
export async function synthesizeValueRules(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<SynthResult[]> {
  const out: SynthResult[] = [];
  for (const s of STRATEGIES) {
    const r = await runStrategy(conn, s.run, input, ctx);
    if (r) out.push(r);
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}

export { caseTrim, dateFormat, numberUnits, phone, email, enumTypo, referenceLookup, patternTypo, variantSpelling };
