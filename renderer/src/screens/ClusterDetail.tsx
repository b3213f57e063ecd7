// One failure pattern and its proposed fix: sample values, the rule with who proposed it (and how
// sure the proposer is, where it gave a score), and the full preview of its changes with the one
// set of numbers a fix is judged by; the preview follows the rule while it is edited. The rule
// reads as its description (a sentence, then a map's table, an expression's SQL or parameters).
import { useCallback, useEffect, useState } from 'react';
import type { ProposalView, ReviewCluster } from '../../../main/api/contract.js';
import { count, percent } from '../format.js';
import { Badge, StatusBadge } from '../components/Badge.js';
import { ProposalEditor } from './ProposalEditor.js';
import { RuleBody, RuleSentence } from './RuleView.js';
import { FixPreview, type Draft, type PreviewOk } from './FixPreview.js';
import { approveBlock } from './approveBlock.js';

interface Props {
  runId: string;
  cluster: ReviewCluster;
  editing: boolean;
  onEditing(on: boolean): void;
  onDecide(decision: 'approve' | 'reject'): void;
  onEdited(view: ProposalView): void;
  /** why Approve is off (null when it is on), for the keyboard shortcut to hold to the same */
  onBlocked?(reason: string | null): void;
}

function proposerLabel(p: ProposalView): { text: string; tone: 'violet' | 'blue' | 'green' } {
  if (p.proposer.startsWith('llm:')) return { text: `language model · ${p.proposer.slice(4)}`, tone: 'violet' };
  if (p.proposer.startsWith('analyst:')) return { text: `edited by ${p.proposer.slice(8)}`, tone: 'green' };
  return { text: `rule synthesis · ${p.proposer.replace(/^synth:/, '')}`, tone: 'blue' };
}

export function ClusterDetail({ runId, cluster, editing, onEditing, onDecide, onEdited, onBlocked }: Props) {
  const p = cluster.proposal;
  const who = p ? proposerLabel(p) : null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [numbers, setNumbers] = useState<PreviewOk | null>(null);
  const onNumbers = useCallback((n: PreviewOk | null) => setNumbers(n), []);
  const setEditing = (on: boolean) => { if (!on) setDraft(null); onEditing(on); };
  const blocked = p ? approveBlock(p, editing, draft ? null : numbers) : null;
  useEffect(() => { onBlocked?.(blocked); }, [blocked, onBlocked]);
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
            {p.confidence !== null
              ? <div data-testid="confidence"><span className="meta-l">Confidence</span><span className="meter"><span style={{ width: percent(p.confidence) }} /></span><strong>{percent(p.confidence)}</strong><span className="tiny muted">the proposer&apos;s own score</span></div>
              : <div><span className="meta-l">Confidence</span><span className="small muted">none: an analyst&apos;s edit is a decision, not a score</span></div>}
          </div>
          <p className="reasoning">{p.reasoning}</p>
          {/* The verdict beside Approve carries the reason when it is why Approve is off: said once. */}
          {p.sandboxReason && !blocked?.includes(p.sandboxReason) && <p className="note note-amber small">{p.sandboxReason}</p>}
          {p.applied && (
            <p className={`note small ${p.applied.why ? 'note-amber' : 'note-grey'}`} data-testid="applied-outcome">
              {p.applied.why ? <>Applied, but it changed nothing. {p.applied.why}</> : <>Applied: {count(p.applied.cellsKept)} cell{p.applied.cellsKept === 1 ? '' : 's'} changed.</>}
            </p>
          )}
          <div className="rule" data-testid="rule" data-kind={p.kind}>
            <div className="rule-head">
              <span className="meta-l">Rule</span>
              {!editing && <button className="link" onClick={() => setEditing(true)} data-testid="edit-rule">{p.kind === 'map' ? 'Edit the table' : p.kind === 'manual' ? 'Edit the cells' : 'Edit rule'} (e)</button>}
            </div>
            <RuleSentence proposal={p} />
            {editing
              ? <ProposalEditor runId={runId} proposal={p} onDraft={setDraft} onClose={() => setEditing(false)} onSaved={(v) => { onEdited(v); setEditing(false); }} />
              : <RuleBody proposal={p} />}
          </div>
          <FixPreview runId={runId} proposal={p} draft={draft} onNumbers={onNumbers} />
          <div className="actions">
            <button className="btn btn-success" disabled={blocked !== null} title={blocked ?? undefined} onClick={() => onDecide('approve')} data-testid="approve">Approve <kbd>a</kbd></button>
            <button className="btn btn-danger-outline" onClick={() => onDecide('reject')} data-testid="reject">Reject <kbd>r</kbd></button>
            {cluster.earlier > 0 && <span className="small muted">{cluster.earlier} earlier proposal{cluster.earlier > 1 ? 's' : ''} for this pattern</span>}
          </div>
          {blocked && p.status !== 'approved' && p.status !== 'applied' && <p className="note note-amber small" data-testid="approve-reason">Approve is off. {blocked}</p>}
        </>
      )}
    </section>
  );
}
