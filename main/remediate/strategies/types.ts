// A strategy that needs the row's other columns (or the batch's groups) to propose a rule.
import type { SourceAccuracy } from '../rules/compileAgreedValue.js';
import type { AgreedValueRule, TypedRule } from '../rules/ruleTypes.js';

export interface RowStrategyResult {
  /** SQL per column; an empty object when the result is a typed rule (`op`) */
  set: Record<string, string>;
  where?: string;
  /** the typed rule the strategy proposes (compiled by rules/compileRule.ts, never stored as SQL) */
  op?: TypedRule;
  confidence: number;
  reasoning: string;
  patternType: string;
  strategy: string;
}

/** fdAgreedValue's proposal: a typed agreedValue rule; its evidence is counted when it is applied. */
export interface AgreedValueResult extends RowStrategyResult {
  op: AgreedValueRule;
  set: Record<string, never>;
  patternType: 'fd-agreed-value';
  strategy: 'fd-agreed-value';
  /** with the contract's source column: each source's estimated accuracy over this batch, best first */
  sourceAccuracy?: SourceAccuracy[];
}
