// The run's review history: every step the analyst took (approve, reject, edit, cell edit,
// promote), newest first, with "Undo" for the latest and "Revert to here" on each earlier one.
// The engine undoes exactly (production, quarantine and proposals as they were); the steps stay
// listed, struck through, and the audit keeps both the step and its undo.
import { useState } from 'react';
import type { ApiError, OperationView } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { useApp } from '../store.js';
import { useLoad } from '../useLoad.js';
import { clock } from '../format.js';
import { Badge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';

const KIND_TONE = { approve: 'green', reject: 'grey', edit: 'blue', 'manual-edit': 'violet', promote: 'amber', recipe: 'blue' } as const;

/** `version` changes whenever the screen around it changed something, so the list reloads. */
export function HistoryPanel({ runId, version, onUndone }: { runId: string; version: unknown; onUndone?: () => void }) {
  const { revision, changed } = useApp();
  const ops = useLoad<OperationView[]>(() => call('reviewHistory', { runId }), [runId, revision, version]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const list = [...(ops.data ?? [])].reverse();
  const open = list.filter((o) => !o.undoneAt && o.undoable);

  const act = async (fn: () => Promise<{ run: Parameters<typeof changed>[0] }>) => {
    setBusy(true);
    setError(null);
    try {
      const r = await fn();
      onUndone?.();
      changed(r.run);
      ops.reload();
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card history" data-testid="history">
      <div className="card-head">
        <h3>History</h3>
        <div className="spacer" />
        <button className="btn btn-secondary btn-sm" disabled={busy || open.length === 0} onClick={() => void act(() => call('undoLast', { runId }))} data-testid="history-undo">Undo</button>
        <button className="btn btn-secondary btn-sm" disabled={busy || open.length === 0} onClick={() => void act(() => call('revertTo', { runId, opId: null }))} data-testid="history-revert-start">Revert to the start</button>
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {list.length === 0
        ? <p className="small muted">Nothing done on this run yet. Each approval, rejection, edit and promotion appears here, and can be undone.</p>
        : (
          <ol className="history-list">
            {list.map((o) => (
              <li key={o.opId} className={o.undoneAt ? 'undone' : ''} data-testid="history-step" data-op={o.opId} data-undone={!!o.undoneAt}>
                <span className="mono tiny muted">{o.seq}</span>
                <Badge tone={KIND_TONE[o.kind]}>{o.kind}</Badge>
                <span className="history-label">{o.label}</span>
                <span className="tiny muted">{o.by} · {clock(o.at)}{o.undoneAt ? ` · undone ${clock(o.undoneAt)}` : ''}</span>
                {!o.undoneAt && o.undoable && o !== open[0] && (
                  <button className="link small" disabled={busy} onClick={() => void act(() => call('revertTo', { runId, opId: o.opId }))} data-testid="history-revert">Revert to here</button>
                )}
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}
