// The gate every typed rule passes before verification, whoever wrote it (synthesizer, model,
// analyst, recipe): an expression goes through the SQL sandbox; the other kinds are data the
// compilers quote, checked here for shape and bounds.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Contract } from '../../contract/types.js';
import { referenceTables } from '../../contract/referenceData.js';
import { checkProposal } from '../sandbox.js';
import type { TypedRule } from './ruleTypes.js';

export type RuleCheck = { ok: true; rule: TypedRule } | { ok: false; reason: string };

/** Lines a value map may hold: far more than any cluster's distinct values, far less than memory. */
export const MAX_MAP_ENTRIES = 200_000;
const MAX_VALUE_CHARS = 10_000;

export async function validateRule(conn: DuckDBConnection, rule: TypedRule, contract: Contract, opts: { maxChars?: number } = {}): Promise<RuleCheck> {
  const columns = contract.columns.map((c) => c.name);
  if (rule.kind === 'expression') {
    const checked = await checkProposal(conn, { set: rule.set, where: rule.where }, columns, opts.maxChars ? { maxChars: opts.maxChars } : {});
    if (!checked.ok) return checked;
    return { ok: true, rule: { kind: 'expression', set: checked.set, ...(checked.where ? { where: checked.where } : {}) } };
  }
  if (typeof rule.column !== 'string' || !columns.includes(rule.column)) return { ok: false, reason: `"${rule.column}" is not a column of this table` };
  switch (rule.kind) {
    case 'map': {
      if (rule.match !== 'exact' && rule.match !== 'folded') return { ok: false, reason: 'a value map matches "exact" or "folded"' };
      if (!Array.isArray(rule.entries) || rule.entries.length === 0) return { ok: false, reason: 'the value map has no lines' };
      if (rule.entries.length > MAX_MAP_ENTRIES) return { ok: false, reason: `the value map has ${rule.entries.length} lines (at most ${MAX_MAP_ENTRIES})` };
      const seen = new Map<string, string>();
      for (const [i, e] of rule.entries.entries()) {
        if (typeof e !== 'object' || e === null || typeof e.from !== 'string' || typeof e.to !== 'string') return { ok: false, reason: `line ${i + 1} of the value map needs a text "from" and "to"` };
        if (e.from.length > MAX_VALUE_CHARS || e.to.length > MAX_VALUE_CHARS) return { ok: false, reason: `line ${i + 1} of the value map is over ${MAX_VALUE_CHARS} characters` };
        if (e.enabled === false) continue;
        const prior = seen.get(e.from);
        if (prior !== undefined && prior !== e.to) return { ok: false, reason: `the value map sends '${e.from}' to both '${prior}' and '${e.to}'` };
        seen.set(e.from, e.to);
      }
      return { ok: true, rule };
    }
    case 'agreedValue': {
      const fds = contract.fds.filter((fd) => fd.dependent.includes(rule.column));
      // a rule read from a file is data of any shape: a list of lists of column names, or refused
      const dets: unknown = rule.determinants;
      if (!Array.isArray(dets) || dets.length === 0 || !dets.every((d) => Array.isArray(d) && d.length > 0 && d.every((c) => typeof c === 'string'))) {
        return { ok: false, reason: 'an agreed value names its determinants as lists of columns' };
      }
      if (typeof rule.minMargin !== 'number' || typeof rule.minSupport !== 'number' || !Number.isFinite(rule.minSupport)) return { ok: false, reason: 'the support and margin of an agreed value are numbers' };
      for (const d of rule.determinants) {
        if (!fds.some((fd) => fd.determinant.join('\u001f') === d.join('\u001f'))) return { ok: false, reason: `no dependency of the contract has ${d.join(' + ')} determining ${rule.column}` };
      }
      if (!(rule.minMargin >= 0 && rule.minMargin <= 1)) return { ok: false, reason: 'the margin is a share between 0 and 1' };
      if (!(rule.minSupport >= 1)) return { ok: false, reason: 'at least one vote must support a value' };
      if (rule.sourceColumn !== undefined && !columns.includes(rule.sourceColumn)) return { ok: false, reason: `source column "${rule.sourceColumn}" is not a column of this table` };
      return { ok: true, rule };
    }
    case 'lookup': {
      // the compiler finds the table by its domain and reads `forms[form]`: anything else would
      // fail (or read the prototype) only when a later run applies the rule
      const table = Object.values(referenceTables()).find((t) => t.domain === rule.table);
      if (!table) return { ok: false, reason: `reference table ${JSON.stringify(rule.table)} is not one Airlock ships` };
      if (typeof rule.form !== 'string' || !table.formNames.includes(rule.form)) return { ok: false, reason: `the ${table.domain} table has no form ${JSON.stringify(rule.form)} (one of ${table.formNames.join(', ')})` };
      if (rule.style !== 'upper' && rule.style !== 'lower' && rule.style !== 'asis') return { ok: false, reason: 'a lookup writes its values "upper", "lower" or "asis"' };
      const members: unknown = rule.members;
      if (members !== undefined && (!Array.isArray(members) || members.length > MAX_MAP_ENTRIES || !members.every((m) => typeof m === 'string' && m.length <= MAX_VALUE_CHARS))) {
        return { ok: false, reason: 'the members of a lookup are a list of texts' };
      }
      return { ok: true, rule };
    }
    case 'manual': {
      if (!Array.isArray(rule.cells) || rule.cells.length === 0) return { ok: false, reason: 'a manual edit names at least one cell' };
      for (const c of rule.cells) {
        if (!Number.isSafeInteger(c.rowId)) return { ok: false, reason: 'a manual edit names rows by their row id' };
        if (c.value !== null && (typeof c.value !== 'string' || c.value.length > MAX_VALUE_CHARS)) return { ok: false, reason: `the value for row ${c.rowId} must be text of at most ${MAX_VALUE_CHARS} characters` };
      }
      return { ok: true, rule };
    }
  }
}
