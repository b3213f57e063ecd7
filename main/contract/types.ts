// The engine's normalised view of an ODCS v3.1 contract (see ../shared/docs/contract.md).
// The loader turns YAML into this; everything downstream (validation, remediation, export)
// reads only this shape, never the raw YAML.

// `object` and `array` (nested values other tools declare) are carried as text: only the
// required/unique checks apply to them.
export type LogicalType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp' | 'time' | 'object' | 'array';

export const PII_KINDS = ['email', 'phone', 'name', 'ssn', 'iban', 'card', 'dob', 'address', 'other'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export const LIBRARY_METRICS = ['nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount'] as const;
export type LibraryMetric = (typeof LIBRARY_METRICS)[number];

export const OPERATORS = [
  'mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan',
  'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface GateOperator {
  op: Operator;
  /** a number, or [low, high] for the Between operators */
  value: number | [number, number];
}

export interface QualityCheck {
  /** stable name used in summaries and the audit: `<column|table>.<metric>#<index>` */
  name: string;
  type: 'library' | 'sql' | 'text' | 'custom';
  metric?: LibraryMetric;
  /** the column for column-level checks; undefined for table-level */
  column?: string;
  missingValues?: string[];
  validValues?: string[];
  pattern?: string;
  /** composite key for table-level duplicateValues */
  properties?: string[];
  operator?: GateOperator;
  unit: 'rows' | 'percent';
  /** type: sql only; `{object}` and `{property}` already substituted */
  query?: string;
  description?: string;
  /** 1-based line in the contract file, for messages */
  line: number;
}

export interface ColumnSpec {
  name: string;
  logicalType: LogicalType;
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  pattern?: string;
  /** DuckDB strptime/strftime format for date/timestamp/time parsing and export (translated
   * from the contract's Java pattern when it wrote one: see dateFormat.ts) */
  format?: string;
  /** the format as the contract wrote it, when it differs from `format` */
  formatSource?: string;
  /** the format's offset may be written `Z` at the end of the value (JDK X / XXX / ZZZZZ) */
  formatZulu?: boolean;
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: number | string;
  exclusiveMaximum?: number | string;
  minLength?: number;
  maxLength?: number;
  /** the column's closed set of values (ODCS invalidValues.validValues, or the old `enum`) */
  enum?: string[];
  /** the rule name a value outside `enum` is reported under (`<col>.enum` or the quality check's name) */
  enumRule?: string;
  description?: string;
  pii?: PiiKind;
  /** tokens that mean "no value" (missingValues metric args + missingTokens extension) */
  missingTokens: string[];
  quality: QualityCheck[];
  /** what `airlock profile` inferred about this column, with its evidence, until the analyst confirms it */
  inferred?: InferredRule[];
  /** customProperties `variantCheck: false`: never look for variant spellings in this column */
  variantCheck?: false;
  /**
   * Rare spellings of a dominant value of this column found in the batch being validated
   * (validate/variants.ts): never written in a contract, derived per run before validation.
   */
  variants?: VariantSpelling[];
  line: number;
}

/** A rare spelling of a value the column holds often: the LIKELY_VARIANT evidence. */
export interface VariantSpelling {
  from: string;
  to: string;
  /** rows of the batch holding `from` */
  count: number;
  /** rows of the batch holding `to` */
  support: number;
  /** equal once case and spacing are folded, one or two letters apart, or re-cased word by word */
  how: 'key-collision' | 'near-typo' | 'case-departure';
}

/**
 * A rule the profiler inferred from the data rather than one an analyst wrote (customProperties
 * `inferred`): it carries the share of values it holds for and a few values that break it, and
 * stays unconfirmed until the analyst ticks it. An unconfirmed rule is still enforced; a run
 * says how many it enforced.
 */
export interface InferredRule {
  /** the part inferred: type, format, pattern, validValues, required, unique, primaryKey, missingTokens, dependency */
  rule: string;
  /** share of the values (or rows) it holds for, 0..1 */
  share: number;
  /** one line for the analyst: "96.1% match \d{5}; 39 values do not: 'xxxx1', '3562x', …" */
  evidence: string;
  /** a few values (or groups) that break it */
  counterexamples: string[];
  confirmed: boolean;
}

export interface FunctionalDependency {
  determinant: string[];
  dependent: string[];
  /** set when the profiler inferred it: its confidence and counterexamples, until confirmed */
  inferred?: InferredRule;
}

export interface Contract {
  id: string;
  name: string;
  version: string;
  status?: string;
  /** schema[0].name: the table name in the workspace */
  table: string;
  columns: ColumnSpec[];
  /** table-level checks */
  quality: QualityCheck[];
  fds: FunctionalDependency[];
  /**
   * The column saying which source (system, site, reporter) delivered each row (table-level
   * `customProperties` `sourceColumn`): dependency repair weighs each source's votes by its
   * estimated accuracy.
   */
  sourceColumn?: string;
  /** table-level customProperties `variantCheck: false`: no variant spellings looked for in any column */
  variantCheck?: false;
  schemaEvolution: 'strict' | 'additive';
  /** SHA-256 of the canonical column list (see signature.ts) */
  signature: string;
  /** SHA-256 of the YAML text exactly as loaded */
  yamlSha256: string;
  /** the YAML text exactly as loaded, kept for versioning and the bundle */
  yaml: string;
  sourcePath: string;
}

export const REASON_CODES = [
  'TYPE_MISMATCH', 'REQUIRED_MISSING', 'DUPLICATE_KEY', 'PATTERN_MISMATCH', 'OUT_OF_RANGE',
  'LENGTH_VIOLATION', 'NOT_IN_SET', 'MISSING_VALUE', 'INVALID_VALUE', 'NULL_VALUE', 'FD_VIOLATION',
  'FD_DETERMINANT_SUSPECT', 'LIKELY_VARIANT', 'MALFORMED_RECORD',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
