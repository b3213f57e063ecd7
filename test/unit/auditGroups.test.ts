// The audit timeline shows one line per operation: consecutive cell changes of one rule in one
// run are one group. Checked on generated logs: the groups cover every entry once, in chain order,
// and a group never mixes runs, rules, kinds, or entries that are not next to each other.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../main/audit/log.js';
import { groupEntries, groupSummary } from '../../main/api/auditGroups.js';
import { seeded } from '../../scripts/make-demo-sample.js';

function log(n: number, rnd: () => number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let seq = 0;
  for (let i = 0; i < n; i++) {
    seq += rnd() < 0.05 ? 2 : 1; // a gap: entries of another run filtered out between
    const kind = rnd() < 0.7 ? 'cell_change' : ['stage', 'promote', 'decision'][Math.floor(rnd() * 3)];
    const payload = kind === 'cell_change' ? { row_id: i, column: rnd() < 0.5 ? 'a' : 'b', old: 'x', new: 'y', rule: `r${Math.floor(rnd() * 3)}` } : { stage: 'x' };
    out.push({ seq, run_id: rnd() < 0.9 ? 'run1' : 'run2', ts: '', kind, payload, prev_hash: '', hash: String(seq) } as unknown as AuditEntry);
  }
  return out;
}

describe('audit groups', () => {
  it('partition the log in order; a group is consecutive cell changes of one rule in one run (1,000 logs)', () => {
    const rnd = seeded(77);
    for (let t = 0; t < 1000; t++) {
      const entries = log(1 + Math.floor(rnd() * 60), rnd);
      const groups = groupEntries(entries);
      expect(groups.flatMap((g) => g.entries)).toEqual(entries);
      for (const g of groups) {
        expect(g.first).toBe(g.entries[0]);
        expect(g.last).toBe(g.entries[g.entries.length - 1]);
        if (g.entries.length === 1) continue;
        for (const [i, e] of g.entries.entries()) {
          expect(e.kind).toBe('cell_change');
          expect(e.run_id).toBe(g.first.run_id);
          expect((e.payload as { rule: string }).rule).toBe((g.first.payload as { rule: string }).rule);
          if (i > 0) expect(e.seq).toBe(g.entries[i - 1].seq + 1);
        }
      }
      // maximal: two neighbouring groups could not have been one
      for (let i = 1; i < groups.length; i++) {
        const a = groups[i - 1].last, b = groups[i].first;
        const joinable = a.kind === 'cell_change' && b.kind === 'cell_change' && a.run_id === b.run_id && (a.payload as { rule?: string }).rule === (b.payload as { rule?: string }).rule && a.seq + 1 === b.seq;
        expect(joinable).toBe(false);
      }
    }
  });

  it('says how many cells, of which columns, by which rule', () => {
    const e = (seq: number, column: string) => ({ seq, run_id: 'r', ts: '', kind: 'cell_change', payload: { column, rule: 'p:state:1', row_id: seq }, hash: '' }) as unknown as AuditEntry;
    const [g] = groupEntries([e(1, 'state'), e(2, 'state'), e(3, 'zip')]);
    expect(groupSummary(g)).toBe('3 cells of state, zip changed by p:state:1');
  });

  it('a cell_changes entry (one rule application) is its own line, counted by its cells', () => {
    const sealed = (seq: number) => ({ seq, run_id: 'r', ts: '', kind: 'cell_changes', payload: { rule: 'p:state:1', cells: 412, columns: ['state', 'zip'], merkle_root: 'ab' }, hash: '' }) as unknown as AuditEntry;
    const groups = groupEntries([sealed(1), sealed(2)]);
    expect(groups).toHaveLength(2);
    expect(groupSummary(groups[0])).toBe('412 cells of state, zip changed by p:state:1');
  });
});
