// Review: failure patterns largest first, each with its proposed fix. The keyboard drives it:
// a approve, r reject, j/k move, e edit. Approved fixes reach production when promoted.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError, ReviewState } from '../../../main/api/contract.js';
import { useApp } from '../store.js';
import { call, errorOf } from '../bridge.js';
import { useLoad } from '../useLoad.js';
import { count, percent } from '../format.js';
import { Badge, StatusBadge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Equation } from '../components/Equation.js';
import { Icon } from '../components/Icon.js';
import { EmptyState, ScreenHeader } from '../components/ScreenHeader.js';
import { ClusterDetail } from './ClusterDetail.js';
import { HistoryPanel } from './HistoryPanel.js';

const typing = (el: EventTarget | null) => el instanceof HTMLElement && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

export function ReviewScreen() {
  const { runId, revision, changed, outcome, reviewFocus } = useApp();
  const state = useLoad<ReviewState>(runId ? () => call('reviewState', { runId }) : null, [runId, revision]);
  const [data, setData] = useState<ReviewState | null>(null);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [promoted, setPromoted] = useState<number | null>(null);
  const [blocked, setBlocked] = useState<string | null>(null);

  useEffect(() => { if (state.data) setData(state.data); }, [state.data]);
  useEffect(() => { setIndex(0); setPromoted(null); }, [runId]);
  useEffect(() => {
    if (!reviewFocus || !state.data) return;
    const at = state.data.clusters.findIndex((c) => c.id === reviewFocus);
    if (at >= 0) setIndex(at);
    useApp.setState({ reviewFocus: null });
  }, [reviewFocus, state.data]);

  const clusters = data?.clusters ?? [];
  const current = clusters[Math.min(index, Math.max(0, clusters.length - 1))];
  const approved = useMemo(() => clusters.filter((c) => c.proposal?.status === 'approved').length, [clusters]);

  const decide = useCallback(async (decision: 'approve' | 'reject') => {
    const p = current?.proposal;
    if (!runId || !p) return;
    // The shortcut holds to the button: an approval the screen shows as off is not sent.
    if (decision === 'approve' && blocked) {
      setError({ code: 'USER', message: `Approve is off. ${blocked}` });
      return;
    }
    try {
      const view = await call('decideProposal', { runId, proposalId: p.id, decision });
      setError(null);
      setData((d) => d && { ...d, clusters: d.clusters.map((c) => (c.id === current.id ? { ...c, proposal: view } : c)) });
      setIndex((i) => Math.min(i + 1, clusters.length - 1));
    } catch (e) {
      setError(errorOf(e));
    }
  }, [current, runId, clusters.length, blocked]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey || editing) return;
      if (e.key === 'j') setIndex((i) => Math.min(i + 1, clusters.length - 1));
      else if (e.key === 'k') setIndex((i) => Math.max(i - 1, 0));
      else if (e.key === 'a') void decide('approve');
      else if (e.key === 'r') void decide('reject');
      else if (e.key === 'e' && current?.proposal) setEditing(true);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [decide, clusters.length, editing, current]);

  useEffect(() => {
    document.querySelector(`[data-cluster-index="${index}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [index]);

  const promote = async () => {
    if (!runId) return;
    setPromoting(true);
    try {
      const summary = await call('promoteReviewed', { runId });
      setPromoted(approved);
      changed(summary);
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setPromoting(false);
    }
  };

  if (!runId) return <div className="screen"><ScreenHeader title="Review" /><EmptyState title="No run selected" icon={<Icon name="review" size={32} />}>Run a file first.</EmptyState></div>;
  const summary = outcome?.summary?.runId === runId ? outcome.summary : null;
  return (
    <div className="screen screen-review">
      <ScreenHeader
        title="Review fixes"
        subtitle={data ? <>{count(clusters.length)} failure patterns · {Object.entries(data.counts).map(([k, v]) => `${count(v)} ${k.replace(/-/g, ' ')}`).join(' · ')}</> : 'Proposed fixes, proven in the sandbox, waiting for your decision.'}
        withRun
        actions={
          <button className="btn btn-primary" disabled={approved === 0 || promoting} onClick={() => void promote()} data-testid="promote">
            {promoting ? 'Promoting…' : `Promote ${count(approved)} approved fix${approved === 1 ? '' : 'es'}`}
          </button>
        }
      />
      <ErrorNote error={state.error ?? error} onDismiss={error ? () => setError(null) : undefined} />
      {promoted !== null && summary && (
        <section className="card promoted" data-testid="promoted">
          <div className="card-head"><h3><Icon name="check" /> {count(promoted)} approved fix{promoted === 1 ? '' : 'es'} promoted</h3><Badge tone="green">{count(summary.remediatedRows)} rows remediated</Badge></div>
          <Equation badges={summary.badges} />
        </section>
      )}
      {data && clusters.length === 0 && <EmptyState title="Nothing to review">This run has no failure patterns with proposed fixes.</EmptyState>}
      {current && (
        <div className="review-layout">
          <aside className="cluster-list card" data-testid="clusters">
            {clusters.map((c, i) => (
              <button key={c.id} data-cluster-index={i} data-cluster-id={c.id} className={`cluster-item ${i === index ? 'selected' : ''}`} onClick={() => setIndex(i)}>
                <div className="ci-top"><span className="mono strong">{c.column}</span><span className="ci-size">{count(c.size)} {c.reason === 'MANUAL_EDIT' ? 'cell' : 'row'}{c.size === 1 ? '' : 's'}</span></div>
                <div className="ci-bottom">
                  <span className="reason-tag">{c.reason}</span>
                  {c.proposal ? <StatusBadge status={c.proposal.status} /> : <Badge>no fix</Badge>}
                  {c.proposal && c.proposal.confidence !== null && <span className="tiny muted" title="the proposer's confidence">{percent(c.proposal.confidence)}</span>}
                </div>
              </button>
            ))}
          </aside>
          <ClusterDetail
            key={current.proposal?.id ?? current.id}
            runId={runId}
            cluster={current}
            editing={editing}
            onEditing={setEditing}
            onDecide={(d) => void decide(d)}
            onBlocked={setBlocked}
            onEdited={(view) => setData((d) => d && { ...d, clusters: d.clusters.map((c) => (c.id === current.id ? { ...c, proposal: view, earlier: c.earlier + 1 } : c)) })}
          />
        </div>
      )}
      {data && <HistoryPanel runId={runId} version={data} onUndone={() => setPromoted(null)} />}
      <div className="kbd-help small muted"><kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>j</kbd>/<kbd>k</kbd> next / previous · <kbd>e</kbd> edit the rule</div>
    </div>
  );
}
