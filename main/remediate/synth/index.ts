// The deterministic rule synthesizer's value-level strategies. Each strategy looks at the
// distinct failing values of one cluster (bounded by the caller), mirrors its SQL in JavaScript to
// check that every value it would change comes out valid, and emits one DuckDB scalar expression
// over the raw VARCHAR column. Every expression returns the raw value unchanged for values it
// does not handle, so it is safe to apply to every row of the cluster.
import type { SynthInput, SynthResult, ValueCount } from '../types.js';
import type { ReferenceTables } from './reference.js';
import { caseTrim } from './caseTrim.js';
import { dateFormat } from './dateFormat.js';
import { numberUnits } from './numberUnits.js';
import { phone } from './phone.js';
import { email } from './email.js';
import { enumTypo } from './enumTypo.js';
import { referenceLookup } from './referenceLookup.js';
import { patternTypo } from './patternTypo.js';

export { loadReferenceTables } from './reference.js';
export type { ReferenceTables, ReferenceTable, ReferenceEntity, ReferenceDomain } from './reference.js';

export interface SynthContext {
  /** reference tables, loaded once per run with loadReferenceTables(resourcesDir) */
  reference: ReferenceTables;
  /** a sample of the column's values that passed validation (dominant format, magnitude, case) */
  validSample: ValueCount[];
  /**
   * Overrides every strategy's own coverage floor (share of the cluster's distinct values and rows
   * that must be handled). Left out, per-value look-ups need half, format rules nine tenths.
   */
  minCoverage?: number;
}

export type Strategy = (input: SynthInput, ctx: SynthContext) => SynthResult | null;

/** The strategies in priority order: the least invasive explanation of a failure first. */
export const STRATEGIES: ReadonlyArray<{ name: string; run: Strategy }> = [
  { name: 'case-trim', run: caseTrim },
  { name: 'date-format', run: dateFormat },
  { name: 'number-units', run: numberUnits },
  { name: 'phone', run: phone },
  { name: 'email', run: email },
  { name: 'enum-typo', run: enumTypo },
  { name: 'reference-lookup', run: referenceLookup },
  { name: 'pattern-typo', run: patternTypo },
];

/**
 * Every applicable candidate for the cluster, best first: higher confidence first, and the
 * priority order above between equals (the sort is stable).
 */
export function synthesizeValueRules(input: SynthInput, ctx: SynthContext): SynthResult[] {
  const out: SynthResult[] = [];
  for (const s of STRATEGIES) {
    const r = s.run(input, ctx);
    if (r) out.push(r);
  }
  return out.sort((a, b) => b.confidence - a.confidence);
}

export { caseTrim, dateFormat, numberUnits, phone, email, enumTypo, referenceLookup, patternTypo };
