// Strategy 4: North American phone numbers written with punctuation, spaces or a +1/1 country
// code, rewritten to the layout the contract's pattern (or the valid sample) uses. Values with
// letters (an 'x' typo, an extension) or a foreign country code are left alone.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { SYSTEMATIC_FLOOR, colRef, distinctStrings, fullMatches, jsStrip, sqlStrip } from './common.js';

const STRATEGY = 'phone';

interface Layout {
  name: string;
  js: (n: string) => string;
  sql: (n: string) => string;
}

const part = (n: string, from: number, len: number) => `substr(${n}, ${from}, ${len})`;

const LAYOUTS: Layout[] = [
  { name: '##########', js: (n) => n, sql: (n) => n },
  { name: '(###) ###-####', js: (n) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`, sql: (n) => `'(' || ${part(n, 1, 3)} || ') ' || ${part(n, 4, 3)} || '-' || ${part(n, 7, 4)}` },
  { name: '###-###-####', js: (n) => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`, sql: (n) => `${part(n, 1, 3)} || '-' || ${part(n, 4, 3)} || '-' || ${part(n, 7, 4)}` },
  { name: '###.###.####', js: (n) => `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`, sql: (n) => `${part(n, 1, 3)} || '.' || ${part(n, 4, 3)} || '.' || ${part(n, 7, 4)}` },
  { name: '### ### ####', js: (n) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`, sql: (n) => `${part(n, 1, 3)} || ' ' || ${part(n, 4, 3)} || ' ' || ${part(n, 7, 4)}` },
  { name: '+1##########', js: (n) => `+1${n}`, sql: (n) => `'+1' || ${n}` },
  { name: '+1 ###-###-####', js: (n) => `+1 ${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`, sql: (n) => `'+1 ' || ${part(n, 1, 3)} || '-' || ${part(n, 4, 3)} || '-' || ${part(n, 7, 4)}` },
  { name: '+1 (###) ###-####', js: (n) => `+1 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`, sql: (n) => `'+1 (' || ${part(n, 1, 3)} || ') ' || ${part(n, 4, 3)} || '-' || ${part(n, 7, 4)}` },
  { name: '1##########', js: (n) => `1${n}`, sql: (n) => `'1' || ${n}` },
];

const PROBES = ['2025550143', '9876543210'];
const ALLOWED_SQL = '[0-9 ().+/-]+';

function looksLikePhoneColumn(input: SynthInput): boolean {
  return input.column.pii === 'phone' || /phone|tel|mobile|fax|cell/i.test(input.column.name);
}

/** Layout of a written number, if it is one of ours. */
function layoutOf(v: string): Layout | undefined {
  const digits = v.replace(/[^0-9]/g, '');
  const n = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return n.length === 10 ? LAYOUTS.find((l) => l.js(n) === v) : undefined;
}

async function chooseLayout(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Layout | null> {
  const valid = distinctStrings(ctx.validSample).map(jsStrip);
  const votes = new Map<Layout, number>();
  for (const v of valid) {
    const l = layoutOf(v);
    if (l) votes.set(l, (votes.get(l) ?? 0) + 1);
  }
  const byVotes = (ls: Layout[]) => [...ls].sort((a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0));
  const pattern = input.column.pattern;
  if (pattern) {
    // The layouts whose writing of two probe numbers the pattern accepts, asked of DuckDB.
    const ok = await fullMatches(conn, pattern, LAYOUTS.flatMap((l) => PROBES.map((p) => l.js(p))));
    const fits = LAYOUTS.filter((_, i) => PROBES.every((_p, j) => ok[i * PROBES.length + j]));
    return byVotes(fits)[0] ?? null; // the sample's favourite among those the pattern accepts, else the first
  }
  const [top] = byVotes(LAYOUTS);
  const total = [...votes.values()].reduce((a, b) => a + b, 0);
  return top && total >= 3 && (votes.get(top) ?? 0) >= 0.6 * valid.length ? top : null;
}

export async function phone(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  if (input.column.logicalType !== 'string' || !looksLikePhoneColumn(input)) return [];
  const layout = await chooseLayout(conn, input, ctx);
  if (!layout) return [];
  const col = colRef(input);
  const s = sqlStrip(col);
  const digits = `regexp_replace(${s}, '[^0-9]', '', 'g')`;
  const national = `regexp_extract(${digits}, '^1?([0-9]{10})$', 1)`;
  // A '+' is a country code: only +1 is ours (+44 20 7946 0958 must not become a US number).
  const guard = `regexp_full_match(${s}, ${sqlString(ALLOWED_SQL)}) AND length(${national}) = 10`
    + ` AND (NOT regexp_full_match(${s}, '.*[+].*') OR regexp_full_match(${digits}, '1[0-9]{10}'))`;
  return [{
    op: { kind: 'expression', set: { [input.column.name]: `CASE WHEN ${guard} THEN ${layout.sql(national)} ELSE ${col} END` } },
    base: 0.95,
    floor: SYSTEMATIC_FLOOR,
    strategy: STRATEGY,
    patternType: 'phone',
    reasoning: (ex) => `Phone numbers written with punctuation or a country code (${ex}); the rule keeps the 10 digits and writes them as ${layout.name}.`,
  }];
}
