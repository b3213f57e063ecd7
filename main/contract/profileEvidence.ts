// The evidence behind every rule a profile proposes: the share of values it holds for and the
// values that break it, measured with the validator's own checks (singleValueChecks) over the
// value-count table, so "96.1% match" is exactly what validation will say. Each rule leaves the
// profiler unconfirmed; the analyst confirms it in the contract screen (or sets confirmed: true).
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/duckdb.js';
import { missingSql, singleValueChecks } from '../validate/compileViolations.js';
import type { FdProposal } from './profileFds.js';
import type { ColumnProfile } from './profileInfer.js';
import type { Contract, InferredRule } from './types.js';

const EXAMPLES = 5;
const EMPTY = `(v IS NULL OR trim(v) = '')`;

const pct = (x: number) => `${(100 * x).toFixed(x >= 0.999 && x < 1 ? 2 : 1)}%`;
const num = (n: number) => n.toLocaleString('en-US');
// Shortened by code points: a cut through a surrogate pair was written as '\ud83d' in the YAML.
const short = (x: string, max = 40) => { const cs = Array.from(x); return cs.length > max ? `${cs.slice(0, max).join('')}…` : x; };
// A counterexample is shown, not matched: a whole 12,000-character cell would not fit the contract form (10,000 a value).
const EXAMPLE_CHARS = 200;
const quoted = (xs: string[]) => xs.map((x) => `'${short(x)}'`).join(', ');

interface Tally {
  present: number;
  bad: number;
  examples: string[];
}

/**
 * The EXAMPLES most frequent values meeting `when` (ties by value), as a list: the same as
 * `list(v ORDER BY c DESC, v)[1:EXAMPLES]`, whose state would hold every such value (millions in a
 * column of ids) where this one keeps EXAMPLES.
 */
const topExamples = (when: string) => `arg_min(v, {'c': -c, 'v': v}, ${EXAMPLES}) FILTER (${when})`;

/** Per column and rule kind (TYPE_MISMATCH, PATTERN_MISMATCH, NOT_IN_SET, DUPLICATE), the values that break it. */
export async function tallies(conn: DuckDBConnection, vc: string, contract: Contract): Promise<Map<string, Tally>> {
  const parts: string[] = [];
  for (const spec of contract.columns) {
    const col = sqlString(spec.name);
    // Present as validation sees it: neither empty nor one of the column's missing tokens.
    const present = `NOT ${missingSql(spec, 'v')}`;
    for (const check of singleValueChecks(spec, 'v')) {
      if (!['TYPE_MISMATCH', 'PATTERN_MISMATCH', 'NOT_IN_SET'].includes(check.reason)) continue;
      parts.push(`SELECT ${col} AS col, ${sqlString(check.reason)} AS kind,
        coalesce(sum(c) FILTER (${present}), 0) AS present, coalesce(sum(c) FILTER (${check.when}), 0) AS bad,
        coalesce(${topExamples(check.when)}, []) AS examples
        FROM ${vc} WHERE col = ${col}`);
    }
    if (spec.unique || spec.primaryKey) {
      parts.push(`SELECT ${col} AS col, 'DUPLICATE' AS kind,
        coalesce(sum(c) FILTER (NOT ${EMPTY}), 0) AS present, coalesce(sum(c - 1) FILTER (NOT ${EMPTY} AND c > 1), 0) AS bad,
        coalesce(${topExamples(`NOT ${EMPTY} AND c > 1`)}, []) AS examples
        FROM ${vc} WHERE col = ${col}`);
    }
  }
  const out = new Map<string, Tally>();
  if (!parts.length) return out;
  const rows = await queryRows<{ col: string; kind: string; present: number; bad: number; examples: string[] }>(conn, parts.join('\nUNION ALL\n'));
  for (const r of rows) out.set(`${r.col}\u0000${r.kind}`, { present: Number(r.present), bad: Number(r.bad), examples: r.examples ?? [] });
  return out;
}

function rule(name: string, share: number, evidence: string, counterexamples: string[] = []): InferredRule {
  return { rule: name, share, evidence, counterexamples: counterexamples.map((x) => short(x, EXAMPLE_CHARS)), confirmed: false };
}

function breaks(t: Tally, what: string): string {
  if (t.bad === 0) return `all ${num(t.present)} values ${what}`;
  return `${pct((t.present - t.bad) / t.present)} of ${num(t.present)} values ${what}; ${num(t.bad)} do not: ${quoted(t.examples)}${t.bad > t.examples.length ? ', …' : ''}`;
}

/** The inferred rules of one column, from its profile and the tallies of the draft contract. */
function columnRules(p: ColumnProfile, spec: Contract['columns'][number], tally: (kind: string) => Tally | undefined): InferredRule[] {
  const out: InferredRule[] = [];
  const present = p.rows - p.nullCount - p.missingTokenCount;
  if (spec.logicalType !== 'string') {
    const t = tally('TYPE_MISMATCH') ?? { present, bad: 0, examples: [] };
    const what = `are ${spec.logicalType === 'integer' ? 'integers' : spec.logicalType === 'number' ? 'numbers' : `${spec.logicalType}s`}${spec.format ? ` in the format ${spec.format}` : ''}`;
    let text = breaks(t, what);
    // Values written with the unit break the type only until the unit is stripped: say so.
    if (p.unit) {
      const neither = Math.max(0, t.bad - p.unit.values);
      const unit = p.unit.group === '%' ? 'a percent sign' : p.unit.group === 'currency' ? 'a currency mark' : /^[A-Z]{3}$/.test(p.unit.group) ? `the currency ${p.unit.group}` : `the unit ${p.unit.group}`;
      text = `${num(t.present - t.bad)} of ${num(t.present)} values are bare numbers and ${num(p.unit.values)} are numbers written with ${unit} (${quoted(p.unit.spellings)}), which a repair strips; ${num(neither)} are neither${neither ? `: ${quoted(t.examples.filter((x) => !/[0-9]/.test(x)).slice(0, 3))}` : ''}`;
    }
    const share = t.present ? (t.present - t.bad + (p.unit?.values ?? 0)) / t.present : 1;
    out.push(rule(spec.format ? 'type and format' : 'type', Math.min(1, share), text, t.examples));
  }
  if (spec.pattern) {
    const t = tally('PATTERN_MISMATCH');
    if (t) out.push(rule('pattern', t.present ? (t.present - t.bad) / t.present : 1, breaks(t, `match ${spec.pattern}`), t.examples));
  }
  if (spec.enum) {
    const t = tally('NOT_IN_SET');
    if (t) {
      let text = breaks(t, `are one of the ${spec.enum.length} values`);
      const variants = p.enumVariants ?? [];
      if (variants.length) text += `. Spellings folded onto a member (a map repair, not members): ${variants.slice(0, 4).map((x) => `'${x.value}' → '${x.canonical}'`).join(', ')}${variants.length > 4 ? ', …' : ''}`;
      if (p.enumExcluded?.length) text += `. Left out as probable misspellings: ${quoted(p.enumExcluded.slice(0, 4))}`;
      out.push(rule('validValues', t.present ? (t.present - t.bad) / t.present : 1, text, t.examples));
    }
  }
  if (spec.required) {
    // Required holds from 98% of rows: the blanks and missing tokens left are its violations, not "all rows".
    const gaps = p.nullCount + p.missingTokenCount;
    const ways = p.gapSpellings > 1 ? `, written ${p.gapSpellings} ways (no one way of writing "no value" is the column's own: gaps lost on the way)` : '';
    out.push(rule('required', p.rows ? (p.rows - gaps) / p.rows : 1, gaps === 0 ? `all ${num(p.rows)} rows have a value`
      : `${pct((p.rows - gaps) / p.rows)} of ${num(p.rows)} rows have a value; ${num(gaps)} are empty or a missing token${ways}`));
  }
  if (spec.unique || spec.primaryKey) {
    const t = tally('DUPLICATE') ?? { present, bad: 0, examples: [] };
    const what = spec.primaryKey ? 'primaryKey' : 'unique';
    const text = t.bad === 0 ? `all ${num(t.present)} values are distinct`
      : `${pct((t.present - t.bad) / t.present)} of ${num(t.present)} values are distinct; ${num(t.bad)} repeat an earlier one: ${quoted(t.examples)}`;
    out.push(rule(what, t.present ? (t.present - t.bad) / t.present : 1, text, t.examples));
  }
  if (p.missingTokens.length) {
    out.push(rule('missingTokens', p.rows ? p.missingTokenCount / p.rows : 0,
      `${quoted(p.missingTokens)} in ${num(p.missingTokenCount)} rows of ${/^[aeiou]/.test(spec.logicalType) ? 'an' : 'a'} ${spec.logicalType} column: read as no value`));
  }
  return out;
}

/** Every column's inferred rules, keyed by column name. */
export async function columnEvidence(conn: DuckDBConnection, vc: string, draft: Contract, profiles: ColumnProfile[]): Promise<Map<string, InferredRule[]>> {
  const t = await tallies(conn, vc, draft);
  const out = new Map<string, InferredRule[]>();
  for (const p of profiles) {
    const spec = draft.columns.find((c) => c.name === p.name);
    if (!spec) continue;
    const rules = columnRules(p, spec, (kind) => t.get(`${p.name}\u0000${kind}`));
    if (rules.length) out.set(p.name, rules);
  }
  return out;
}

/** A dependency's inferred rule: its weakest dependent's agreement and the groups that break it. */
export function dependencyEvidence(fd: FdProposal, tableRows?: number): InferredRule {
  const items = fd.evidence ?? [];
  // Masked cells (failing their own column's checks) are no evidence: say on how many rows it was measured.
  const measured = Math.min(...items.map((e) => e.measuredRows ?? Infinity));
  const of = tableRows !== undefined && measured < tableRows ? ` measured (${num(measured)} of ${num(tableRows)} rows; the others lack a value or fail their own column's checks)` : '';
  const breaking = items.filter((e) => e.violatingRows > 0);
  const examples = breaking.flatMap((e) => e.counterexamples.slice(0, 2).map((g) =>
    `${fd.determinant.join(', ')} = ${g.determinant.map((x) => `'${short(x)}'`).join(', ')}: ${e.dependent} is ${g.values.map((v) => `'${short(v.value)}' ×${v.count}`).join(', ')}`)).slice(0, EXAMPLES);
  const text = breaking.length === 0
    ? (fd.support >= 1 ? `holds on every row${of}` : `holds on ${pct(fd.support)} of the rows${of} at worst`)
    : `holds on ${pct(fd.support)} of the rows${of} at worst; ${breaking.map((e) => `${e.dependent}: ${num(e.violatingRows)} row(s) in ${num(e.violatingGroups)} group(s) disagree`).join('; ')}`;
  return { rule: 'dependency', share: fd.support, evidence: text, counterexamples: examples, confirmed: false };
}
