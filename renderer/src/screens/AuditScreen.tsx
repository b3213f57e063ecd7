// Audit: the hash-chained log as a timeline, with the verdict on the whole chain.
import { useMemo, useState } from 'react';
import type { AuditView } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { clock, count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Icon } from '../components/Icon.js';
import { ScreenHeader } from '../components/ScreenHeader.js';

const LIMIT = 2000;

export function AuditScreen() {
  const { runId, revision } = useApp();
  const [scope, setScope] = useState<'run' | 'all'>('run');
  const [kind, setKind] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const view = useLoad<AuditView>(() => call('auditLog', { ...(scope === 'run' && runId ? { runId } : {}), limit: LIMIT }), [scope, runId, revision]);
  const v = view.data;
  const entries = useMemo(() => (v?.entries ?? []).filter((e) => !kind || e.kind === kind), [v, kind]);
  return (
    <div className="screen">
      <ScreenHeader title="Audit" subtitle="Every decision and every changed cell, in order. Each entry is hashed with the one before it." withRun />
      <ErrorNote error={view.error} />
      {v && (
        <div className={`banner banner-${v.chain.ok ? 'green' : 'red'}`} data-testid="chain">
          <Icon name={v.chain.ok ? 'audit' : 'alert'} size={22} />
          <div>
            <strong>{v.chain.ok ? `Chain intact: ${count(v.chain.entries)} entries verified` : `Chain broken at entry ${v.chain.seq}`}</strong>
            <div className="small mono">{v.chain.ok ? `head ${v.chain.head}` : v.chain.reason}</div>
          </div>
        </div>
      )}
      <div className="audit-bar">
        <div className="seg">
          <button className={scope === 'run' ? 'on' : ''} onClick={() => setScope('run')} disabled={!runId}>This run</button>
          <button className={scope === 'all' ? 'on' : ''} onClick={() => setScope('all')}>Whole workspace</button>
        </div>
        <div className="chips">
          <button className={`chip ${kind === null ? 'on' : ''}`} onClick={() => setKind(null)}>all {v ? count(v.total) : ''}</button>
          {v && Object.entries(v.counts).map(([k, n]) => (
            <button key={k} className={`chip kind-${k} ${kind === k ? 'on' : ''}`} onClick={() => setKind(kind === k ? null : k)}>{k.replace('_', ' ')} {count(n)}</button>
          ))}
        </div>
      </div>
      <section className="card timeline-card">
        {v?.truncated && <p className="small muted">Showing the first {count(LIMIT)} of {count(v.total)} entries.</p>}
        <ol className="timeline" data-testid="timeline">
          {entries.map((e) => (
            <li key={e.seq} className={`tl kind-${e.kind}`} onClick={() => setOpen(open === e.seq ? null : e.seq)}>
              <span className="tl-dot" />
              <div className="tl-main">
                <div className="tl-line">
                  <span className="tl-time mono">{clock(e.ts)}</span>
                  <span className={`tl-kind kind-${e.kind}`}>{e.kind.replace('_', ' ')}</span>
                  <span className="tl-summary">{e.summary}</span>
                  <span className="tl-seq mono tiny muted">#{e.seq}{e.seqTo ? `–${e.seqTo}` : ''} · {e.hash.slice(0, 10)}</span>
                </div>
                {open === e.seq && <pre className="code tl-detail">{e.detail}</pre>}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
