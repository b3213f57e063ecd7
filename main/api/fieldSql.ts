// The SQL readings of one column's text that the quarantine's value, shape, number and date
// facets count by and their picks filter on. Counting and filtering share these expressions, so
// a bucket's or a year's count is exactly the grid's total once it is picked.
import { sqlString } from '../store/duckdb.js';
import { shapeRunsSql } from '../contract/profileStats.js';

/** The number of buckets the number facet draws between the smallest and largest number. */
export const NUMBER_BUCKETS = 10;

/** Day/month/year forms read as dates besides ISO (what try_cast takes); day first wins a tie. */
const DATE_FORMATS = ['%d/%m/%Y', '%m/%d/%Y', '%Y/%m/%d', '%d.%m.%Y', '%d-%m-%Y', '%Y%m%d'];

/** The shape of a value as text: runs of a class as `9{5}`, other characters as themselves; '' for empty. */
export function shapeSql(col: string): string {
  return `array_to_string(list_transform(${shapeRunsSql(`coalesce(${col}, '')`)},
    r -> CASE WHEN r[1] = '=' THEN r[2:] ELSE r[1] || '{' || r[2:] || '}' END), '')`;
}

/**
 * A plain decimal number with an optional exponent, blanks around it allowed. DuckDB's cast alone
 * also takes digit separators ('1_000' as 1000), which no analyst's cell means.
 */
const PLAIN_NUMBER = '^\\s*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?\\s*$';

/** The value as a finite number, or NULL ('NaN', 'inf' and '1e309', which overflows, are not numbers here). */
export function numberSql(col: string): string {
  const x = `try_cast(${col} AS DOUBLE)`;
  return `CASE WHEN regexp_matches(${col}, ${sqlString(PLAIN_NUMBER)}) AND isfinite(${x}) THEN ${x} END`;
}

/** A JS number as an exact DuckDB DOUBLE (a bare literal like 0.1 would be read as a DECIMAL). */
export function doubleSql(x: number): string {
  return `CAST(${sqlString(String(x))} AS DOUBLE)`;
}

/**
 * The bucket (0..9) of a number between min and max; the largest number falls in the last. The
 * ends are halved before they are subtracted: max - min overflows to infinity when the numbers
 * span most of the double range (-1e308 .. 1e308), and the halves' difference never does.
 */
export function bucketSql(num: string, min: number, max: number): string {
  if (max <= min) return '0';
  const [lo, hi] = [doubleSql(min / 2), doubleSql(max / 2)];
  return `least(floor((${num} / 2 - ${lo}) / (${hi} - ${lo}) * ${NUMBER_BUCKETS})::INTEGER, ${NUMBER_BUCKETS - 1})`;
}

/** Bucket b's lower end, as the bucket SQL draws it (halves again, so the width is finite). */
export function bucketFrom(min: number, max: number, b: number): number {
  return b === 0 ? min : 2 * (min / 2 + ((max / 2 - min / 2) / NUMBER_BUCKETS) * b);
}

/**
 * The year of a value read as a date, or NULL. Only years 1 to 9999 count: DuckDB reads
 * '99999-01-01' and '-2024-01-01' as dates, but a calendar year of five digits, zero or below is
 * a typo in a cell, and the year a pick sends is checked against four digits.
 */
export function yearSql(col: string): string {
  const formats = `[${DATE_FORMATS.map(sqlString).join(', ')}]`;
  const y = `year(coalesce(try_cast(${col} AS DATE), try_cast(try_strptime(${col}, ${formats}) AS DATE)))`;
  return `(CASE WHEN ${y} BETWEEN 1 AND 9999 THEN ${y} END)`;
}
