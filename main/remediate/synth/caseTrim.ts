// Strategy 1: the value is right but for surrounding/doubled whitespace or letter case
// (' Yes ' → 'yes' for enum [yes, no]; 'ca' → 'CA' for pattern [A-Z]{2}). Against a closed set
// it writes a value map keyed on the folded value (case and spacing aside); otherwise one trim
// or case expression, guarded by the column's pattern in SQL.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../store/duckdb.js';
import type { MapEntry } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR, SYSTEMATIC_FLOOR, colRef, jsSquish, sqlSquish, sqlStrip } from './common.js';

const STRATEGY = 'case-trim';

interface Transform {
  kind: 'whitespace' | 'case';
  sql: (col: string) => string;
  says: string;
}

// Least invasive first: a tie in confidence goes to the earlier one.
const TRANSFORMS: Transform[] = [
  { kind: 'whitespace', sql: sqlStrip, says: 'strips surrounding whitespace' },
  { kind: 'whitespace', sql: sqlSquish, says: 'strips and collapses whitespace' },
  { kind: 'case', sql: (c) => `lower(${sqlStrip(c)})`, says: 'strips whitespace and lower-cases' },
  { kind: 'case', sql: (c) => `upper(${sqlStrip(c)})`, says: 'strips whitespace and upper-cases' },
  { kind: 'case', sql: (c) => `lower(${sqlSquish(c)})`, says: 'collapses whitespace and lower-cases' },
  { kind: 'case', sql: (c) => `upper(${sqlSquish(c)})`, says: 'collapses whitespace and upper-cases' },
];

export async function caseTrim(_conn: DuckDBConnection, input: SynthInput, _ctx: SynthContext): Promise<Candidate[]> {
  const { column } = input;
  if (column.enum && column.enum.length) return toEnum(input);
  const applies = column.pattern !== undefined || column.maxLength !== undefined || column.minLength !== undefined
    || column.logicalType === 'integer' || column.logicalType === 'number';
  if (!applies) return [];
  // Case carries no meaning to fix unless a pattern dictates it.
  const transforms = column.pattern ? TRANSFORMS : TRANSFORMS.filter((t) => t.kind === 'whitespace');
  const col = colRef(input);
  return transforms.map((t): Candidate => ({
    op: {
      kind: 'expression',
      // With a pattern the rule only rewrites values whose result matches it.
      set: { [column.name]: column.pattern ? `CASE WHEN regexp_full_match(${t.sql(col)}, ${sqlString(column.pattern)}) THEN ${t.sql(col)} ELSE ${col} END` : t.sql(col) },
    },
    base: 0.97, floor: SYSTEMATIC_FLOOR, strategy: STRATEGY, patternType: t.kind,
    reasoning: (ex) => `Values fail only by ${t.kind === 'case' ? 'letter case or spacing' : 'spacing'} (${ex}); the rule ${t.says}.`,
  }));
}

/** Maps each value to the one enum member equal to it once spacing and case are ignored. */
function toEnum(input: SynthInput): Candidate[] {
  const members = input.column.enum ?? [];
  const byKey = new Map<string, string | null>();
  for (const m of members) {
    const k = jsSquish(m).toLowerCase();
    byKey.set(k, byKey.has(k) ? null : m); // two members equal up to case: ambiguous, never used
  }
  const entries: MapEntry[] = [];
  let caseChanged = false;
  for (const vc of input.values) {
    const v = vc.value;
    if (v === null) continue;
    const member = byKey.get(jsSquish(v).toLowerCase());
    if (!member || member === v) continue;
    entries.push({ from: v, to: member, count: vc.count });
    if (jsSquish(v) !== member) caseChanged = true;
  }
  if (!entries.length) return [];
  return [{
    op: { kind: 'map', column: input.column.name, match: 'folded', entries },
    base: 0.98,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: caseChanged ? 'case' : 'whitespace',
    reasoning: (ex) => `Values equal an allowed value once ${caseChanged ? 'case and spacing are' : 'spacing is'} ignored (${ex}); the rule rewrites them to the member.`,
  }];
}
