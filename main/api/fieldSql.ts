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

/** The value as a finite number, or NULL (DuckDB's cast takes surrounding blanks; 'inf' is not a number here). */
export function numberSql(col: string): string {
  const x = `try_cast(${col} AS DOUBLE)`;
  return `CASE WHEN isfinite(${x}) THEN ${x} END`;
}

/** A JS number as an exact DuckDB DOUBLE (a bare literal like 0.1 would be read as a DECIMAL). */
export function doubleSql(x: number): string {
  return `CAST(${sqlString(String(x))} AS DOUBLE)`;
}

/** The bucket (0..9) of a number between min and max; the largest number falls in the last. */
export function bucketSql(num: string, min: number, max: number): string {
  if (max <= min) return '0';
  return `least(floor((${num} - ${doubleSql(min)}) / (${doubleSql(max)} - ${doubleSql(min)}) * ${NUMBER_BUCKETS})::INTEGER, ${NUMBER_BUCKETS - 1})`;
}

/** The year of a value read as a date, or NULL. */
export function yearSql(col: string): string {
  const formats = `[${DATE_FORMATS.map(sqlString).join(', ')}]`;
  return `year(coalesce(try_cast(${col} AS DATE), try_cast(try_strptime(${col}, ${formats}) AS DATE)))`;
}
