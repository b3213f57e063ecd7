// The audit log as a timeline, with the verdict on the whole hash chain.
import { describeEntry } from '../auditSummary.js';
import { groupCells, groupEntries, groupSummary } from '../auditGroups.js';
import type { AuditView } from '../contract.js';
import type { CallImpl, EngineSession } from '../session.js';

type AuditCalls = Pick<CallImpl, 'auditLog'>;

const DETAIL_CHARS = 4000;

export function auditCalls(session: EngineSession): AuditCalls {
  return {
    async auditLog({ runId, limit }) {
      const engine = await session.engine();
      const all = engine.audit.entries(runId);
      const counts: Record<string, number> = {};
      for (const e of all) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
      const groups = groupEntries(all);
      const verdict = engine.audit.verify();
      const chain: AuditView['chain'] = verdict.ok ? { ok: true, entries: verdict.entries, head: verdict.head } : { ok: false, seq: verdict.seq, reason: verdict.reason };
      return {
        runId: runId ?? null,
        total: all.length,
        counts,
        chain,
        truncated: groups.length > limit,
        entries: groups.slice(0, limit).map((g) => {
          const e = g.first;
          if (g.entries.length > 1) {
            // The changes as lines, bounded like any detail; each stays its own entry in the chain.
            let text = '';
            for (const c of g.entries) {
              if (text.length > DETAIL_CHARS) break;
              text += `${text ? '\n' : ''}#${c.seq} ${describeEntry(c)}`;
            }
            return {
              seq: e.seq, seqTo: g.last.seq, cells: g.entries.length, runId: e.run_id, ts: e.ts, kind: e.kind, summary: groupSummary(g), hash: g.last.hash,
              detail: text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}\n… (${g.entries.length.toLocaleString('en-US')} changes in all)` : text,
            };
          }
          const json = JSON.stringify(e.payload, null, 2);
          // One rule application: its cells are in the stream's audit-cells table and the row
          // history; the entry's detail is its count and Merkle root.
          const sealed = e.kind === 'cell_changes' ? { cells: groupCells(g) } : {};
          return {
            seq: e.seq, runId: e.run_id, ts: e.ts, kind: e.kind, summary: e.kind === 'cell_changes' ? groupSummary(g) : describeEntry(e), hash: e.hash, ...sealed,
            detail: json.length > DETAIL_CHARS ? `${json.slice(0, DETAIL_CHARS)}\n… (${json.length.toLocaleString('en-US')} characters)` : json,
          };
        }),
      };
    },
  };
}
