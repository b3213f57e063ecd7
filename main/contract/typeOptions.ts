// A property's `logicalTypeOptions`, read and checked when the contract loads. Every key the
// engine acts on is checked here so that a bad value is the contract's error (file, line, key,
// exit 2), never an internal error in the middle of a run (defect C7). Keys the engine does not
// act on (minItems, timezone, ...) are kept in the YAML and ignored. Regular expressions are
// compiled by DuckDB itself in duckdbChecks.ts (the loader here has no database).
import type { ColumnSpec } from './types.js';
import type { Json, Locator } from './load.js';
import { FormatError, readDateFormat } from './dateFormat.js';

type Path = (string | number)[];
const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,9})?)?$/;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,9})?)?$/;

function realDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month (leap year 2000)
  if (d > days) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

/** The bound as the engine compares it, or a sentence saying what it must be. */
function readBound(col: ColumnSpec, v: Json): number | string | { error: string } {
  switch (col.logicalType) {
    case 'integer':
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isFinite(n) ? n : { error: 'must be a finite number' };
    }
    case 'date':
      return typeof v === 'string' && realDate(v) ? v : { error: 'must be a date written yyyy-MM-dd (e.g. 2024-01-31), in quotes' };
    case 'timestamp': {
      const m = typeof v === 'string' ? ISO_TIMESTAMP.exec(v) : null;
      return m && realDate(m[1]) ? v as string : { error: "must be a timestamp written yyyy-MM-dd'T'HH:mm:ss, in quotes" };
    }
    case 'time':
      return typeof v === 'string' && ISO_TIME.test(v) ? v : { error: 'must be a time written HH:mm:ss, in quotes' };
    default:
      return { error: `applies to integer, number, date, timestamp and time columns, not ${col.logicalType}` };
  }
}

/**
 * A quick check without a database, so that a form or an editor can say at once what is wrong;
 * DuckDB (RE2) has the last word before a run (duckdbChecks.ts). RE2 refuses look-arounds and
 * back-references; JavaScript reads the rest of RE2's syntax once inline flags and Python-style
 * group names are rewritten.
 */
export function regexProblem(p: string): string | undefined {
  if (/(^|[^\\])\(\?<?[=!]/.test(p)) return 'look-arounds ((?=, (?!, (?<=, (?<!) are not supported by RE2';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(p)) return 'back-references (\\1) are not supported by RE2';
  try {
    new RegExp(p.replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:').replace(/\(\?P</g, '(?<'));
  } catch (e) {
    return String((e as Error).message).replace(/^Invalid regular expression: /, '');
  }
  return undefined;
}

export function readTypeOptions(col: ColumnSpec, opts: Record<string, Json>, path: Path, at: Locator): void {
  if (opts.pattern !== undefined) {
    if (typeof opts.pattern !== 'string' || opts.pattern === '') at.fail([...path, 'pattern'], 'pattern must be a non-empty string (a regular expression, in quotes)');
    const problem = regexProblem(opts.pattern as string);
    if (problem) at.fail([...path, 'pattern'], `pattern ${JSON.stringify(opts.pattern)} is not a valid regular expression: ${problem}`);
    col.pattern = opts.pattern as string;
  }
  if (opts.format !== undefined) {
    if (typeof opts.format !== 'string') at.fail([...path, 'format'], "format must be a string such as yyyy-MM-dd or '%Y-%m-%d', in quotes");
    const t = col.logicalType;
    if (t !== 'date' && t !== 'timestamp' && t !== 'time') at.fail([...path, 'format'], `format applies to date, timestamp and time columns, not ${t}`);
    try {
      const f = readDateFormat(opts.format as string, t as 'date' | 'timestamp' | 'time');
      col.format = f.strptime;
      if (f.strptime !== f.source) col.formatSource = f.source;
      if (f.zuluAtEnd) col.formatZulu = true;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      at.fail([...path, 'format'], e.message);
    }
  }
  // ODCS (JSON Schema draft 4 style) also allows exclusiveMinimum/Maximum: true, meaning the
  // minimum/maximum itself is exclusive.
  for (const k of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (typeof opts[k] !== 'boolean') continue;
    const base = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
    if (opts[k] === true) {
      if (opts[base] === undefined) at.fail([...path, k], `${k}: true needs a ${base}`);
      opts = { ...opts, [k]: opts[base], [base]: undefined as unknown as Json };
    } else {
      opts = { ...opts, [k]: undefined as unknown as Json };
    }
  }
  for (const k of BOUNDS) {
    const v = opts[k];
    if (v === undefined || v === null) continue;
    const b = readBound(col, v);
    if (typeof b === 'object') at.fail([...path, k], `${k} ${JSON.stringify(v)} ${b.error}`);
    col[k] = b as number | string;
  }
  const lo = col.minimum ?? col.exclusiveMinimum, hi = col.maximum ?? col.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined && (typeof lo === 'number' ? lo > (hi as number) : String(lo) > String(hi))) {
    at.fail([...path, col.maximum !== undefined ? 'maximum' : 'exclusiveMaximum'], `the upper bound ${JSON.stringify(hi)} is below the lower bound ${JSON.stringify(lo)}: no value could pass`);
  }
  for (const k of ['minLength', 'maxLength'] as const) {
    const v = opts[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) at.fail([...path, k], `${k} must be a whole number, 0 or more`);
    col[k] = v as number;
  }
  if (col.minLength !== undefined && col.maxLength !== undefined && col.minLength > col.maxLength) {
    at.fail([...path, 'maxLength'], `maxLength ${col.maxLength} is below minLength ${col.minLength}: no value could pass`);
  }
}
