// Strategy 7: values naming a country, a US state or a currency in another form than the column
// uses ('California' / 'Calif.' → 'CA'; 'Germany' / 'DEU' → 'DE'; '€' / 'euro' → 'EUR'). Which
// table and which form the column wants is read from its enum, else its valid sample, else its
// pattern with the column name; the output's letter case follows the same evidence.
import type { SynthInput, SynthResult } from '../types.js';
import type { SynthContext } from './index.js';
import type { ReferenceDomain, ReferenceTable } from './reference.js';
import { referenceKey } from './reference.js';
import {
  PER_VALUE_FLOOR, acceptsValue, caseLookup, colRef, distinctStrings, examples, finish, fullMatcher, jsSquish, jsStrip, sqlSquish,
} from './common.js';

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

function chooseTarget(input: SynthInput, ctx: SynthContext): Target | null {
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
    const m = fullMatcher(c.pattern);
    if (!m) return null;
    const named = tables.filter((t) => NAME_HINTS[t.domain].test(c.name));
    if (named.length !== 1) return null;
    const t = named[0];
    for (const f of t.formNames) {
      for (const style of ['upper', 'lower', 'asis'] as Style[]) {
        const forms = t.entities.map((e) => e.forms[f]).filter(Boolean);
        if (forms.length && forms.filter((x) => m(applyStyle(x, style))).length >= 0.9 * forms.length) {
          return { table: t, form: f, style, evidence: 'its pattern and name' };
        }
      }
    }
  }
  return null;
}

export function referenceLookup(input: SynthInput, ctx: SynthContext): SynthResult | null {
  if (input.column.logicalType !== 'string') return null;
  const target = chooseTarget(input, ctx);
  if (!target) return null;

  // Every spelling of every entity, by lookup key; a key two entities share is ambiguous.
  const byKey = new Map<string, Set<number>>();
  target.table.entities.forEach((e, i) => {
    for (const a of e.aliases) {
      const k = referenceKey(a);
      if (!byKey.has(k)) byKey.set(k, new Set());
      byKey.get(k)!.add(i);
    }
  });
  const validSet = new Set(distinctStrings(ctx.validSample).map(jsStrip));
  const render = (i: number): string | null => {
    const f = target.table.entities[i].forms[target.form];
    if (!f) return null;
    if (target.enumByLower) return target.enumByLower.get(f.toLowerCase()) ?? null;
    return applyStyle(f, target.style);
  };

  const lookup = new Map<string, string>();
  const changes = new Map<string, string>();
  for (const v of distinctStrings(input.values)) {
    const ids = [...(byKey.get(referenceKey(v)) ?? [])];
    let outs = [...new Set(ids.map(render).filter((x): x is string => x !== null))];
    // '$' may be USD or another dollar: the one the column already uses, if only one is.
    if (outs.length > 1) outs = outs.filter((o) => validSet.has(o));
    if (outs.length !== 1 || outs[0] === v || !acceptsValue(input.column, outs[0])) continue;
    lookup.set(jsSquish(v).toLowerCase(), outs[0]);
    changes.set(v, outs[0]);
  }
  const col = colRef(input);
  const domain = { country: 'countries', us_state: 'US states', currency: 'currencies' }[target.table.domain];
  return finish(input, {
    changes,
    expr: caseLookup(`lower(${sqlSquish(col)})`, lookup, col),
    base: 0.95,
    floor: PER_VALUE_FLOOR,
    strategy: STRATEGY,
    patternType: 'reference-lookup',
    reasoning: `Values name ${domain} in another form than the column's ${target.form} (${examples(changes)}), as ${target.evidence} show; the rule looks each up in the reference table.`,
  }, ctx.minCoverage);
}
