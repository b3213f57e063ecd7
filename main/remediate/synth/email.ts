// Strategy 5: e-mail addresses written to dodge scrapers or pasted with decoration
// ('john at example dot com', 'john (at) example (dot) com', 'john[at]example[dot]com',
// 'mailto:john@x.com', 'John <john@x.com>', 'john@x.com.', ' john@x.com ') rewritten to the plain
// address, as one expression. The domain is always lower-cased (it is case-insensitive); the
// local part only when the pattern or the valid sample says addresses are lower-case. The
// expression writes a result only when it is one plain address the contract's pattern accepts,
// both tested in DuckDB (RE2), so any pattern validation can run works here too.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, fullMatches, sqlStrip } from './common.js';

const STRATEGY = 'email';

// Each step is one regexp_replace (RE2).
const STEPS: Array<{ re: string; flags: string; to: string }> = [
  { re: '^mailto:\\s*', flags: 'i', to: '' },
  { re: '\\s*[\\[({]\\s*at\\s*[\\])}]\\s*|\\s+at\\s+|\\s*@\\s*', flags: 'gi', to: '@' },
  { re: '\\s*[\\[({]\\s*dot\\s*[\\])}]\\s*|\\s+dot\\s+', flags: 'gi', to: '.' },
  { re: '\\.+$', flags: '', to: '' },
];
/** The text between angle brackets, when the value is 'Name <address>' or '<address>'. */
const ANGLE = '<\\s*([^<>\\s]+)\\s*>';
const EMAIL = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";

function looksLikeEmailColumn(input: SynthInput): boolean {
  const c = input.column;
  return c.pii === 'email' || /e-?mail/i.test(c.name) || (c.pattern ?? '').includes('@');
}

/** Lower-case the local part too? When the pattern refuses capitals or valid addresses never use them. */
async function wantsLowercase(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<boolean> {
  const p = input.column.pattern;
  if (p) {
    const [lower, upper] = await fullMatches(conn, p, ['john.doe@example.com', 'John.Doe@example.com']);
    if (lower && !upper) return true;
  }
  const valid = distinctStrings(ctx.validSample).filter((v) => v.includes('@'));
  return valid.length >= 5 && valid.every((v) => v === v.toLowerCase());
}

/** The SQL: the plain address, or '' when the result is not one address. */
function addressSql(col: string, lower: boolean): string {
  let x = sqlStrip(col);
  x = `coalesce(nullif(regexp_extract(${x}, ${sqlString(ANGLE)}, 1), ''), ${x})`;
  for (const s of STEPS) x = `regexp_replace(${x}, ${sqlString(s.re)}, ${sqlString(s.to)}${s.flags ? `, '${s.flags}'` : ''})`;
  // One plain address (a single '@'), else '' (regexp_extract yields '' on no match).
  const one = `regexp_extract(${x}, ${sqlString(`^(?:${EMAIL})$`)}, 0)`;
  return lower ? `lower(${one})` : `split_part(${one}, '@', 1) || '@' || lower(split_part(${one}, '@', 2))`;
}

export async function email(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  if (input.column.logicalType !== 'string' || !looksLikeEmailColumn(input)) return [];
  const lower = await wantsLowercase(conn, input, ctx);
  const pattern = input.column.pattern;
  const col = colRef(input);
  let r = addressSql(col, lower);
  // The contract's own pattern, run by DuckDB: a result it refuses becomes '' and the value stays.
  if (pattern) r = `regexp_extract(${r}, ${sqlString(`^(?:${pattern})$`)}, 0)`;
  return [{
    op: { kind: 'expression', set: { [input.column.name]: `coalesce(nullif(nullif(${r}, ''), '@'), ${col})` } },
    base: 0.95,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'email',
    reasoning: (ex) => `E-mail addresses are disguised or decorated (${ex}); the rule writes the plain address${lower ? ' in lower case' : ''}.`,
  }];
}
