// One line per operation in the audit timeline: the cell changes one rule made in one go are
// consecutive entries of the chain (each hashed on its own, so that any one change is provable);
// the timeline shows them as one line, "412 cells of state changed by <rule>", that opens onto
// the changes themselves. Outside testers were shown 1,005 separate lines for one operation.
import type { AuditEntry } from '../audit/log.js';

export interface AuditGroup {
  first: AuditEntry;
  last: AuditEntry;
  /** the entries of the group, in chain order (one unless it is a run of cell changes) */
  entries: AuditEntry[];
}

const ruleOf = (e: AuditEntry) => String((e.payload as { rule?: unknown }).rule ?? '');

export function groupEntries(entries: AuditEntry[]): AuditGroup[] {
  const out: AuditGroup[] = [];
  for (const e of entries) {
    const open = out[out.length - 1];
    if (open && e.kind === 'cell_change' && open.last.kind === 'cell_change' && open.last.run_id === e.run_id && ruleOf(open.last) === ruleOf(e) && open.last.seq + 1 === e.seq) {
      open.entries.push(e);
      open.last = e;
    } else {
      out.push({ first: e, last: e, entries: [e] });
    }
  }
  return out;
}

/** "412 cells of state, zip changed by <rule>" */
export function groupSummary(g: AuditGroup): string {
  const cols = [...new Set(g.entries.map((e) => String((e.payload as { column?: unknown }).column ?? '?')))];
  const shown = cols.length > 3 ? `${cols.slice(0, 3).join(', ')} and ${cols.length - 3} more columns` : cols.join(', ');
  const rule = ruleOf(g.first);
  return `${g.entries.length.toLocaleString('en-US')} cells of ${shown} changed${rule ? ` by ${rule}` : ''}`;
}
