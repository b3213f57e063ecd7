// Strategy 7: values naming a country, a US state or a currency in another form than the column
// uses ('California' / 'Calif.' → 'CA'; 'Germany' / 'DEU' → 'DE'; '€' / 'euro' → 'EUR'). Which
// table and which form the column wants is read from its enum, else its valid sample, else its
// pattern with the column name; the output's letter case follows the same evidence.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LookupRule } from '../rules/ruleTypes.js';
import type { SynthInput } from '../types.js';
import type { SynthContext } from './index.js';
import type { ReferenceDomain, ReferenceTable } from '../../contract/reference.js';
import { referenceKey } from '../../contract/reference.js';
import type { Candidate } from './common.js';
import { PER_VALUE_FLOOR, distinctStrings, fullMatches, jsStrip } from './common.js';

const STRATEGY = 'reference-lookup';

type Style = 'upper' | 'lower' | 'asis';

interface Target {
  table: ReferenceTable;
  form: string;
  style: Style;
  /** exact enum spelling per lower-cased form value, when the column has an enum */
  enumByLower?: Map<string, string>;
  evidence: string;
}

const NAME_HINTS: Record<ReferenceDomain, RegExp> = {
  country: /countr|nation/i,
  us_state: /state|province|region/i,
  currency: /curr|ccy/i,
};

function styleOf(strings: string[]): Style {
  if (strings.length && strings.every((s) => s === s.toUpperCase())) return 'upper';
  if (strings.length && strings.every((s) => s === s.toLowerCase())) return 'lower';
  return 'asis';
}

function applyStyle(s: string, style: Style): string {
  return style === 'upper' ? s.toUpperCase() : style === 'lower' ? s.toLowerCase() : s;
}

/** Share of `strings` that are, case aside, the given form of some entity; and which matched. */
function formShare(table: ReferenceTable, form: string, strings: string[]): { share: number; hits: string[] } {
  const forms = new Set(table.entities.map((e) => e.forms[form]?.toLowerCase()).filter(Boolean));
  const hits = strings.filter((s) => forms.has(s.toLowerCase()));
  return { share: strings.length ? hits.length / strings.length : 0, hits };
}

/** The best (table, form) for a set of strings: clearly best and covering nearly all of them. */
function bestForm(tables: ReferenceTable[], strings: string[], columnName: string, minShare: number) {
  const scored = tables.flatMap((t) => t.formNames.map((f) => ({ t, f, ...formShare(t, f, strings) })))
    .filter((x) => x.share >= minShare)
    .sort((a, b) => b.share - a.share);
  if (!scored.length) return null;
  const top = scored.filter((x) => x.share === scored[0].share);
  if (top.length === 1) return top[0];
  // Equal fit ('CA', 'CO', 'IN' are both states and countries): the column name must settle it.
  const named = top.filter((x) => NAME_HINTS[x.t.domain].test(columnName));
  return named.length === 1 ? named[0] : null;
}

async function chooseTarget(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Target | null> {
  const tables = Object.values(ctx.reference);
  const c = input.column;
  if (c.enum && c.enum.length) {
    const b = bestForm(tables, c.enum, c.name, 0.9);
    if (!b) return null;
    return {
      table: b.t, form: b.f, style: 'asis', evidence: 'its allowed values',
      enumByLower: new Map(c.enum.map((m) => [m.toLowerCase(), m])),
    };
  }
  const valid = [...new Set(distinctStrings(ctx.validSample).map(jsStrip))];
  if (valid.length >= 5) {
    const b = bestForm(tables, valid, c.name, 0.9);
    if (b) return { table: b.t, form: b.f, style: styleOf(b.hits), evidence: 'its valid values' };
  }
  if (c.pattern) {
    const named = tables.filter((t) => NAME_HINTS[t.domain].test(c.name));
    if (named.length !== 1) return null;
    const t = named[0];
    // Which form, in which case, the pattern accepts (nine tenths of the entities), asked of DuckDB.
    const tries = t.formNames.flatMap((f) => (['upper', 'lower', 'asis'] as Style[]).map((style) => ({
      f, style, forms: t.entities.map((e) => e.forms[f]).filter(Boolean).map((x) => applyStyle(x, style)),
    })));
    const ok = await fullMatches(conn, c.pattern, tries.flatMap((x) => x.forms));
    let at = 0;
    for (const x of tries) {
      const hits = ok.slice(at, at + x.forms.length).filter(Boolean).length;
      at += x.forms.length;
      if (x.forms.length && hits >= 0.9 * x.forms.length) return { table: t, form: x.f, style: x.style, evidence: 'its pattern and name' };
    }
  }
  return null;
}

/**
 * A look-up in the reference table: every spelling of every entity, keyed in SQL, written in the
 * column's form. A spelling two entities share is no key ('$'), unless the column's own values
 * settle it: then a second candidate spells the output as one of the codes the column already uses.
 */
export async function referenceLookup(conn: DuckDBConnection, input: SynthInput, ctx: SynthContext): Promise<Candidate[]> {
  if (input.column.logicalType !== 'string') return [];
  const target = await chooseTarget(conn, input, ctx);
  if (!target) return [];
  const domain = { country: 'countries', us_state: 'US states', currency: 'currencies' }[target.table.domain];
  const base = {
    base: 0.95,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'reference-lookup',
    reasoning: (ex: string) => `Values name ${domain} in another form than the column's ${target.form} (${ex}), as ${target.evidence} show; the rule looks each up in the reference table.`,
  };
  const rule: LookupRule = {
    kind: 'lookup', column: input.column.name, table: target.table.domain, form: target.form, style: target.style,
    ...(target.enumByLower ? { members: [...target.enumByLower.values()] } : {}),
  };
  const out: Candidate[] = [{ op: rule, ...base }];
  if (target.enumByLower) return out;
  // '$' may be USD or another dollar: the one the column already uses, if only one is.
  const inUse = [...new Set(distinctStrings(ctx.validSample).map(jsStrip))];
  const byKey = new Map<string, Set<string>>();
  for (const e of target.table.entities) {
    const f = e.forms[target.form];
    if (!f) continue;
    for (const a of e.aliases) {
      const k = referenceKey(a);
      if (!byKey.has(k)) byKey.set(k, new Set());
      byKey.get(k)!.add(applyStyle(f, target.style));
    }
  }
  const settled = distinctStrings(input.values).some((v) => {
    const outs = [...(byKey.get(referenceKey(v)) ?? [])];
    return outs.length > 1 && outs.filter((o) => inUse.includes(o)).length === 1;
  });
  if (settled) out.push({ op: { ...rule, members: inUse }, ...base });
  return out;
}
