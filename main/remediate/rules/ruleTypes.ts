// Rules are typed operations (as OpenRefine records each operation as a small JSON object with a
// kind): a rule is its kind and parameters, never a block of generated SQL. One compiler per kind
// turns it into SQL (compileRule.ts) and one renderer shows it to a person (describeRule.ts); the
// recipe, the review screen, the report, the bundle and any export read the same object.

/** One line of a value map: a raw value (or its folded key) and what it becomes. */
export interface MapEntry {
  from: string;
  to: string;
  /** rows of the run holding `from` when the rule was proposed (evidence, shown to the analyst) */
  count?: number;
  /** false when the analyst unticked the line: kept for the record, not applied */
  enabled?: boolean;
}

/**
 * A from → to table for one column: typo fixes, synonyms, case variants. Applied by a join with
 * the table. `folded` matches on the value lower-cased with its whitespace squeezed, so that
 * ` Yes ` and `YES` meet one line; `exact` matches the raw text.
 */
export interface MapRule {
  kind: 'map';
  column: string;
  match: 'exact' | 'folded';
  entries: MapEntry[];
}

/** A sandboxed DuckDB scalar expression per column over the row (formats, units, trims). */
export interface ExpressionRule {
  kind: 'expression';
  set: Record<string, string>;
  where?: string;
}

/**
 * "`column` takes the value its determinant group agrees on": the evidence (each group's vote)
 * is computed when the rule is applied, over production and the batch as they stand, so the same
 * rule fixes the next file's new keys. A group decides only with a clear plurality.
 */
export interface AgreedValueRule {
  kind: 'agreedValue';
  column: string;
  /** the determinants of the contract's dependencies that have `column` as a dependent */
  determinants: string[][];
  /** least rows (or weight) behind the winning value */
  minSupport: number;
  /** least share of the group's weight the winner must lead the runner-up by (0..1) */
  minMargin: number;
  /** the contract's source column: votes are weighted by each source's estimated accuracy */
  sourceColumn?: string;
}

/** A value found through a reference table shipped in `resources/` (countries, states, currencies). */
export interface LookupRule {
  kind: 'lookup';
  column: string;
  /** reference table file name (without extension) in resources/reference */
  table: string;
  /** the form of the entity the column holds (e.g. `alpha2`, `name`) */
  form: string;
  /** letter case of the output when the column has no closed set */
  style: 'upper' | 'lower' | 'asis';
  /** the column's closed set, when the output must be spelled as one of its members */
  members?: string[];
}

/** The analyst's own edit of chosen cells of one run. */
export interface ManualRule {
  kind: 'manual';
  column: string;
  runId: string;
  cells: Array<{ rowId: number; value: string | null }>;
}

export type TypedRule = MapRule | ExpressionRule | AgreedValueRule | LookupRule | ManualRule;
export type RuleKind = TypedRule['kind'];

/** The columns a rule writes. */
export function writtenColumns(rule: TypedRule): string[] {
  return rule.kind === 'expression' ? Object.keys(rule.set) : [rule.column];
}
