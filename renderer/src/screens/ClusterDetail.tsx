// One failure pattern and its proposed fix: sample values, the rule with who proposed it and how
// sure it is, how much of the pattern it fixes, and the rows before and after, as a diff. The rule
// reads as its description (a sentence, then a map's table, an expression's SQL or parameters).
import type { DiffRow, ProposalView, ReviewCluster } from '../../../main/api/contract.js';
import { call } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { count, percent } from '../format.js';
import { Badge, StatusBadge } from '../components/Badge.js';
import { DiffText } from '../components/DiffText.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { ProposalEditor } from './ProposalEditor.js';
import { RuleBody, RuleSentence } from './RuleView.js';

interface Props {
  runId: string;
  cluster: ReviewCluster;
  editing: boolean;
  onEditing(on: boolean): void;
  onDecide(decision: 'approve' | 'reject'): void;
  onEdited(view: ProposalView): void;
}

function proposerLabel(p: ProposalView): { text: string; tone: 'violet' | 'blue' | 'green' } {
  if (p.proposer.startsWith('llm:')) return { text: `language model · ${p.proposer.slice(4)}`, tone: 'violet' };
  if (p.proposer.startsWith('analyst:')) return { text: `edited by ${p.proposer.slice(8)}`, tone: 'green' };
  return { text: `rule synthesis · ${p.proposer.replace(/^synth:/, '')}`, tone: 'blue' };
}

export function ClusterDetail({ runId, cluster, editing, onEditing, onDecide, onEdited }: Props) {
  const p = cluster.proposal;
  const preview = useLoad<DiffRow[]>(p ? () => call('previewProposal', { runId, proposalId: p.id }) : null, [p?.id]);
  const who = p ? proposerLabel(p) : null;
  // A manual edit's preview shows only the cells it sets (its pattern is every failing cell of the column).
  const mine = p?.rule.kind === 'manual' ? new Set(p.rule.cells.map((c) => c.rowId)) : null;
  const diff = preview.data && mine ? preview.data.filter((d) => mine.has(d.rowId)) : preview.data;
  return (
    <section className="cluster-detail card" data-testid="cluster-detail" data-cluster-id={cluster.id} data-proposal-id={p?.id}>
      <div className="cd-head">
        <div>
          <h2><span className="mono">{cluster.column}</span> <span className="reason-tag">{cluster.reason}</span></h2>
          {cluster.reason === 'MANUAL_EDIT'
            ? <p className="small muted">{count(cluster.size)} cell{cluster.size === 1 ? '' : 's'} you set by hand in the quarantine grid</p>
            : <p className="small muted">{count(cluster.size)} quarantined rows · {count(cluster.distinctValues)} distinct failing values{cluster.reasons.length > 1 ? ` · also ${cluster.reasons.slice(1).join(', ')}` : ''}</p>}
        </div>
        {p && <StatusBadge status={p.status} />}
      </div>
      {cluster.samples.length > 0 && <div className="samples">
        {cluster.samples.map((s, i) => <span key={i} className="sample"><span className="mono">{s.value ?? '∅'}</span><em>×{count(s.count)}</em></span>)}
      </div>}

      {!p && <p className="note note-grey small">No fix could be proposed for this pattern. Its rows stay in quarantine; fix them at the source.</p>}
      {p && who && (
        <>
          <div className="proposal-meta">
            <div><span className="meta-l">Proposed by</span><Badge tone={who.tone}>{who.text}</Badge></div>
            <div><span className="meta-l">Confidence</span><span className="meter"><span style={{ width: percent(p.confidence) }} /></span><strong>{percent(p.confidence)}</strong></div>
            {p.rule.kind === 'manual'
              ? <div><span className="meta-l">Cells</span><strong>{count(p.fixedRows)} of {count(p.rule.cells.length)}</strong><span className="small muted">set by hand now pass the contract</span></div>
              : <div><span className="meta-l">Coverage</span><strong>{p.coverage === null ? '–' : percent(p.coverage)}</strong><span className="small muted">{p.fixedRows !== null ? ` fixes ${count(p.fixedRows)} of ${count(p.clusterRows)} rows` : ''}</span></div>}
          </div>
          <p className="reasoning">{p.reasoning}</p>
          {p.sandboxReason && <p className="note note-amber small">{p.sandboxReason}</p>}
          <div className="rule" data-testid="rule" data-kind={p.kind}>
            <div className="rule-head">
              <span className="meta-l">Rule</span>
              {!editing && <button className="link" onClick={() => onEditing(true)} data-testid="edit-rule">{p.kind === 'map' ? 'Edit the table' : p.kind === 'manual' ? 'Edit the cells' : 'Edit rule'} (e)</button>}
            </div>
            <RuleSentence proposal={p} />
            {editing
              ? <ProposalEditor runId={runId} proposal={p} onClose={() => onEditing(false)} onSaved={(v) => { onEdited(v); onEditing(false); }} />
              : <RuleBody proposal={p} />}
          </div>
          <div className="diff">
            <div className="rule-head"><span className="meta-l">Before → after</span><span className="tiny muted">first rows of the pattern, in the sandbox</span></div>
            <ErrorNote error={preview.error} />
            {preview.loading && !preview.data && <p className="small muted"><span className="spinner" />Applying the rule in the sandbox…</p>}
            {diff && (
              <table className="table compact diff-table" data-testid="diff">
                <thead><tr><th>Row</th><th>Column</th><th>Change</th></tr></thead>
                <tbody>
                  {diff.map((d, i) => <tr key={i}><td className="mono">{d.rowId}</td><td className="mono">{d.column}</td><td><DiffText before={d.before} after={d.after} /></td></tr>)}
                </tbody>
              </table>
            )}
          </div>
          <div className="actions">
            <button className="btn btn-success" onClick={() => onDecide('approve')} data-testid="approve">Approve <kbd>a</kbd></button>
            <button className="btn btn-danger-outline" onClick={() => onDecide('reject')} data-testid="reject">Reject <kbd>r</kbd></button>
            {cluster.earlier > 0 && <span className="small muted">{cluster.earlier} earlier proposal{cluster.earlier > 1 ? 's' : ''} for this pattern</span>}
          </div>
        </>
      )}
    </section>
  );
}
