// The rules of two contract versions side by side, in words: what a new version (accepted from a
// schema drift, or edited) checks differently from the one the stream ran with. Shown before the
// next run, so that no rule disappears unseen. Pure: a function of the two parsed contracts.
import type { ColumnSpec, Contract, FunctionalDependency, QualityCheck } from '../contract/types.js';

export interface RuleDiffLine {
  /** what the line is about: a column, a dependency or a table check */
  kind: 'column' | 'dependency' | 'check' | 'source' | 'recipe';
  /** the rule as the old version states it, or null for a rule the new one adds */
  before: string | null;
  /** the rule as the new version states it, or null for a rule it removes */
  after: string | null;
  /** why, where the change is not plain from the two texts */
  why?: string;
}

const q = (s: string) => JSON.stringify(s);

/** One column's rules in words: "zip: string, required, pattern \d{5}". */
export function columnRuleText(c: ColumnSpec): string {
  const parts: string[] = [c.logicalType];
  if (c.primaryKey) parts.push('primary key');
  else if (c.unique) parts.push('unique');
  if (c.required) parts.push('required');
  if (c.pattern !== undefined) parts.push(`pattern ${c.pattern}`);
  if (c.format !== undefined) parts.push(`format ${c.formatSource ?? c.format}`);
  if (c.enum) parts.push(`one of ${c.enum.map(q).join(', ')}`);
  for (const [k, label] of [['minimum', '≥'], ['exclusiveMinimum', '>'], ['maximum', '≤'], ['exclusiveMaximum', '<']] as const) {
    if (c[k] !== undefined) parts.push(`${label} ${String(c[k])}`);
  }
  if (c.minLength !== undefined) parts.push(`length ≥ ${c.minLength}`);
  if (c.maxLength !== undefined) parts.push(`length ≤ ${c.maxLength}`);
  if (c.missingTokens.length > 0) parts.push(`missing: ${c.missingTokens.map(q).join(', ')}`);
  for (const check of c.quality) parts.push(checkText(check));
  return `${c.name}: ${parts.join(', ')}`;
}

function checkText(c: QualityCheck): string {
  const what = c.type === 'sql' ? `sql ${c.query ?? ''}` : `${c.metric ?? c.type}${c.properties ? ` over ${c.properties.join(', ')}` : ''}`;
  return `${what}${c.operator ? ` ${JSON.stringify(c.operator)}` : ''}`;
}

const fdText = (fd: FunctionalDependency) => `${fd.determinant.join(', ')} → ${fd.dependent.join(', ')}`;

/**
 * The lines that differ. `renames` (old name → new name) pairs a renamed column's rules with
 * their old form; rules are otherwise paired by what they are about (a column by its name, a
 * dependency by its determinant, a table check by its position among table checks).
 */
export function contractRuleDiff(was: Contract, now: Contract, renames: Map<string, string> = new Map()): RuleDiffLine[] {
  const out: RuleDiffLine[] = [];
  const toNew = (name: string) => renames.get(name) ?? name;
  const key = (name: string) => name.toLowerCase();
  // Rules of the same key (two dependencies of one determinant) pair first with an unchanged
  // twin, then in order: a Map by key would pair each old one with the last new one.
  const pair = <T>(kind: RuleDiffLine['kind'], a: T[], b: T[], keyOf: (x: T, old: boolean) => string, text: (x: T) => string) => {
    const free = b.map((y) => ({ y, k: keyOf(y, false), t: text(y), used: false }));
    const olds = a.map((x) => ({ k: keyOf(x, true), t: text(x) }));
    const match: Array<(typeof free)[number] | undefined> = olds.map((o) => {
      const twin = free.find((f) => !f.used && f.k === o.k && f.t === o.t);
      if (twin) twin.used = true;
      return twin;
    });
    olds.forEach((o, i) => {
      if (match[i]) return;
      const y = free.find((f) => !f.used && f.k === o.k);
      if (y) y.used = true;
      if (o.t !== y?.t) out.push({ kind, before: o.t, after: y ? y.t : null });
    });
    for (const f of free) if (!f.used) out.push({ kind, before: null, after: f.t });
  };
  pair('column', was.columns, now.columns, (c, old) => key(old ? toNew(c.name) : c.name), columnRuleText);
  pair('dependency', was.fds, now.fds, (fd, old) => (old ? fd.determinant.map(toNew) : fd.determinant).map(key).join('\u0000'), fdText);
  pair('check', was.quality.map((c, i) => [c, i] as const), now.quality.map((c, i) => [c, i] as const), ([c], old) => (c.properties ? c.properties.map((p) => key(old ? toNew(p) : p)) : [c.metric ?? c.type, c.query ?? '']).join('\u0000'), ([c]) => checkText(c));
  const src = (c: Contract) => (c.sourceColumn ? [c.sourceColumn] : []);
  pair('source', src(was), src(now), (s, old) => key(old ? toNew(s) : s), (s) => `votes weighed by source column ${s}`);
  return out;
}
