// Setting failing cells by hand from the quarantine grid: pick cells of one column, type the
// value, and propose the edit. The engine verifies it like any fix (does the value pass the
// contract, does it break nothing else); it is approved in Review, with the rest.
import { useEffect, useRef, useState } from 'react';
import type { ApiError, ProposalView } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { useApp } from '../store.js';
import { count } from '../format.js';
import { StatusBadge } from '../components/Badge.js';
import { ErrorNote } from '../components/ErrorNote.js';
import type { PickedCell } from './QuarantineGrid.js';

interface Props {
  runId: string;
  cells: PickedCell[];
  onClear(): void;
}

export function ManualEdit({ runId, cells, onClear }: Props) {
  const openReview = useApp((s) => s.openReview);
  const [value, setValue] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<ProposalView | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const column = cells[0]?.column ?? null;
  const first = cells[0];

  // A new pick starts from the picked cell's value; the last outcome stays until then.
  useEffect(() => {
    if (!first) return;
    setValue(cells.length === 1 ? first.value ?? '' : '');
    setError(null);
    setOutcome(null);
    input.current?.focus();
    input.current?.select();
  }, [first?.rowId, first?.column, cells.length]);

  const propose = async () => {
    if (!column) return;
    setSaving(true);
    try {
      const view = await call('editCells', { runId, column, cells: cells.map((c) => ({ rowId: c.rowId, value: value === '' ? null : value })) });
      setOutcome(view);
      setError(null);
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setSaving(false);
    }
  };

  if (!column && !outcome) {
    return <p className="manual-hint small muted" data-testid="manual-hint">Click a failing (red) cell to set it by hand; Ctrl- or Shift-click adds more cells of the same column.</p>;
  }
  return (
    <div className="manual-edit" data-testid="manual-edit">
      {column && (
        <form className="manual-form" onSubmit={(e) => { e.preventDefault(); void propose(); }}>
          <span className="small">
            <strong>{count(cells.length)}</strong> cell{cells.length === 1 ? '' : 's'} of <span className="mono strong">{column}</span>
            {cells.length === 1 ? <> · row <span className="mono">{first.rowId}</span>, now <span className="mono">{first.value ?? '∅'}</span></> : ''}
          </span>
          <label className="manual-value">
            <span className="sr-only">New value for {column}</span>
            <input ref={input} className="mono" value={value} placeholder="new value (blank empties the cell)" onChange={(e) => setValue(e.target.value)} aria-label={`new value for ${column}`} data-testid="manual-value" />
          </label>
          <button type="submit" className="btn btn-primary btn-sm" disabled={saving} data-testid="propose-edit">{saving ? 'Verifying…' : 'Propose this edit'}</button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClear}>Clear</button>
        </form>
      )}
      <ErrorNote error={error} />
      {outcome && (
        <div className={`note ${outcome.status === 'verified' ? 'note-green' : 'note-amber'} manual-outcome`} data-testid="manual-outcome" data-status={outcome.status}>
          <StatusBadge status={outcome.status} />
          <div className="note-body">
            <strong>
              {outcome.status === 'verified'
                ? `Verified: the new value passes the contract on ${count(outcome.fixedRows)} cell${outcome.fixedRows === 1 ? '' : 's'} and breaks nothing else.`
                : 'Not verified: this edit cannot be approved as it is.'}
            </strong>
            <p>{outcome.status === 'verified' ? 'It is a proposal now: approve it in Review, then promote, for the rows to reach production.' : outcome.sandboxReason ?? 'The engine did not accept it.'}</p>
          </div>
          <button className="btn btn-secondary btn-sm" onClick={() => openReview(outcome.clusterId)} data-testid="open-review">Open in Review</button>
        </div>
      )}
    </div>
  );
}
