// One rendering of a rule for people: a sentence of under 200 characters, and a table where the
// rule has lines (a map's from → to with counts, a manual edit's cells). The review screen, the
// report and the bundle all render from here.
import type { TypedRule } from './ruleTypes.js';

export interface RuleTable {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

export interface RuleDescription {
  kind: TypedRule['kind'];
  sentence: string;
  table?: RuleTable;
  /** the expression text, for `expression` rules only (what the analyst edits) */
  sql?: string;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function quoted(v: string | null): string {
  return v === null ? 'empty' : `'${clip(v, 24)}'`;
}

export function describeRule(rule: TypedRule): RuleDescription {
  switch (rule.kind) {
    case 'map': {
      const on = rule.entries.filter((e) => e.enabled !== false);
      const ex = on.slice(0, 2).map((e) => `${quoted(e.from)} → ${quoted(e.to)}`).join(', ');
      const how = rule.match === 'folded' ? ' (case and spacing aside)' : '';
      return {
        kind: rule.kind,
        sentence: clip(`Replace ${on.length} value${on.length === 1 ? '' : 's'} of ${rule.column} by the table below${how}${ex ? `, e.g. ${ex}` : ''}.`, 199),
        table: { columns: ['from', 'to', 'rows', 'applied'], rows: rule.entries.map((e) => [e.from, e.to, e.count ?? null, e.enabled === false ? 'no' : 'yes']) },
      };
    }
    case 'expression': {
      const cols = Object.keys(rule.set);
      return {
        kind: rule.kind,
        sentence: clip(`Compute ${cols.join(', ')} with a checked SQL expression${rule.where ? ', on rows matching a condition' : ''}.`, 199),
        sql: Object.entries(rule.set).map(([c, e]) => `${c} := ${e}`).join('\n') + (rule.where ? `\nWHERE ${rule.where}` : ''),
      };
    }
    case 'agreedValue': {
      const dets = rule.determinants.map((d) => d.join(' + ')).join(' or ');
      const src = rule.sourceColumn ? `, each source's vote weighted by its estimated accuracy (${rule.sourceColumn})` : '';
      return {
        kind: rule.kind,
        sentence: clip(`${rule.column} takes the value its ${dets} group agrees on (a clear plurality${src}); ties keep the value.`, 199),
      };
    }
    case 'lookup':
      return {
        kind: rule.kind,
        sentence: clip(`Look ${rule.column} up in the ${rule.table} reference table and write its ${rule.form}${rule.members ? ' as the contract spells it' : ''}.`, 199),
      };
    case 'manual':
      return {
        kind: rule.kind,
        sentence: clip(`The analyst set ${rule.cells.length} cell${rule.cells.length === 1 ? '' : 's'} of ${rule.column} by hand.`, 199),
        table: { columns: ['row', 'value'], rows: rule.cells.map((c) => [c.rowId, c.value]) },
      };
  }
}
