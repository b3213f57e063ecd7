// Editing a value map in its own table, as OpenRefine's Cluster & Edit does: tick or untick a
// line, retype what a value becomes. Saving has the engine verify the edited map on the pattern
// like any proposal; the result is a new proposal, the one edited stays on record.
import { useEffect, useMemo, useState } from 'react';
import type { ApiError, ProposalView } from '../../../main/api/contract.js';
import { call, errorOf } from '../bridge.js';
import { count } from '../format.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { PagedFrame, usePaged } from './RuleTable.js';
import type { RuleOf } from './RuleView.js';

interface Props {
  runId: string;
  proposal: ProposalView;
  rule: RuleOf<'map'>;
  onClose(): void;
  onSaved(view: ProposalView): void;
  /** the map as edited, for the live preview */
  onDraft?(rule: ProposalView['rule']): void;
}

interface Line {
  from: string;
  to: string;
  enabled: boolean;
  count?: number;
}

export function MapEditor({ runId, proposal, rule, onClose, onSaved, onDraft }: Props) {
  const original = useMemo<Line[]>(() => rule.entries.map((e) => ({ from: e.from, to: e.to, enabled: e.enabled !== false, count: e.count })), [rule]);
  const [lines, setLines] = useState<Line[]>(original);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const paged = usePaged(lines, (l) => `${l.from}\u0001${l.to}`);

  const changed = lines.filter((l, i) => l.enabled !== original[i].enabled || l.to !== original[i].to).length;
  const on = lines.filter((l) => l.enabled).length;
  const blank = lines.filter((l) => l.enabled && l.to === '').length;
  const update = (index: number, change: Partial<Line>) => setLines((ls) => ls.map((l, i) => (i === index ? { ...l, ...change } : l)));
  const tickShown = (enabled: boolean) => {
    const shown = new Set(paged.matching.map((m) => m.index));
    setLines((ls) => ls.map((l, i) => (shown.has(i) ? { ...l, enabled } : l)));
  };

  // A blank target falls back as saving does (to the proposed target), so the preview shows what would be saved.
  const entries = useMemo(() => lines.map((l, i) => ({ from: l.from, to: l.to || original[i].to || l.from, enabled: l.enabled })), [lines, original]);
  useEffect(() => { onDraft?.({ ...rule, entries: entries.map((e, i) => ({ ...e, ...(lines[i].count !== undefined ? { count: lines[i].count } : {}) })) }); }, [entries, lines, rule, onDraft]);

  const save = async () => {
    setSaving(true);
    try {
      onSaved(await call('editMap', { runId, proposalId: proposal.id, entries }));
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setSaving(false);
    }
  };

  const tools = (
    <span className="rt-bulk">
      <button className="btn btn-ghost btn-sm" onClick={() => tickShown(true)}>Tick {paged.filter ? 'matching' : 'all'}</button>
      <button className="btn btn-ghost btn-sm" onClick={() => tickShown(false)}>Untick {paged.filter ? 'matching' : 'all'}</button>
    </span>
  );

  return (
    <div className="rule-editor map-editor" data-testid="map-editor">
      <p className="small">
        Untick a line to leave that value as it is, or retype what it becomes. {rule.match === 'folded' ? 'Values match whatever their case and spacing. ' : ''}
        <span className="muted">{count(on)} of {count(lines.length)} lines applied{changed ? ` · ${count(changed)} changed` : ''}</span>
      </p>
      <PagedFrame paged={paged} total={lines.length} noun="line" tools={tools}>
        <table className="table compact rt rt-edit">
          <thead><tr><th className="rt-tick">apply</th><th>from</th><th aria-hidden="true" /><th>to</th><th className="num">rows</th></tr></thead>
          <tbody>
            {paged.shown.map(({ item, index }) => (
              <tr key={index} className={item.enabled ? '' : 'rt-off'} data-line={index} data-from={item.from}>
                <td className="rt-tick"><input type="checkbox" checked={item.enabled} onChange={(e) => update(index, { enabled: e.target.checked })} aria-label={`apply ${item.from}`} /></td>
                <td className="mono rt-val" title={item.from}>{item.from}</td>
                <td className="muted" aria-hidden="true">→</td>
                <td><input className="mono rt-to" value={item.to} disabled={!item.enabled} onChange={(e) => update(index, { to: e.target.value })} aria-label={`${item.from} becomes`} /></td>
                <td className="num mono">{count(item.count ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </PagedFrame>
      {blank > 0 && <p className="note note-amber small">{count(blank)} applied line{blank === 1 ? ' has' : 's have'} no target: type a value or untick {blank === 1 ? 'it' : 'them'}.</p>}
      <ErrorNote error={error} />
      <div className="actions">
        <button className="btn btn-primary" disabled={saving || blank > 0 || on === 0} onClick={() => void save()} data-testid="save-map">{saving ? 'Verifying…' : 'Verify and save as a new proposal'}</button>
        <button className="btn btn-ghost" onClick={onClose}>Cancel</button>
        {on === 0 && <span className="small muted">Tick at least one line, or reject the proposal instead.</span>}
      </div>
    </div>
  );
}
