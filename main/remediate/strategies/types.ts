// A strategy that needs the row's other columns (or the batch's groups) to propose a rule.
export interface RowStrategyResult {
  set: Record<string, string>;
  where?: string;
  confidence: number;
  reasoning: string;
  patternType: string;
  strategy: string;
}
