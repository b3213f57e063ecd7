// The shapes the harness passes around: a table of strings, the analyst-side description of what
// each column holds (which error kinds make sense there), and one logged injection.

export interface Table {
  header: string[];
  rows: string[][];
}

export const KINDS = [
  'typo', 'case-whitespace', 'date-format', 'number-format', 'unit', 'currency', 'email-disguise',
  'phone-format', 'enum-synonym', 'swap', 'glued', 'missing', 'fd-violation', 'source-disagreement',
] as const;
export type Kind = (typeof KINDS)[number];

export interface ColumnRole {
  /** the kinds that can plausibly hit this column; a column with none is never touched */
  kinds: Kind[];
  /** enum-synonym: clean value -> spellings a source uses for it */
  synonyms?: Record<string, string[]>;
  /** unit: suffixes glued to the number ('oz', ' oz.', '%') */
  units?: string[];
  /** currency: the column holding the row's currency code (else USD) */
  currencyColumn?: string;
  /** swap: the other column of the pair (both cells change) */
  swapWith?: string;
  /** glued: the neighbouring column whose value is glued onto this one and emptied there */
  glueFrom?: string;
  /** date-format: what the clean value is (ISO date or HH:mm time) */
  temporal?: 'date' | 'time';
  /** fd-violation: the determinant this column depends on (only rows in groups of 2+ are hit) */
  determinant?: string[];
  /** source-disagreement: how a wrong source invents a plausible value */
  disagree?: 'pool' | 'time' | 'date';
  /** missing: tokens a source writes for "no value" (besides the empty cell) */
  missingTokens?: string[];
  /**
   * The contract leaves the column optional (set by the harness from the contract): a missing
   * value is then only ever the empty cell. A declared token there means "no value" by contract,
   * and its audited normalisation to empty is not a repair any scorer could judge.
   */
  optional?: boolean;
}

export interface TableRoles {
  /** the base table's name, used for files and reports */
  name: string;
  /** column names as the contract spells them (the dirty file's header), in file order */
  header: string[];
  columns: Record<string, ColumnRole>;
  /** multi-source tables: the column naming the source, and the relative error weight of each */
  sourceColumn?: string;
  entityColumn?: string;
  sourceErrorWeight?: Record<string, number>;
}

export interface Injection {
  /** the row key (first column), which is never corrupted */
  key: string;
  column: string;
  clean: string;
  dirty: string;
  kind: Kind;
}
