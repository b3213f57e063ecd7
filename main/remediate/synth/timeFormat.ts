// Strategy: times of day written in another common form ('4:50 PM', '0215', '07:10:00', '7:05',
// '14h20') in a text column whose valid values are times in one form (the contract's pattern
// says which shape passes; the column's own valid values say which form is the convention). Each
// reading is parsed by DuckDB's try_strptime and written in the convention's format. A reading
// that would lose information is not made: seconds are dropped only when they are ':00', and a
// value no reading parses stays as it is (the judge then counts it as not repaired).
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, jsStrip, sqlStrip } from './common.js';

const STRATEGY = 'time-format';

/** A form the column's valid values may be written in: how to recognise it, and strftime's format. */
interface Convention { re: RegExp; format: string; seconds: boolean }

const CONVENTIONS: Convention[] = [
  { re: /^([01]\d|2[0-3]):[0-5]\d$/, format: '%H:%M', seconds: false },
  { re: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, format: '%H:%M:%S', seconds: true },
  { re: /^(0[1-9]|1[0-2]):[0-5]\d [AP]M$/, format: '%I:%M %p', seconds: false },
];

/** Least share of the column's valid sample (by rows) written in one convention. */
const CONVENTION_SHARE = 0.9;
/** Least valid rows before the sample says what the convention is. */
const MIN_SAMPLE_ROWS = 10;

/**
 * One reading of a time of day: a RE2 pattern over the stripped value (case-insensitive), the
 * replacement that normalises it, and the strptime format that parses the result. Readings with
 * seconds other than ':00' are only made when the convention keeps seconds. A 24-hour reading
 * has `in12h`, its pattern where the convention is a 12-hour clock: there a time without AM/PM
 * may have been written on a 12-hour clock ('7:05' may be evening), so only an hour no 12-hour
 * clock shows (0, 13 to 23) says which half of the day it is.
 */
interface Reading { re: string; to: string; strptime: string; keepsSecondsOnly?: boolean; in12h?: string }

const AMPM = '([AaPp])\\.? ?[Mm]\\.?';
const READINGS: Reading[] = [
  // 12-hour clock: '4:50 PM', '4.50pm', '04:50 p.m.', '11 pm'
  { re: `^(0?[1-9]|1[0-2])[:.]([0-5][0-9]) ?${AMPM}$`, to: '\\1:\\2 \\3M', strptime: '%I:%M %p' },
  { re: `^(0?[1-9]|1[0-2]) ?${AMPM}$`, to: '\\1:00 \\2M', strptime: '%I:%M %p' },
  { re: `^(0?[1-9]|1[0-2]):([0-5][0-9]):00 ?${AMPM}$`, to: '\\1:\\2 \\3M', strptime: '%I:%M %p' },
  // 24-hour clock with seconds: '07:10:00' (any seconds only where the convention keeps them)
  { re: '^([01]?[0-9]|2[0-3]):([0-5][0-9]):00$', to: '\\1:\\2:00', strptime: '%H:%M:%S', in12h: '^(0?0|1[3-9]|2[0-3]):([0-5][0-9]):00$' },
  { re: '^([01]?[0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])$', to: '\\1:\\2:\\3', strptime: '%H:%M:%S', keepsSecondsOnly: true,
    in12h: '^(0?0|1[3-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])$' },
  // 24-hour clock, other separators or no leading zero: '7:05', '14h20', '14.20', '14H20'
  { re: '^([01]?[0-9]|2[0-3])[:hH.]([0-5][0-9])$', to: '\\1:\\2', strptime: '%H:%M', in12h: '^(0?0|1[3-9]|2[0-3])[:hH.]([0-5][0-9])$' },
  // 24-hour clock, four digits: '0215', '2300'
  { re: '^([01][0-9]|2[0-3])([0-5][0-9])$', to: '\\1:\\2', strptime: '%H:%M', in12h: '^(00|1[3-9]|2[0-3])([0-5][0-9])$' },
];

/** The convention most of the column's valid rows are written in, or null. */
function conventionOf(ctx: SynthContext): Convention | null {
  let total = 0;
  const rows = new Map<Convention, number>();
  for (const v of ctx.validSample) {
    if (v.value === null) continue;
    total += v.count;
    const c = CONVENTIONS.find((x) => x.re.test(jsStrip(v.value!)));
    if (c) rows.set(c, (rows.get(c) ?? 0) + v.count);
  }
  if (total < MIN_SAMPLE_ROWS) return null;
  for (const [c, n] of rows) if (n >= CONVENTION_SHARE * total) return c;
  return null;
}

export async function timeFormat(_conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  const { column } = input;
  // Only a text column the contract constrains by pattern: the judge's check is what proves a
  // rewritten value; a free text column has none.
  if (column.logicalType !== 'string' || !column.pattern) return [];
  const convention = conventionOf(ctx);
  if (!convention) return [];
  const twelve = convention.format.includes('%p');
  const readings = READINGS.filter((r) => !r.keepsSecondsOnly || convention.seconds)
    .map((r) => (twelve && r.in12h ? { ...r, re: r.in12h } : r));
  const stripped = distinctStrings(input.values).map(jsStrip);
  const used = readings.filter((r) => stripped.some((s) => new RegExp(r.re, 'i').test(s) && !convention.re.test(s)));
  if (!used.length) return [];
  const col = colRef(input);
  const s = sqlStrip(col);
  // The first reading whose shape matches decides; a value none parses keeps its raw text.
  const arms = used.map((r) => `WHEN regexp_full_match(${s}, ${sqlString(r.re)}, 'i')
    THEN strftime(try_strptime(upper(regexp_replace(${s}, ${sqlString(r.re)}, ${sqlString(r.to)}, 'i')), ${sqlString(r.strptime)}), ${sqlString(convention.format)})`);
  const expr = `coalesce(CASE ${arms.join(' ')} END, ${col})`;
  return [{
    op: { kind: 'expression', set: { [column.name]: expr } },
    base: 0.95,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'time-format',
    reasoning: (ex) => `Times of day written in another form (${ex}); the rule re-writes them as ${convention.format}, the form the column's valid values use.`,
  }];
}
