// Decides, from one column's summaries, what a contract should say about it: logical type (and
// date format), whether it is required, missing tokens, a value set, a pattern and a PII hint.
// It describes the data as it should be, not as it is: the form most values share (DOMINANT_SHARE
// of them) is proposed, and the minority that does not share it are the suspected errors, which
// become the violations the contract reports and the repairs work on.
import type { LogicalType, PiiKind } from './types.js';
import { patternFromShapes, shapeText } from './profilePattern.js';
import { TEMPORAL_FORMATS, type ColumnBasics, type ColumnShapes, type ColumnValues, type TypeEvidence, type TypedSummary, type ValueCount } from './profileStats.js';
import type { QuantityEvidence } from './profileQuantity.js';
import { entityOfColumn, type EntityOf } from './profileReference.js';
import type { ReferenceTables } from './reference.js';
import { isBooleanPair, truthOf } from './booleanWords.js';

/**
 * Share of values a rule must hold for. The brief's 98% is too tight for real dirty files: the
 * bench tables carry about 3% of errors in every column (hospital zip: 97.0% five digits), and a
 * 98% rule would give up on exactly the columns a contract should protect.
 */
export const AGREEMENT = 0.95;
/**
 * The share of a column's values the dominant form (a type, a pattern, a value set) must hold to
 * be proposed. Dirty exports carry 5 to 20% of errors in a column; a rule that had to fit 95% of
 * them would describe the dirt (a text column of amounts, a pattern with an e-mail alternative in
 * a phone column). Below it, the column has no dominant form and stays free text.
 */
export const DOMINANT_SHARE = 0.8;
/** Bare numbers and amounts with a unit both this common: one column written two ways. */
const MIXED_SHARE = 0.05;
/**
 * A column with a value on this share of its rows is required: its blanks (and, in a typed
 * column, its 'N/A's) are suspected gaps. Stricter than the other rules, because optional
 * columns are common and their blanks are real (beers: 2.6% of abv is unknown).
 */
export const REQUIRED_SHARE = 0.98;
/** A value this many times rarer than a near-identical one is taken for its misspelling. */
const TYPO_RATIO = 10;
/** Short codes ('IA', 'IL') have many real neighbours one letter away: they need far more evidence. */
const SHORT_TYPO_RATIO = 50;
const SHORT = 3;
const ENUM_MAX_VALUES = 20;
const ENUM_MAX_RATIO = 0.05;
const PII_SHARE = 0.9;
/**
 * A date column whose values are dates in several formats takes the most common format when it
 * holds at least this share of the dates: the others are the suspected errors (a format repair),
 * not a reason to give up on the type.
 */
export const DOMINANT_FORMAT_SHARE = 0.6;
/**
 * A spelling folds onto another of the same letters and digits (' active ', 'ACTIVE', 'Active.'
 * onto 'active') only when that one is at least this many times as frequent: two comparably
 * common spellings are two conventions the analyst must choose between, not dirt.
 */
export const FOLD_RATIO = 4;

/** The profile's thresholds, each a parameter with the default documented above. */
export interface ProfileThresholds {
  /** share the dominant form must hold (DOMINANT_SHARE) */
  dominantShare: number;
  /** share of numbers that must be whole for an integer column, and the pattern's coverage target (AGREEMENT) */
  agreement: number;
  /** share of rows with a value for a required column (REQUIRED_SHARE) */
  requiredShare: number;
  /** share of the dates the dominant format must hold among dates of any format (DOMINANT_FORMAT_SHARE) */
  formatShare: number;
  /** how many times as frequent a spelling must be to absorb its variants (FOLD_RATIO) */
  foldRatio: number;
  /** share of distinct values for a machine-made column to stay a key despite duplicates */
  nearKeyShare: number;
  /** a value shape rarer than this share is dirt, not part of a pattern */
  minShapeShare: number;
}

export const PROFILE_DEFAULTS: Readonly<ProfileThresholds> = {
  dominantShare: DOMINANT_SHARE, agreement: AGREEMENT, requiredShare: REQUIRED_SHARE, formatShare: DOMINANT_FORMAT_SHARE,
  foldRatio: FOLD_RATIO, nearKeyShare: 0.99, minShapeShare: 0.03,
};
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
  /** spellings of "no value" seen: a blank counts as one, each missing token as written as one */
  gapSpellings: number;
  /** distinct non-empty values */
  distinctCount: number;
  /** share of the non-empty, non-token values that are valid values of inferredType (a unit or another date format stripped) */
  typeShare: number;
  topValues: ValueCount[];
  /**
   * character-class signatures ('9{5}', 'a{2}_a{4}-a{3}-9') with their counts, most frequent
   * first; counted over the row sample when the table is larger than the sample
   */
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
  /** spellings folded onto a member of the enum (case, spaces, punctuation): evidence for a map repair */
  enumVariants?: { value: string; canonical: string; count: number }[];
  /** a number column written with a unit: the unit group, the spellings seen and how many values carry one */
  unit?: { group: string; spellings: string[]; values: number };
  /** share of the dates in the chosen format, when other formats occur too */
  formatShare?: number;
  /** dates written in another of the known formats (a format repair reads them) */
  otherFormatValues?: number;
  pii?: PiiKind;
  description?: string;
}

function pickType(e: TypeEvidence, q: QuantityEvidence | undefined, th: ProfileThresholds): { type: LogicalType; format?: string; code?: boolean; unit?: ColumnProfile['unit']; formatShare?: number; otherFormatValues?: number } {
  if (e.present === 0) return { type: 'string' };
  const enough = (n: number) => n >= th.dominantShare * e.present;
  // Amounts in one unit, however it is spelled ('12.0 oz', '12.0 OZ.', '12 ounce'), or bare numbers
  // with a few stray '%': a number column. Values in another unit group stay violations (no
  // conversion is guessed), so only the dominant group counts. Currencies are the exception: a
  // column of amounts in the row's own currency carries several, and none is named.
  // A column that writes every amount the same way ('97%' throughout) has a consistent form of
  // its own: that stays text with its pattern. Only several spellings, or bare numbers beside
  // affixed ones, are the dirt that a number column in one unit cleans up.
  if (q && q.affixed > 0) {
    const currencies = [...q.groups].filter(([g]) => /^[A-Z]{3}$/.test(g));
    const [group, n] = currencies.length > 1
      ? ['currency', currencies.reduce((k, [, c]) => k + c, 0)]
      : [...q.groups].sort((a, b) => b[1] - a[1])[0];
    const spellings = group === 'currency' ? currencies.flatMap(([g]) => q.spellingsOf.get(g) ?? []) : q.spellingsOf.get(group) ?? [];
    const mixed = spellings.length >= 2 || (e.numbers >= MIXED_SHARE * e.present && n >= MIXED_SHARE * e.present);
    // A quantity with a unit is a measure: a number column, even where most values are whole.
    if (mixed && n > 0 && enough(e.numbers + n)) return { type: 'number', unit: { group, spellings: spellings.slice(0, 8), values: n } };
  }
  // Integers when nearly all the numbers are integers: a column of amounts with a few whole ones
  // is a number column.
  if (enough(e.integers) && e.integers >= th.agreement * e.numbers) {
    // Digits with leading zeros, or all of one long width (zip codes, phone numbers, provider
    // numbers), are codes: typed as integers they would lose their zeros and invite arithmetic.
    const code = e.leadingZeros > 0.001 * e.integers
      || (e.integerModalLength !== null && e.integerModalLength >= 5 && e.integerModalCount >= th.dominantShare * e.integers && e.integers > 1);
    return code ? { type: 'string', code: true } : { type: 'integer' };
  }
  if (enough(e.numbers)) return { type: 'number' };
  if (enough(e.booleans)) return { type: 'boolean' };
  let best = -1;
  e.temporal.forEach((n, i) => {
    if (best < 0 || n > e.temporal[best]) best = i;
  });
  if (best >= 0 && enough(e.temporal[best])) return { type: TEMPORAL_FORMATS[best].kind, format: TEMPORAL_FORMATS[best].format };
  // Dates in several formats: the dominant one, when dates of any format are nearly all values.
  if (best >= 0 && enough(e.temporalAny) && e.temporal[best] >= th.formatShare * e.temporalAny) {
    return { type: TEMPORAL_FORMATS[best].kind, format: TEMPORAL_FORMATS[best].format, formatShare: e.temporal[best] / e.present, otherFormatValues: e.temporalAny - e.temporal[best] };
  }
  return { type: 'string' };
}

function piiHint(name: string, e: TypeEvidence, type: LogicalType): PiiKind | undefined {
  const n = name.toLowerCase();
  const share = (k: number) => e.present > 0 && k >= PII_SHARE * e.present;
  if (/e[-_ ]?mail/.test(n) || share(e.emails)) return 'email';
  if (/(^|[^a-z])ssn([^a-z]|$)|social[-_ ]?security/.test(n) || share(e.ssns)) return 'ssn';
  if (/phone|mobile|(^|[^a-z])(tel|fax|cell)([^a-z]|$)/.test(n) || (type === 'string' && share(e.phones))) return 'phone';
  return undefined;
}

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment): a
 * swapped pair of letters ('acitve' for 'active') is one slip of the keyboard, as a dropped or
 * doubled letter is. On the few most frequent values of a column only.
 */
export function editDistance(a: string, b: string, transpositions = true): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Whether one value looks like a misspelling of another. Compared on their folded keys: a
 * rare 'CANCELED' beside a common 'cancelled' is the same slip as 'canceled', written in capitals.
 */
function similar(x: string, y: string): boolean {
  // Short codes are compared as written, without transpositions: 'kB' and 'KiB', 'A1B' and 'AB1'
  // are different codes, and two or three characters leave no room to tell a slip from a code.
  const short = Math.max(x.length, y.length) <= SHORT;
  const a = short ? x : foldKey(x);
  const b = short ? y : foldKey(y);
  if (a === '' || b === '' || a === b) return false;
  // Values that differ only in their digits ('24.0 oz.', '12.0 oz.') are different quantities or
  // codes, not misspellings of one another.
  if (a.replace(/[0-9]/g, '9') === b.replace(/[0-9]/g, '9')) return false;
  const limit = Math.max(1, Math.floor(0.3 * Math.max(a.length, b.length)));
  return Math.abs(a.length - b.length) <= limit && editDistance(a, b, !short) <= limit;
}

/** The letters and digits of a value, case folded: the key that spelling variants share. */
export function foldKey(v: string): string {
  return v.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

interface Folded extends ValueCount {
  variants: ValueCount[];
}

/**
 * Spellings of one value folded onto its most frequent spelling, when that one dominates
 * (FOLD_RATIO); the counts add up. Works on the column's top values (a few dozen), not on rows.
 */
function foldSpellings(top: ValueCount[], foldRatio: number, keyOf: (v: string) => string | undefined = foldKey): Folded[] {
  const groups = new Map<string, ValueCount[]>();
  const alone: ValueCount[] = [];
  for (const x of top) {
    const k = keyOf(x.value);
    if (k === undefined) { alone.push(x); continue; }
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  const out: Folded[] = alone.map((x) => ({ ...x, variants: [] }));
  for (const [k, members] of groups) {
    const sorted = [...members].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    const [head, ...rest] = sorted;
    // An empty key (punctuation only) or a rival spelling keeps every spelling apart.
    const foldable = k !== '' && rest.every((x) => head.count >= foldRatio * x.count);
    if (!foldable) { for (const x of sorted) out.push({ ...x, variants: [] }); continue; }
    out.push({ value: head.value, count: sorted.reduce((n, x) => n + x.count, 0), variants: rest });
  }
  return out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

/** Spelling variants folded first, then names of one reference entity ('USA' onto 'US'). */
function foldValues(top: ValueCount[], entityOf: EntityOf | undefined, foldRatio: number): Folded[] {
  const spelled = foldSpellings(top, foldRatio);
  if (!entityOf) return spelled;
  const byValue = new Map(spelled.map((f) => [f.value, f]));
  return foldSpellings(spelled.map(({ value, count }) => ({ value, count })), foldRatio, entityOf).map((f) => ({
    ...f,
    // the variants of the canonical spelling, and every folded entity spelling with its own variants
    variants: [...(byValue.get(f.value)?.variants ?? []), ...f.variants.flatMap((x) => [x, ...(byValue.get(x.value)?.variants ?? [])])],
  }));
}

/**
 * A flag column written in one vocabulary ('yes'/'no') whose minority writes it in another
 * ('True', 'Y', '1'): systems that export a flag each have their own words for it. When the two
 * most frequent values are the true and the false of one vocabulary and hold the dominant share,
 * every other boolean word is a spelling of the member with the same truth value (a map repair's
 * evidence), not a member. A column whose own values include a third, non-flag value keeps it.
 */
function foldBooleanWords(folded: Folded[], nonEmpty: number, dominantShare: number): Folded[] {
  const [a, b] = folded;
  if (!a || !b) return folded;
  if (!isBooleanPair(foldKey(a.value), foldKey(b.value)) || a.count + b.count < dominantShare * nonEmpty) return folded;
  const heads = new Map([[truthOf(foldKey(a.value))!, { ...a, variants: [...a.variants] }], [truthOf(foldKey(b.value))!, { ...b, variants: [...b.variants] }]]);
  const rest: Folded[] = [];
  for (const x of folded.slice(2)) {
    const truth = truthOf(foldKey(x.value));
    const head = truth === undefined ? undefined : heads.get(truth);
    if (!head) { rest.push(x); continue; }
    head.count += x.count;
    head.variants.push({ value: x.value, count: x.count - x.variants.reduce((n, y) => n + y.count, 0) }, ...x.variants);
  }
  return [...heads.values(), ...rest].sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1));
}

/**
 * A closed value set for a low-cardinality text column: its canonical spellings that occur at
 * least twice, when they are few (at most 20, at most 5% of the rows) and cover the agreement
 * share of the values. Spelling variants (case, spaces, punctuation) count for their canonical
 * spelling and are not members: they are the dirt a map repair folds back. Left out too are values
 * seen once and values that look like a misspelling of a value at least TYPO_RATIO times as
 * frequent ('acute care hospitaxs' beside 'acute care hospitals').
 */
function enumFor(s: ColumnBasics, v: ColumnValues, th: ProfileThresholds, entityOf?: EntityOf): { values: string[]; excluded: string[]; variants: { value: string; canonical: string; count: number }[] } | undefined {
  const nonEmpty = s.rows - s.empties;
  if (nonEmpty === 0 || v.top.length === 0) return undefined;
  // Repeated values beyond the top list: far too many for a value set.
  if (v.top.filter((x) => x.count >= 2).length < v.repeatedDistinct) return undefined;
  const folded = foldBooleanWords(foldValues(v.top, entityOf, th.foldRatio), nonEmpty, th.dominantShare);
  const repeated = folded.filter((x) => x.count >= 2);
  if (repeated.length === 0) return undefined;
  const ratio = (x: ValueCount) => (x.value.length <= SHORT ? SHORT_TYPO_RATIO : TYPO_RATIO);
  const typo = (x: ValueCount) => repeated.some((w) => w.count >= ratio(x) * x.count && similar(x.value, w.value));
  const kept = repeated.filter((x) => !typo(x));
  if (kept.length > ENUM_MAX_VALUES || kept.length > ENUM_MAX_RATIO * nonEmpty) return undefined;
  // Long texts are no codes, and the contract form takes members of up to 500 characters (main/api/contract.ts).
  if (kept.some((x) => x.value.length > 500)) return undefined;
  // Folded spellings are NOT_IN_SET violations: the members' own spellings must hold the dominant share.
  if (kept.reduce((n, x) => n + x.count - x.variants.reduce((m, y) => m + y.count, 0), 0) < th.dominantShare * nonEmpty) return undefined;
  const variants = kept.flatMap((k) => k.variants.map((x) => ({ value: x.value, canonical: k.value, count: x.count })));
  return { values: kept.map((x) => x.value).sort(), excluded: repeated.filter(typo).map((x) => x.value), variants };
}

/**
 * The gaps written in the column's own way of writing "no value": its most common spelling of it
 * (a blank, or one token as written). An export writes its optional gaps one way; the same
 * column with a few blanks, a few 'N/A', 'n/a', 'NULL', 'none', '-' and '?', each too rare to be
 * a convention, has values lost on the way, like any other dirt. So a column is required when it
 * has a value on the required share of rows, the gaps in that one spelling counted as no value,
 * the gaps in the other spellings as the suspected errors. (In a text column a token is a value:
 * only blanks count.)
 */
export function conventionalGaps(b: ColumnBasics, typed: boolean): number {
  return typed ? Math.max(b.empties, b.largestToken) : b.empties;
}

/**
 * The column's proposal from its summaries, before the table-level decisions (keys) and the
 * checks over every row (typedSummary, pattern coverage). `asText` forces the string path, for a
 * type the sample suggested but the whole table does not bear out.
 */
export function inferColumn(
  b: ColumnBasics, e: TypeEvidence, v: ColumnValues, sh: ColumnShapes, asText = false, q?: QuantityEvidence, reference?: ReferenceTables,
  th: ProfileThresholds = PROFILE_DEFAULTS,
): ColumnProfile {
  const t: ReturnType<typeof pickType> = asText ? { type: 'string' } : pickType(e, q, th);
  // Missing tokens only mean "no value" where they cannot be a value: in typed columns.
  const typed = t.type !== 'string';
  const profile: ColumnProfile = {
    name: b.name,
    inferredType: t.type,
    format: t.format,
    ...(t.unit ? { unit: t.unit } : {}),
    ...(t.formatShare !== undefined ? { formatShare: t.formatShare, otherFormatValues: t.otherFormatValues } : {}),
    rows: b.rows,
    nullCount: b.empties,
    missingTokens: typed ? b.tokenValues : [],
    missingTokenCount: typed ? b.tokens : 0,
    gapSpellings: (b.empties > 0 ? 1 : 0) + (typed ? b.tokenValues.length : 0),
    distinctCount: b.distinct,
    typeShare: 1,
    topValues: v.top.slice(0, 10),
    shapes: sh.top.slice(0, 10).map((x) => ({ shape: shapeText(x.runs), count: x.count })),
    shapeCount: sh.shapeCount,
    minLength: b.minLength,
    maxLength: b.maxLength,
    candidateKey: b.rows >= 2 && b.empties === 0 && b.distinct === b.rows,
    required: b.rows > 0 && b.rows - conventionalGaps(b, typed) >= th.requiredShare * b.rows,
    unique: false,
    primaryKey: false,
    pii: piiHint(b.name, e, t.type),
    description: t.code ? 'digits kept as text (a code: leading zeros and width matter)'
      : t.unit ? unitDescription(t.unit) : undefined,
  };
  if (!typed) {
    // In a column of codes or words, 'N/A' and 'null' are no value, never members of its set.
    const tokens = new Set(b.tokenValues);
    const repeatedTokens = v.top.filter((x) => tokens.has(x.value) && x.count >= 2).length;
    const top = v.top.filter((x) => !tokens.has(x.value));
    const entityOf = entityOfColumn(top, b.rows - b.empties - b.tokens, reference, th.dominantShare);
    const en = enumFor(b, { ...v, top, repeatedDistinct: v.repeatedDistinct - repeatedTokens }, th, entityOf);
    if (en) {
      profile.enum = en.values;
      if (en.excluded.length) profile.enumExcluded = en.excluded;
      if (en.variants.length) profile.enumVariants = en.variants;
    } else {
      profile.pattern = profile.pii === 'email' && e.emails >= th.dominantShare * e.present
        ? EMAIL_PATTERN
        : patternFromShapes(sh.top, sh.total, th.agreement, th.dominantShare, th.minShapeShare);
    }
    // They are not declared as missing tokens, though: in a text column 'N/A' may stand where a
    // value was lost, and read as no value it would leave quarantine as an empty cell. Outside the
    // set or the pattern, it waits in quarantine for the analyst.
  }
  return profile;
}

/**
 * Records what the whole table says about a typed column; false when too few values are valid
 * for the type (the sample misled), and the column must be proposed as text instead.
 */
export function applyTypedSummary(c: ColumnProfile, s: TypedSummary, th: ProfileThresholds = PROFILE_DEFAULTS): boolean {
  c.typeShare = s.present ? s.valid / s.present : 1;
  // Amounts written with the column's unit are numbers the validator reads once the unit is
  // stripped, and dates in another known format are dates once reformatted (the number and date
  // repairs do that): they count for the type, not against it. (Counted on the sample when the
  // table is sampled, hence the clamp.)
  const withUnit = s.present ? Math.min(1, (s.valid + (c.unit?.values ?? 0) + (c.otherFormatValues ?? 0)) / s.present) : 1;
  if (withUnit < th.dominantShare) return false;
  // What the analyst reads as the type's share: values that are of the type once read as the
  // repairs will read them.
  c.typeShare = withUnit;
  if (s.min !== null && s.max !== null && c.inferredType !== 'boolean') {
    c.min = s.min;
    c.max = s.max;
    // Observed ranges go into the description, not minimum/maximum: a bound read off one file
    // would quarantine the first valid value outside it.
    c.description = [c.unit ? unitDescription(c.unit) : '', `observed ${s.min} to ${s.max}`].filter(Boolean).join('; ');
  }
  return true;
}

/** How a number column with a unit is described: the unit, and that values are bare numbers. */
function unitDescription(u: NonNullable<ColumnProfile['unit']>): string {
  const what = u.group === '%' ? 'a percent sign' : u.group === 'currency' ? 'a currency mark' : /^[A-Z]{3}$/.test(u.group) ? `the currency ${u.group}` : `the unit ${u.group}`;
  return `a bare number; ${u.values} value(s) carry ${what} (${u.spellings.map((x) => `'${x}'`).join(', ')})`;
}
