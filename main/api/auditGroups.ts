// One line per operation in the audit timeline, "412 cells of state changed by <rule>". Since
// December 2026 one rule application is one `cell_changes` entry (its cells sealed by a Merkle
// root, see pipeline/auditChanges.ts); logs written before hold one `cell_change` entry per cell,
// consecutive in the chain, and those runs are grouped into one line here. Outside testers were
// shown 1,005 separate lines for one operation.
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

/** How many cells a group records: a cell_changes entry says so, an older cell_change is one. */
export function groupCells(g: AuditGroup): number {
  return g.entries.reduce((n, e) => n + (e.kind === 'cell_changes' ? Number((e.payload as { cells?: unknown }).cells ?? 0) : 1), 0);
}

/** "412 cells of state, zip changed by <rule>" */
export function groupSummary(g: AuditGroup): string {
  const cols = g.first.kind === 'cell_changes'
    ? (Array.isArray(g.first.payload.columns) ? g.first.payload.columns.map(String) : ['?'])
    : [...new Set(g.entries.map((e) => String((e.payload as { column?: unknown }).column ?? '?')))];
  const shown = cols.length > 3 ? `${cols.slice(0, 3).join(', ')} and ${cols.length - 3} more columns` : cols.join(', ');
  const rule = ruleOf(g.first);
  return `${groupCells(g).toLocaleString('en-US')} cells of ${shown} changed${rule ? ` by ${rule}` : ''}`;
}
